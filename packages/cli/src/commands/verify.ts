import type { Command } from "commander";
import { addRegistryOptions, type RegistryFlags } from "./registry-flags.js";

export interface VerifyCommandOptions extends RegistryFlags {
  runtime?: string;
  kind?: string;
  key?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerVerify(program: Command, env: Record<string, string | undefined>): void {
  addRegistryOptions(
    program
      .command("verify")
      .description("check statically that an image will start on its runtime (exit 1 if not); with --key, its signature and SBOM too")
      .argument("[image]", "OCI layout (LAYOUT[:TAG]), a project directory built with wasmpack build, or a registry reference", ".")
      .option("--runtime <runtime>", "check against wasmedge | spin | wasmtime (default: the runtime the image is built for)")
      .option("--kind <kind>", "how it will run: deployment (fails a program that exits) | job (fails a server) (default: a program only warns)")
      .option("--key <public-key>", "also check the image's signature with this key (cosign.pub) and that an SBOM is attached")
      .option("--json", "print the report as one JSON object on stdout")
      .option("-q, --quiet", "print only failures and errors"),
  ).action(async (image: string, options: VerifyCommandOptions) => (await import("../actions/verify.js")).verify(image, options, env));
}
