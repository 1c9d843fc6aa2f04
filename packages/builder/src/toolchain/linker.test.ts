import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WasmpackError } from "@wasmpack/registry/errors";
import { cargoBuild } from "../cargo/index.js";
import type { CommandRunner } from "../cargo/runner.js";
import { checkWasmLinker, linkerNotFoundIn } from "./linker.js";
import type { Toolchain } from "./toolchain.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "wasmpack-linker-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A toolchain whose sysroot is `root/<name>`, with bin/cargo and bin/rustc; no linker anywhere. */
function toolchainIn(name: string, target = "wasm32-wasip1"): Toolchain {
  const sysroot = path.join(root, name);
  return {
    cargo: path.join(sysroot, "bin", "cargo"),
    rustc: path.join(sysroot, "bin", "rustc"),
    binDir: path.join(sysroot, "bin"),
    sysroot,
    target,
    rustcVersion: "1.80.0",
    origin: "PATH",
    rustupProxy: false,
  };
}

async function executable(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, "#!/bin/sh\nexit 0\n");
  await chmod(file, 0o755);
}

async function checkError(toolchain: Toolchain, env: Record<string, string> = { PATH: "" }): Promise<WasmpackError> {
  const error = await checkWasmLinker(toolchain, { env, cwd: root }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(WasmpackError);
  return error as WasmpackError;
}

describe("checkWasmLinker", () => {
  it("names a dangling rust-lld link and its Debian package, on one line", async () => {
    const toolchain = toolchainIn("usr");
    await mkdir(toolchain.binDir, { recursive: true });
    await symlink("lld-14", path.join(toolchain.binDir, "rust-lld"));
    const error = await checkError(toolchain);
    expect({ kind: error.kind, code: error.code }).toEqual({ kind: "toolchain", code: "WASM_LINKER_MISSING" });
    expect(error.message).toBe(
      `the wasm32-wasip1 linker rust-lld is not installed (${path.join(toolchain.binDir, "rust-lld")} is a link to lld-14, ` +
        "which does not exist); on Debian `apt-get install lld-14`",
    );
  });

  it("names the lld version the link points at", async () => {
    const toolchain = toolchainIn("usr");
    await mkdir(toolchain.binDir, { recursive: true });
    await symlink("/usr/lib/llvm-19/bin/lld-19", path.join(toolchain.binDir, "rust-lld"));
    expect((await checkError(toolchain)).message).toMatch(/link to \/usr\/lib\/llvm-19\/bin\/lld-19, which does not exist\); on Debian `apt-get install lld-19`$/);
  });

  it("gives rustup's fix for a rustup toolchain without rust-lld", async () => {
    const toolchain = toolchainIn(path.join("rustup", "toolchains", "stable-x86_64-unknown-linux-gnu"));
    const error = await checkError(toolchain);
    expect(error.message).toMatch(/^the wasm32-wasip1 linker rust-lld is not installed \(not beside .*\/bin\/rustc, in .*\/lib\/rustlib\/\*\/bin or on PATH\); /);
    expect(error.message).toMatch(/`rustup toolchain install stable-x86_64-unknown-linux-gnu --force`$/);
  });

  it("finds rust-lld beside rustc, in the sysroot's rustlib/<host>/bin and gcc-ld, and on PATH", async () => {
    const beside = toolchainIn("beside");
    await executable(path.join(beside.binDir, "rust-lld"));
    await checkWasmLinker(beside, { env: { PATH: "" }, cwd: root });

    const rustup = toolchainIn("rustup");
    await executable(path.join(rustup.sysroot, "lib", "rustlib", "x86_64-unknown-linux-gnu", "bin", "rust-lld"));
    await checkWasmLinker(rustup, { env: { PATH: "" }, cwd: root });

    const gccLd = toolchainIn("gcc-ld");
    await executable(path.join(gccLd.sysroot, "lib", "rustlib", "aarch64-unknown-linux-gnu", "bin", "gcc-ld", "rust-lld"));
    await checkWasmLinker(gccLd, { env: { PATH: "" }, cwd: root });

    const onPath = toolchainIn("on-path");
    await executable(path.join(root, "elsewhere", "rust-lld"));
    await checkWasmLinker(onPath, { env: { PATH: path.join(root, "elsewhere") }, cwd: root });
  });

  it("takes a dangling link beside rustc as missing even when PATH has another dangling one", async () => {
    const toolchain = toolchainIn("usr");
    await mkdir(toolchain.binDir, { recursive: true });
    await symlink("lld-14", path.join(toolchain.binDir, "rust-lld"));
    await mkdir(path.join(root, "other"));
    await symlink("lld-15", path.join(root, "other", "rust-lld"));
    expect((await checkError(toolchain, { PATH: path.join(root, "other") })).message).toContain("is a link to lld-14");
  });

  it("leaves a linker set by CARGO_TARGET_<TRIPLE>_LINKER, RUSTFLAGS or a cargo config to cargo", async () => {
    const toolchain = toolchainIn("none");
    await checkWasmLinker(toolchain, { env: { PATH: "", CARGO_TARGET_WASM32_WASIP1_LINKER: "wasm-ld" }, cwd: root });
    await checkWasmLinker(toolchain, { env: { PATH: "", RUSTFLAGS: "-C linker=wasm-ld" }, cwd: root });
    const project = path.join(root, "project", "crate");
    await mkdir(path.join(root, "project", ".cargo"), { recursive: true });
    await mkdir(project, { recursive: true });
    await writeFile(path.join(root, "project", ".cargo", "config.toml"), '[target.wasm32-wasip1]\nlinker = "wasm-ld"\n');
    await checkWasmLinker(toolchain, { env: { PATH: "", HOME: root }, cwd: project });
    await checkError(toolchain, { PATH: "", HOME: root });
  });

  it("checks only wasm32 targets", async () => {
    await checkWasmLinker(toolchainIn("none", "x86_64-unknown-linux-gnu"), { env: { PATH: "" }, cwd: root });
  });
});

