import { findTool } from "../tools.js";
import { startOnFreePort } from "./registry-process.js";

/**
 * test/support/referrers-registry, built by scripts/install-deps.sh into .tools/bin (needs Go),
 * or on PATH.
 */
export function findReferrersRegistry(): string | undefined {
  return findTool("referrers-registry");
}

/**
 * go-containerregistry's registry with the OCI 1.1 referrers API on (`GET /v2/<name>/referrers/<digest>`
 * answers an image index), on a free loopback port, plain HTTP, blobs in memory. Distribution 2.8
 * answers that request 404, so between the two every client path for referrers is covered: the
 * API, and the `sha256-<hex>` fallback tag.
 */
export async function startReferrersRegistry(bin: string): Promise<{ host: string; stop(): Promise<void> }> {
  return startOnFreePort(bin, (host) => ["--address", host]);
}
