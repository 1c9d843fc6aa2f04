import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { pullToLayout } from "@wasmpack/registry";
import { OciLayout } from "@wasmpack/registry/layout";
import { formatReference, parseReference } from "@wasmpack/registry/oci";
import type { PullCommandOptions } from "../commands/pull.js";
import { createConsole, formatBytes } from "./console.js";
import { createProgressView } from "./progress-view.js";
import { registryClientOptions } from "./registry-client.js";

/** `wasmpack pull`: an image (an index with its children) into a layout, every blob checked as it streams. */
export async function pull(ref: string, options: PullCommandOptions, env: Record<string, string | undefined>): Promise<void> {
  const out = createConsole({ quiet: options.quiet });
  const source = parseReference(ref);
  const clientOptions = await registryClientOptions(options, env);
  const output = resolve(options.output);
  const created = !existsSync(output);
  const layout = await OciLayout.create(output);
  const progress = createProgressView({ verb: "pulled", quiet: options.quiet });
  const result = await pullToLayout(source, layout, { ...clientOptions, onProgress: progress.onProgress }).catch(async (error: unknown) => {
    // Nothing half-written: a layout this pull created goes away with the failure.
    if (created) await rm(output, { recursive: true, force: true });
    throw error;
  }).finally(progress.done);
  out.info(`pulled ${formatReference(source)} ${result.digest} into ${layout.dir} (tag ${result.tags.join(", ")}): ${result.pulled} blobs, ${formatBytes(result.bytes)}`);
  if (options.json) out.json({ ref: formatReference(source), digest: result.digest, layout: layout.dir, tags: result.tags, pulled: result.pulled, skipped: result.skipped, bytes: result.bytes });
}
