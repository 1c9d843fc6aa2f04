import type { Command } from "commander";
import { addRegistryOptions, type RegistryFlags } from "./registry-flags.js";

export interface ResolveCommandOptions extends RegistryFlags {
  filename: string;
  output?: string;
  repo?: string;
  quiet?: boolean;
}

export function registerResolve(program: Command, env: Record<string, string | undefined>): void {
  addRegistryOptions(
    program
      .command("resolve")
      .description("build and push every wasmpack://DIR image in a YAML file and print it with digest references (like ko resolve)")
      .requiredOption("-f, --filename <file>", "Kubernetes YAML with images written wasmpack://DIR (DIR relative to the working directory)")
      .option("--repo <registry/prefix>", "where images go, as REPO/<dir name>:<version> (default: WASMPACK_REPO)")
      .option("-o, --output <file>", "write the resolved YAML here instead of stdout"),
  )
    .option("-q, --quiet", "print nothing but the YAML and errors")
    .action(async (_: unknown, command: Command) => (await import("../actions/resolve.js")).resolve(command.opts<ResolveCommandOptions>(), env));
}
