import type { Command } from "commander";
import { addRegistryOptions, type RegistryFlags } from "./registry-flags.js";

export interface SignCommandOptions extends RegistryFlags {
  key: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerSign(program: Command, env: Record<string, string | undefined>): void {
  addRegistryOptions(
    program
      .command("sign")
      .description("sign an image in a registry, cosign-compatible: a Sigstore bundle attached as an OCI 1.1 referrer")
      .argument("<ref>", "the image, by tag or digest, e.g. ghcr.io/org/app:1.0")
      .requiredOption("--key <file>", "private key: cosign.key (password from $COSIGN_PASSWORD) or PEM"),
  )
    .option("--json", "print the result as one JSON object on stdout")
    .option("-q, --quiet", "print nothing but the signature's reference and errors")
    .action(async (ref: string, options: SignCommandOptions) => (await import("../actions/sign.js")).sign(ref, options, env));
}
