import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { VerifyReport } from "@wasmpack/builder";
import { REPO_ROOT, runWasmpack } from "../support/cli.js";
import { tempDir } from "../support/temp.js";

let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await tempDir("wasmpack-verify-examples-");
  env = { XDG_STATE_HOME: join(dir, "state") }; // where build records the last build, for DIR arguments
  for (const example of ["wasmedge-http", "spin-hello"]) {
    const result = await runWasmpack(["build", join(REPO_ROOT, "examples", example), "-o", join(dir, example), "-q"], { env });
    expect(result.exitCode, result.stderr).toBe(0);
  }
});

const lines = (stdout: string) => stdout.trimEnd().split("\n");

describe("wasmpack verify on the examples", () => {
  it("passes examples/wasmedge-http on WasmEdge: entrypoint, suffix, module, socket imports, _start", async () => {
    const result = await runWasmpack(["verify", join(dir, "wasmedge-http")], { env });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(lines(result.stdout).every((line) => line.startsWith("ok "))).toBe(true);
    for (const name of ["image", "annotation", "platform", "entrypoint", "entrypoint suffix", "wasm /wasmedge-http.wasm", "imports /wasmedge-http.wasm", "exports /wasmedge-http.wasm"]) {
      expect(result.stdout).toContain(`  ${name}: `);
    }
    expect(result.stderr).toContain("on wasmedge: all checks passed");
  });

  it("passes examples/spin-hello on Spin: spin.toml, its source, the module", async () => {
    const result = await runWasmpack(["verify", `${join(dir, "spin-hello")}:0.1.0`], { env });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(lines(result.stdout).every((line) => line.startsWith("ok "))).toBe(true);
    expect(result.stdout).toContain("ok    spin.toml: manifest version 2, application spin-hello, 1 component(s)");
    expect(result.stdout).toContain("ok    source hello: /target/wasm32-wasip1/release/spin_hello.wasm");
    expect(result.stderr).toContain("spin-layout image");
  });

  it("finds a project's image through its last build, and reports as JSON", async () => {
    const result = await runWasmpack(["verify", "examples/spin-hello", "--json"], { env, cwd: REPO_ROOT });
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as VerifyReport & { layout: string };
    expect([report.ok, report.runtime, report.kind, report.layout]).toEqual([true, "spin", "spin-layout", join(dir, "spin-hello")]);
  });

  it("fails examples/spin-hello on WasmEdge, which cannot run a spin.toml app", async () => {
    const result = await runWasmpack(["verify", join(dir, "spin-hello"), "--runtime", "wasmedge"], { env });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^FAIL {2}image: a spin\.toml image runs on containerd-shim-spin/m);
  });
});
