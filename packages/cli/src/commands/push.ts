import type { Command } from "commander";
import { collect } from "../flags.js";
import { addRegistryOptions, type RegistryFlags } from "./registry-flags.js";

export interface PushCommandOptions extends RegistryFlags {
  from?: string;
  sourceTag?: string;
  tag: string[];
  mountFrom?: string;
  json?: boolean;
  quiet?: boolean;
  referrers?: boolean;
  sign?: boolean;
  key?: string;
}

export function registerPush(program: Command, env: Record<string, string | undefined>): void {
  addRegistryOptions(
    program
      .command("push")
      .description("push the image the last `wasmpack build` in this directory wrote (or --from a layout) to a registry")
      .argument("<ref>", "where to push, e.g. ghcr.io/org/app:1.0 or localhost:5000/app:dev")
      .option("--from <layout|dir>", "an OCI layout, or a project directory whose layout to push")
      .option("--source-tag <tag>", "which image of the layout (default: the build's images, or the layout's only one)")
      .option("-t, --tag <tag>", "also write this tag (repeatable)", collect, [])
      .option("--mount-from <repo>", "a repository on the same registry to mount existing blobs from")
      .option("--no-referrers", "push the images alone, without the SBOM and provenance the build attached")
      .option("--sign", "sign each pushed image (cosign-compatible Sigstore bundle, as an OCI 1.1 referrer)")
      .option("--key <file>", "with --sign: the private key (cosign.key, password from $COSIGN_PASSWORD, or PEM)"),
  )
    .option("--json", "print the result as one JSON object on stdout")
    .option("-q, --quiet", "print nothing but the pushed reference and errors")
    .action(async (ref: string, options: PushCommandOptions) => (await import("../actions/push.js")).push(ref, options, env));
}
