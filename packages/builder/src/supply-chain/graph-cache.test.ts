import { appendFile, cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { execaRunner, type CommandRunner } from "../cargo/runner.js";
import { cachedDependencyGraph } from "./graph-cache.js";

// Debian's cargo on a copy of examples/wasmedge-http: the cache answers a rebuild without running
// cargo or rustc, and asks them again once Cargo.lock (or the cache key) changes.
const work = await mkdtemp(join(tmpdir(), "wasmpack-graph-cache-"));
afterAll(() => rm(work, { recursive: true, force: true }));
const crate = join(work, "crate");
await cp(new URL("../../../../examples/wasmedge-http", import.meta.url), crate, { recursive: true, filter: (path) => !path.includes("/target") });

describe("cachedDependencyGraph", () => {
  const calls: string[] = [];
  const runner: CommandRunner = (file, args, options) => {
    calls.push(`${file} ${args[0]}`);
    return execaRunner(file, args, options);
  };
  const read = (target = "wasm32-wasi") =>
    cachedDependencyGraph({ cargo: "/usr/bin/cargo", rustc: "/usr/bin/rustc", manifestPath: join(crate, "Cargo.toml"), target, env: { ...process.env, RUSTC: "/usr/bin/rustc" }, runner, cacheDir: join(work, "cache") });

  it("reads once, then answers from the cache while Cargo.lock and the manifests are unchanged", async () => {
    const first = await read();
    expect(calls.some((call) => call.endsWith("cargo metadata"))).toBe(true);
    calls.length = 0;
    expect(await read()).toEqual(first);
    expect(calls).toEqual([]);
  });

  it("asks cargo again after Cargo.lock changes", async () => {
    await appendFile(join(crate, "Cargo.lock"), "\n");
    calls.length = 0;
    await read();
    expect(calls.filter((call) => call.endsWith("cargo metadata"))).toHaveLength(1);
  });

  it("keys on the target", async () => {
    calls.length = 0;
    const other = await read("wasm32-unknown-unknown").catch(() => undefined);
    expect(calls.length).toBeGreaterThan(0);
    if (other) expect(other.target).toBe("wasm32-unknown-unknown");
  });
});
