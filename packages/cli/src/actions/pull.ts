import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { pullToLayout } from "@wasmpack/registry";
import { OciLayout } from "@wasmpack/registry/layout";
import { formatReference, parseReference } from "@wasmpack/registry/oci";
import type { PullCommandOptions } from "../commands/pull.js";
import { createConsole, formatBytes } from "./console.js";
import { Interrupted, watchInterrupts } from "./interrupt.js";
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
  // SIGINT/SIGTERM cut the pull at once; the failure path below then cleans up.
  const interrupts = watchInterrupts("pull", 0);
  const result = await pullToLayout(source, layout, { ...clientOptions, onProgress: progress.onProgress, signal: interrupts.signal, ...(options.referrers ? { referrers: true } : {}) }).catch(async (error: unknown) => {
    // Nothing half-written: a layout this pull created goes away with the failure.
    if (created) await rm(output, { recursive: true, force: true });
    const signal = interrupts.received();
    throw signal ? new Interrupted(signal, "pull", created ? "" : "; blobs already written are kept, and skipped by the next pull") : error;
  }).finally(() => {
    interrupts.dispose();
    progress.done();
  });
  out.info(`pulled ${formatReference(source)} ${result.digest} into ${layout.dir} (tag ${result.tags.join(", ")}): ${result.pulled} blobs, ${formatBytes(result.bytes)}`);
  for (const referrer of result.referrers ?? []) out.info(`  referrer ${referrer.artifactType ?? referrer.mediaType} ${referrer.digest}`);
  const referrers = result.referrers?.map((r) => ({ artifactType: r.artifactType, digest: r.digest }));
  if (options.json) out.json({ ref: formatReference(source), digest: result.digest, layout: layout.dir, tags: result.tags, pulled: result.pulled, skipped: result.skipped, bytes: result.bytes, ...(referrers ? { referrers } : {}) });
}
