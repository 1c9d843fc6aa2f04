import { access, constants } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { WasmpackError } from "@wasmpack/registry";
import { findToolchain, toolchainEnv } from "../src/toolchain/index.js";

// The machine's real toolchains: rustup's cargo (no wasm std) first on PATH, Debian's in /usr/bin
// with the wasm32-wasi std.
describe("findToolchain with the real toolchains", () => {
  it("picks Debian's /usr/bin toolchain with wasm32-wasi, with its own rustc", async () => {
    expect(await firstOnPath("rustc")).not.toBe("/usr/bin/rustc");

    const toolchain = await findToolchain({ env: process.env });
    expect(toolchain).toMatchObject({
      cargo: "/usr/bin/cargo",
      rustc: "/usr/bin/rustc",
      binDir: "/usr/bin",
      target: "wasm32-wasi",
      origin: "/usr/bin",
      rustupProxy: false,
    });
    expect(toolchain.rustcVersion).toMatch(/^1\.\d+\.\d+/);
    const env = toolchainEnv(toolchain, process.env);
    expect(env.RUSTC).toBe("/usr/bin/rustc");
    expect(env.PATH?.split(path.delimiter)[0]).toBe("/usr/bin");
  });

  it("fails with one line naming what was tried when wasm32-wasip1 is asked for", async () => {
    const error = await findToolchain({ env: process.env, target: "wasm32-wasip1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasmpackError);
    const { kind, code, message } = error as WasmpackError;
    expect({ kind, code }).toEqual({ kind: "toolchain", code: "NO_WASM_TARGET" });
    expect(message).toMatch(/^no Rust toolchain with the wasm32-wasip1 standard library found \(tried: PATH \(rustc /);
    expect(message).toMatch(/rustup toolchain \S+ \(rustc /);
    expect(message).toMatch(/\/usr\/bin \(rustc [^)]*, has wasm32-wasi\)\); install it with `rustup target add wasm32-wasip1`/);
    expect(message).not.toContain("\n");
  });
});

async function firstOnPath(command: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, command);
    if (await access(file, constants.X_OK).then(() => true, () => false)) return file;
  }
  return undefined;
}
