import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { createConsole, formatBytes } from "../console.js";
import { createProgressView } from "../progress-view.js";
import { addRegistryOptions, registryClientOptions, type RegistryFlags } from "../registry-options.js";

interface PullCommandOptions extends RegistryFlags {
  output: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerPull(program: Command, env: Record<string, string | undefined>): void {
  addRegistryOptions(
    program
      .command("pull")
      .description("pull an image into an OCI layout, verifying every blob's size and digest as it streams")
      .argument("<ref>", "what to pull, e.g. ghcr.io/org/app:1.0 or localhost:5000/app@sha256:…")
      .option("-o, --output <layout>", "OCI layout directory to write (created if missing)", "oci"),
  )
    .option("--json", "print the result as one JSON object on stdout")
    .option("-q, --quiet", "print nothing but errors and --json output")
    .action(async (ref: string, options: PullCommandOptions) => {
      const out = createConsole({ quiet: options.quiet });
      const registry = await import("@wasmpack/registry");
      const source = registry.parseReference(ref);
      const clientOptions = await registryClientOptions(options, env);
      const output = resolve(options.output);
      const created = !existsSync(output);
      const layout = await registry.OciLayout.create(output);
      const progress = createProgressView({ verb: "pulled", quiet: options.quiet });
      const result = await registry.pullToLayout(source, layout, { ...clientOptions, onProgress: progress.onProgress }).catch(async (error: unknown) => {
        // Nothing half-written: a layout this pull created goes away with the failure.
        if (created) await rm(output, { recursive: true, force: true });
        throw error;
      }).finally(progress.done);
      out.info(`pulled ${registry.formatReference(source)} ${result.digest} into ${layout.dir} (tag ${result.tags.join(", ")}): ${result.pulled} blobs, ${formatBytes(result.bytes)}`);
      if (options.json) out.json({ ref: registry.formatReference(source), digest: result.digest, layout: layout.dir, tags: result.tags, pulled: result.pulled, skipped: result.skipped, bytes: result.bytes });
    });
}
