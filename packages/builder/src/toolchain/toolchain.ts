import path from "node:path";
import type { CommandEnv } from "../cargo/runner.js";

/** A cargo and the rustc paired with it, with the standard library for one wasm target. */
export interface Toolchain {
  /** Absolute path of cargo. */
  cargo: string;
  /** Absolute path of the rustc paired with this cargo; always passed to cargo as RUSTC. */
  rustc: string;
  /** Put first on PATH for build commands (the directory of cargo). */
  binDir: string;
  /** rustc's sysroot (`rustc --print sysroot`): lib/rustlib holds the targets' std and rust-lld. */
  sysroot: string;
  /** The wasm target this toolchain has the standard library for, e.g. "wasm32-wasip1". */
  target: string;
  /** e.g. "1.63.0" or "1.97.0-nightly". */
  rustcVersion: string;
  /** Where it came from, in words: "PATH", "/usr/bin", "rustup toolchain stable-x86_64-…". */
  origin: string;
  /** True when rustc is a rustup proxy, which picks its toolchain from RUSTUP_TOOLCHAIN. */
  rustupProxy: boolean;
}

/**
 * The environment for running the toolchain's cargo. Without RUSTC, cargo runs the first rustc on
 * PATH, which may belong to another toolchain; RUSTUP_TOOLCHAIN is kept only for rustup proxies.
 */
export function toolchainEnv(toolchain: Toolchain, baseEnv: CommandEnv): CommandEnv {
  const env: CommandEnv = {
    ...baseEnv,
    RUSTC: toolchain.rustc,
    PATH: baseEnv.PATH ? `${toolchain.binDir}${path.delimiter}${baseEnv.PATH}` : toolchain.binDir,
  };
  if (!toolchain.rustupProxy) delete env.RUSTUP_TOOLCHAIN;
  return env;
}
