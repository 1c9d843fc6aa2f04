// `wasmpack resolve -f DIR/` (issue 9): every wasmpack:// image of every YAML file built in one
// pass, workspace members with one cargo build, pushed through one client, pinned by digest.

import { existsSync } from "node:fs";
import { cp, writeFile } from "node:fs/promises";
import { join, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE } from "../support/build.js";
import { lastLine, runWasmpack } from "../support/cli.js";
import { skopeoDigest, startRegistry, type RunningRegistry } from "../support/registry/index.js";
import { cargoLock, tempDir, writeTree } from "../support/temp.js";

const pod = (name: string, image: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: app\n      image: ${image} # built by wasmpack\n`;

describe("wasmpack resolve -f DIR/", () => {
  let registry: RunningRegistry;
  // Copies of the examples (without target/), so that no other test file writes the same layouts.
  let cwd: string;
  beforeAll(async () => {
    registry = await startRegistry();
    cwd = await tempDir();
    for (const example of ["workspace", "wasmedge-http"]) {
      await cp(EXAMPLE(example), join(cwd, "examples", example), { recursive: true, filter: (src) => !src.split(sep).includes("target") });
    }
  });
  afterAll(() => registry?.stop());

  it("resolves every file's wasmpack:// images in one pass; workspace members share one cargo build", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "a.yaml"), `${pod("hello", "wasmpack://examples/workspace/services/hello-api")}---\n${pod("greeter", "wasmpack://examples/workspace/services/greeter")}`);
    await writeFile(join(dir, "b.yml"), pod("edge", "wasmpack://examples/wasmedge-http") + "---\n" + pod("hello2", "wasmpack://examples/workspace/services/hello-api"));
    await writeFile(join(dir, "notes.txt"), "not yaml");
    const result = await runWasmpack(["resolve", "-f", dir, "--repo", `${registry.host}/r`], { cwd, timeoutMs: 300_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^building wasmpack:\/\/examples\/workspace\/services\/hello-api, wasmpack:\/\/examples\/workspace\/services\/greeter \(one cargo build in .*examples\/workspace\)$/m);
    expect(result.stdout).not.toContain("wasmpack://");
    expect(result.stdout.split(/^---$/m)).toHaveLength(4);
    for (const name of ["hello-api", "greeter", "wasmedge-http"]) {
      const digest = await skopeoDigest(`docker://${registry.host}/r/${name}:0.1.0`);
      expect(result.stdout).toContain(`image: ${registry.host}/r/${name}@${digest} # built by wasmpack`);
    }
    expect(result.stdout.match(new RegExp(`${registry.host}/r/hello-api@`, "g"))).toHaveLength(2);
  }, 300_000);

  it("pushes nothing and writes nothing when one image fails to build", async () => {
    const dir = await tempDir();
    const bad = await writeTree(join(dir, "bad"), {
      "Cargo.toml": '[package]\nname = "bad"\nversion = "0.1.0"\nedition = "2021"\n',
      "Cargo.lock": cargoLock([{ name: "bad", version: "0.1.0" }]),
      "src/main.rs": 'fn main() { let x: u32 = "no"; }\n',
    });
    await writeFile(join(dir, "app.yaml"), pod("bad", `wasmpack://${bad}`) + "---\n" + pod("edge", "wasmpack://examples/wasmedge-http"));
    const output = join(dir, "out.yaml");
    const result = await runWasmpack(["resolve", "-f", join(dir, "app.yaml"), "--repo", `${registry.host}/fail`, "-o", output], { cwd, timeoutMs: 300_000 });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^FAILED wasmpack:\/\/.*bad  cargo build failed/m);
    expect(lastLine(result.stderr)).toMatch(/1 of 2 wasmpack:\/\/ images failed to build \(.*bad\); pushed nothing, wrote nothing$/);
    expect(existsSync(output)).toBe(false);
    await expect(skopeoDigest(`docker://${registry.host}/fail/wasmedge-http:0.1.0`)).rejects.toThrow();
  }, 300_000);
});
