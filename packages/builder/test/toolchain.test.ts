import { access, constants, readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { WasmpackError } from "@wasmpack/registry";
import { findToolchain, toolchainEnv } from "../src/toolchain/index.js";

// The machine's real toolchains: Debian's in /usr/bin with the wasm32-wasi std, and on a developer's
// machine rustup's cargo (no wasm std) first on PATH; a fresh machine (scripts/fresh-machine.sh)
// has no rustup, and PATH's cargo is Debian's.
describe("findToolchain with the real toolchains", () => {
  it("picks Debian's /usr/bin toolchain with wasm32-wasi, with its own rustc", async () => {
    const debianFirst = (await firstOnPath("rustc")) === "/usr/bin/rustc";

    const toolchain = await findToolchain({ env: process.env, cacheDir: null });
    expect(toolchain).toMatchObject({
      cargo: "/usr/bin/cargo",
      rustc: "/usr/bin/rustc",
      binDir: "/usr/bin",
      target: "wasm32-wasi",
      origin: debianFirst ? "PATH" : "/usr/bin",
      rustupProxy: false,
    });
    expect(toolchain.rustcVersion).toMatch(/^1\.\d+\.\d+/);
    const env = toolchainEnv(toolchain, process.env);
    expect(env.RUSTC).toBe("/usr/bin/rustc");
    expect(env.PATH?.split(path.delimiter)[0]).toBe("/usr/bin");
  });

  it("fails with one line naming what was tried when wasm32-wasip1 is asked for", async () => {
    const debianFirst = (await firstOnPath("rustc")) === "/usr/bin/rustc";
    const rustup = (await readdir(path.join(process.env.RUSTUP_HOME ?? path.join(os.homedir(), ".rustup"), "toolchains")).catch(() => [])).length > 0;
    const error = await findToolchain({ env: process.env, target: "wasm32-wasip1", cacheDir: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasmpackError);
    const { kind, code, message } = error as WasmpackError;
    expect({ kind, code }).toEqual({ kind: "toolchain", code: "NO_WASM_TARGET" });
    expect(message).toMatch(/^no Rust toolchain with the wasm32-wasip1 standard library found \(tried: PATH \(rustc /);
    if (rustup) expect(message).toMatch(/rustup toolchain \S+ \(rustc /);
    else expect(message).toContain("no rustup toolchains in ");
    expect(message).toMatch(
      new RegExp(`${debianFirst ? "PATH" : "/usr/bin"} \\(rustc [^)]*, has wasm32-wasi\\)[,)].*; install it with \`rustup target add wasm32-wasip1\``),
    );
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
