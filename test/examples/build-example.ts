// Builds an example with real cargo, once per test file, into a temporary target directory so
// the example's folder gets no build output.
//
// The toolchain is Debian's (rustc 1.63 with the wasm32-wasi std): /usr/bin/cargo, with RUSTC
// pinned because a cargo runs the first `rustc` on PATH, and rustup's has no wasm target.

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CARGO = "/usr/bin/cargo";
const RUSTC = "/usr/bin/rustc";
const TARGET = "wasm32-wasi";
const CARGO_TIMEOUT_MS = 300_000;
/** For the beforeAll that calls buildExample: a minute above cargo's own limit, so cargo's error is the one reported. */
export const BUILD_HOOK_TIMEOUT_MS = CARGO_TIMEOUT_MS + 60_000;
const INSTALL_HINT = "apt-get install rustc cargo libstd-rust-dev-wasm32 wasi-libc";

export const EXAMPLES_DIR = fileURLToPath(new URL("../../examples/", import.meta.url));

export interface BuiltExample {
  /** Path of the built module. */
  wasm: string;
  bytes: Uint8Array;
  /** Deletes the temporary target directory. */
  remove(): Promise<void>;
}

export async function buildExample(example: string, binName: string): Promise<BuiltExample> {
  for (const tool of [CARGO, RUSTC]) {
    if (!existsSync(tool)) {
      throw new Error(`${tool} is missing; the examples build with Debian's Rust: ${INSTALL_HINT}`);
    }
  }
  const targetDir = await mkdtemp(join(tmpdir(), `wasmpack-${example}-`));
  const remove = () => rm(targetDir, { recursive: true, force: true });
  try {
    await cargoBuild(join(EXAMPLES_DIR, example), targetDir);
    const wasm = join(targetDir, TARGET, "release", `${binName}.wasm`);
    return { wasm, bytes: await readFile(wasm), remove };
  } catch (err) {
    await remove();
    throw err;
  }
}

function cargoBuild(cwd: string, targetDir: string): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, RUSTC, CARGO_TARGET_DIR: targetDir };
  // Settings meant for the host toolchain must not leak into this build.
  for (const name of ["RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "CARGO_BUILD_TARGET"]) {
    delete env[name];
  }
  const args = ["build", "--release", "--locked", "--offline", "--target", TARGET];
  return new Promise((resolve, reject) => {
    execFile(CARGO, args, { cwd, env, timeout: CARGO_TIMEOUT_MS, maxBuffer: 16 << 20 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const hint = /can't find crate for `std`/.test(stderr) ? `\n(the wasm32-wasi std is missing: ${INSTALL_HINT})` : "";
      reject(new Error(`cargo ${args.join(" ")} failed in ${cwd}:\n${stderr}${hint}`, { cause: err }));
    });
  });
}
