import { findTool } from "../tools.js";
import { startOnFreePort } from "./registry-process.js";

/** crane on PATH, else in the repository's .tools/bin (where scripts/install-deps.sh has `go install` put it). */
export function findCrane(): string | undefined {
  return findTool("crane");
}

/**
 * go-containerregistry's registry (`crane registry serve`), a second implementation besides
 * distribution, on a free loopback port with blobs in memory.
 */
export async function startCraneRegistry(crane: string): Promise<{ host: string; stop(): Promise<void> }> {
  return startOnFreePort(crane, (host) => ["registry", "serve", "--address", host]);
}
