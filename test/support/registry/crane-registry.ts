import { findTool } from "../tools.js";
import { freePort } from "./free-port.js";
import { spawnServer, stopChild, waitUntilUp } from "./registry-process.js";

/** crane on PATH, else in the repository's .tools/bin (where scripts/install-deps.sh has `go install` put it). */
export function findCrane(): string | undefined {
  return findTool("crane");
}

/**
 * go-containerregistry's registry (`crane registry serve`), a second implementation besides
 * distribution, on a free loopback port with blobs in memory.
 */
export async function startCraneRegistry(crane: string): Promise<{ host: string; stop(): Promise<void> }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const host = `127.0.0.1:${await freePort()}`;
    const server = spawnServer(crane, ["registry", "serve", "--address", host]);
    try {
      await waitUntilUp(server, `http://${host}/v2/`);
      return { host, stop: () => stopChild(server) };
    } catch (error) {
      await stopChild(server);
      lastError = error; // most likely the port was taken in between; try another
    }
  }
  throw lastError;
}