describe("cargo's own 'linker not found'", () => {
  it("is recognised in cargo's words", () => {
    expect(linkerNotFoundIn("error: linker `rust-lld` not found")).toBe("rust-lld");
    expect(linkerNotFoundIn("error: linker 'wasm-ld' not found")).toBe("wasm-ld");
    expect(linkerNotFoundIn("error: linking with `rust-lld` failed: exit status: 1")).toBeUndefined();
  });

  it("becomes wasmpack's one line instead of cargo's error", async () => {
    // The linker is set through the environment, so the check before cargo leaves it to cargo.
    const toolchain = toolchainIn("usr");
    await mkdir(toolchain.binDir, { recursive: true });
    await symlink("lld-14", path.join(toolchain.binDir, "rust-lld"));
    const manifestPath = path.join(root, "app", "Cargo.toml");
    await mkdir(path.dirname(manifestPath), { recursive: true });
    await writeFile(manifestPath, '[package]\nname = "app"\nversion = "0.1.0"\n');
    const runner: CommandRunner = async (_file, args, options) => {
      if (args[0] === "metadata") return { stdout: '{"packages":[],"workspace_members":[]}', stderr: "", exitCode: 0 };
      for (const line of ["   Compiling app v0.1.0", "error: linker `rust-lld` not found", "  |", "  = note: No such file or directory (os error 2)", "", "error: could not compile `app` due to previous error"]) {
        options.onStderrLine?.(line);
      }
      return { stdout: "", stderr: "", exitCode: 101 };
    };
    const diagnostics: string[] = [];
    const error = await cargoBuild({
      toolchain,
      manifestPath,
      env: { PATH: "", CARGO_TARGET_WASM32_WASIP1_LINKER: "rust-lld" },
      runner,
      onDiagnostic: (line) => diagnostics.push(line),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasmpackError);
    expect((error as WasmpackError).code).toBe("WASM_LINKER_MISSING");
    expect((error as WasmpackError).message).toMatch(/rust-lld is not installed \(.*is a link to lld-14, which does not exist\); on Debian `apt-get install lld-14`$/);
    expect(diagnostics).toEqual(["   Compiling app v0.1.0"]);
  });
});
