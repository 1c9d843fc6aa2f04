import type { Command } from "commander";
import { addRegistryOptions, type RegistryFlags } from "./registry-flags.js";

export interface PullCommandOptions extends RegistryFlags {
  output: string;
  referrers?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerPull(program: Command, env: Record<string, string | undefined>): void {
  addRegistryOptions(
    program
      .command("pull")
      .description("pull an image into an OCI layout, verifying every blob's size and digest as it streams")
      .argument("<ref>", "what to pull, e.g. ghcr.io/org/app:1.0 or localhost:5000/app@sha256:…")
      .option("-o, --output <layout>", "OCI layout directory to write (created if missing)", "oci")
      .option("--referrers", "also pull the image's referrers (SBOM, provenance, signatures), listed untagged in index.json as oras does"),
  )
    .option("--json", "print the result as one JSON object on stdout")
    .option("-q, --quiet", "print nothing but errors and --json output")
    .action(async (ref: string, options: PullCommandOptions) => (await import("../actions/pull.js")).pull(ref, options, env));
}
