import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";

/** crane from `go install` (scripts/install-deps.sh installs it when Go is on the machine). */
export function findCrane(): string | undefined {
  const candidates = [...(process.env["PATH"] ?? "").split(":").map((dir) => join(dir, "crane")), join(process.env["GOPATH"] ?? join(homedir(), "go"), "bin", "crane")];
  return candidates.find((path) => existsSync(path));
}

/**
 * go-containerregistry's registry (`crane registry serve`), a second implementation besides
 * distribution, on a free loopback port with blobs in memory.
 */
export async function startCraneRegistry(crane: string): Promise<{ host: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(crane, ["registry", "serve", "--address", `127.0.0.1:${port}`], { stdio: "ignore" });
  const host = `127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await fetch(`http://${host}/v2/`).then((r) => r.ok, () => false)) {
      return {
        host,
        stop: async () => {
          child.kill();
          await new Promise((resolve) => child.once("exit", resolve));
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`crane registry serve did not answer on ${host}`);
}
