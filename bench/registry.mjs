// A real registry (Debian's docker-registry, distribution) on a free loopback port, for benchmarks.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/**
 * Starts the registry and waits until /v2/ answers; throws, with what it printed, when it exits or
 * never answers. `requests()` counts the requests it has logged since it answered.
 */
export async function startRegistry() {
  const dir = mkdtempSync(join(tmpdir(), "wasmpack-bench-registry-"));
  const port = await freePort();
  writeFileSync(join(dir, "config.yml"), `version: 0.1\nlog: { level: error }\nstorage: { filesystem: { rootdirectory: ${dir}/data } }\nhttp: { addr: 127.0.0.1:${port} }\n`);
  const child = spawn("docker-registry", ["serve", join(dir, "config.yml")], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let exited;
  // The access log (stdout, one line per request) counts what each client asks for.
  let requests = 0;
  let partial = "";
  child.stdout.on("data", (chunk) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop();
    requests += lines.filter((line) => /"(GET|HEAD|POST|PUT|PATCH|DELETE) \/v2\//.test(line)).length;
  });
  child.stderr.on("data", (chunk) => (output += chunk));
  child.on("exit", (code, signal) => (exited = signal ?? code));
  child.on("error", (error) => (exited = error.message)); // not installed
  const stop = () => {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 10_000;
  while (exited === undefined && Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ok) {
      // Count from here: the access log of the readiness polls arrives just after their answers.
      await new Promise((r) => setTimeout(r, 100));
      const base = requests;
      return { host: `127.0.0.1:${port}`, stop, requests: () => requests - base };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  const why = exited === undefined ? "did not answer within 10 s" : `exited (${exited})`;
  throw new Error(`docker-registry on 127.0.0.1:${port} ${why}${output ? `:\n${output}` : ""}`);
}
