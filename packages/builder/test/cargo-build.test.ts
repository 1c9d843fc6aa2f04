import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WasmpackError } from "@wasmpack/registry";
import { cargoBuild, type CargoBuildOptions } from "../src/cargo/index.js";
import { findToolchain, type Toolchain } from "../src/toolchain/index.js";

let toolchain: Toolchain;
let root: string;

beforeAll(async () => {
  toolchain = await findToolchain({ env: process.env });
  root = await mkdtemp(path.join(os.tmpdir(), "wasmpack-cargo-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Writes files under a fresh directory in the test's temp root; returns that directory. */
async function project(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(root, name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

const packageToml = (name: string, extra = "") =>
  `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${extra}`;

function build(manifestPath: string, options: Partial<CargoBuildOptions> = {}) {
  return cargoBuild({ toolchain, manifestPath, env: process.env, ...options });
}

async function buildError(manifestPath: string, options: Partial<CargoBuildOptions> = {}) {
  const error = await build(manifestPath, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(WasmpackError);
  return error as WasmpackError;
}

describe("cargoBuild with the real toolchain", () => {
  it("builds a bin crate and returns the .wasm cargo reported", async () => {
    const dir = await project("tiny", {
      "Cargo.toml": packageToml("tiny"),
      "src/main.rs": 'fn main() { println!("hello"); }\n',
    });
    const diagnostics: string[] = [];
    const artifacts = await build(path.join(dir, "Cargo.toml"), { onDiagnostic: (line) => diagnostics.push(line) });

    expect(artifacts).toEqual([
      {
        packageId: expect.stringContaining("tiny"),
        packageName: "tiny",
        manifestPath: path.join(dir, "Cargo.toml"),
        targetName: "tiny",
        kinds: ["bin"],
        path: expect.stringMatching(new RegExp(`/${toolchain.target}/release/tiny\\.wasm$`)),
      },
    ]);
    const bytes = await readFile(artifacts[0]!.path);
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from("\0asm"));
    expect(diagnostics.some((line) => /Compiling tiny v0\.1\.0/.test(line))).toBe(true);
    expect(diagnostics.every((line) => !line.includes("\n") && !line.startsWith("{"))).toBe(true);
  });

  it("builds the debug profile when release is false", async () => {
    const dir = await project("tiny-debug", {
      "Cargo.toml": packageToml("tiny-debug"),
      "src/main.rs": "fn main() {}\n",
    });
    const [artifact] = await build(path.join(dir, "Cargo.toml"), { release: false });
    expect(artifact?.path).toMatch(/\/debug\/tiny-debug\.wasm$/);
  });

  it("fails with NO_WASM_TARGET_IN_CRATE for a lib-only crate", async () => {
    const dir = await project("only-lib", {
      "Cargo.toml": packageToml("only-lib"),
      "src/lib.rs": "pub fn answer() -> u32 { 42 }\n",
    });
    const manifest = path.join(dir, "Cargo.toml");
    const error = await buildError(manifest);
    expect(error).toMatchObject({ kind: "input", code: "NO_WASM_TARGET_IN_CRATE" });
    expect(error.message).toBe(
      `${manifest}: the crate has no bin or cdylib target, so cargo produced no .wasm; add a [[bin]] (src/main.rs) or crate-type = ["cdylib"]`,
    );
  });

  it("fails with CARGO_FAILED and hands the compiler errors to onDiagnostic", async () => {
    const dir = await project("broken", {
      "Cargo.toml": packageToml("broken"),
      "src/main.rs": 'fn main() { let n: u32 = "not a number"; println!("{n}"); }\n',
    });
    const manifest = path.join(dir, "Cargo.toml");
    const diagnostics: string[] = [];
    const error = await buildError(manifest, { onDiagnostic: (line) => diagnostics.push(line) });
    expect(error).toMatchObject({ kind: "build", code: "CARGO_FAILED" });
    expect(error.message).toBe(`cargo build failed for ${manifest} (exit 101); see the errors above`);
    expect(diagnostics).toContainEqual(expect.stringMatching(/^error\[E0308\]: mismatched types/));
  });

  describe("in a workspace whose bin depends on a cdylib member", () => {
    let workspace: string;
    beforeAll(async () => {
      workspace = await project("workspace", {
        "Cargo.toml": '[workspace]\nmembers = ["app", "plugin"]\n',
        "app/Cargo.toml": packageToml("app", '[dependencies]\nplugin = { path = "../plugin" }\n'),
        "app/src/main.rs": 'fn main() { println!("{}", plugin::answer()); }\n',
        "plugin/Cargo.toml": packageToml("plugin", '[lib]\ncrate-type = ["cdylib", "rlib"]\n'),
        "plugin/src/lib.rs": 'pub fn answer() -> u32 { 42 }\n#[no_mangle]\npub extern "C" fn exported() -> u32 { answer() }\n',
      });
    });

    it("returns only the package's own .wasm, not a dependency's cdylib", async () => {
      const artifacts = await build(path.join(workspace, "app", "Cargo.toml"));
      expect(artifacts.map(({ packageName, targetName }) => ({ packageName, targetName }))).toEqual([
        { packageName: "app", targetName: "app" },
      ]);
    });

    it("returns every member's .wasm for the virtual workspace manifest", async () => {
      const artifacts = await build(path.join(workspace, "Cargo.toml"));
      expect(artifacts.map((a) => `${a.packageName}:${a.targetName}:${a.kinds.join("+")}`).sort()).toEqual([
        "app:app:bin",
        "plugin:plugin:cdylib+rlib",
      ]);
    });
  });

  it("fails with CARGO_MANIFEST_MISSING when the manifest does not exist", async () => {
    const manifest = path.join(root, "missing", "Cargo.toml");
    const error = await buildError(manifest);
    expect(error).toMatchObject({ kind: "input", code: "CARGO_MANIFEST_MISSING", message: `${manifest} does not exist` });
  });

  it("fails with CARGO_METADATA_FAILED and hands cargo's errors over when the manifest is invalid", async () => {
    const dir = await project("invalid", { "Cargo.toml": "[package]\nname = 12\n" });
    const manifest = path.join(dir, "Cargo.toml");
    const diagnostics: string[] = [];
    const error = await buildError(manifest, { onDiagnostic: (line) => diagnostics.push(line) });
    expect(error).toMatchObject({ kind: "input", code: "CARGO_METADATA_FAILED" });
    expect(error.message).toBe(`cargo metadata failed for ${manifest} (exit 101); see the errors above`);
    expect(diagnostics[0]).toMatch(/^error: /);
  });

  it("stops when the signal is aborted", async () => {
    const dir = await project("aborted", { "Cargo.toml": packageToml("aborted"), "src/main.rs": "fn main() {}\n" });
    const reason = new Error("stop");
    const promise = build(path.join(dir, "Cargo.toml"), { signal: AbortSignal.abort(reason) });
    await expect(promise).rejects.toBe(reason);
  });
});
