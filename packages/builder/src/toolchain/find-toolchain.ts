import os from "node:os";
import path from "node:path";
import { WasmpackError, isWasmpackError } from "@wasmpack/registry/errors";
import { execaRunner, type CommandEnv, type CommandRunner } from "../cargo/runner.js";
import { isMissing, listCandidates } from "./candidates.js";
import { hasStandardLibrary, isRustupProxy, probeRustc, rustcSysroot, rustcVersion, sysrootHasStd, type RustcInfo } from "./rustc-probe.js";
import type { Toolchain } from "./toolchain.js";

export interface FindToolchainOptions {
  env: CommandEnv;
  /** Exactly this target; by default wasm32-wasip1, else wasm32-wasi (its name before Rust 1.78). */
  target?: string;
  /** Where ~/.rustup is looked for when RUSTUP_HOME is unset; defaults to os.homedir(). */
  home?: string;
  runner?: CommandRunner;
  /** rustup proxies pick their toolchain by directory (rust-toolchain.toml): give the project's. */
  cwd?: string;
  /** The distribution's toolchain directory; defaults to /usr/bin. */
  systemBinDir?: string;
}

export const DEFAULT_TARGETS = ["wasm32-wasip1", "wasm32-wasi"] as const;

const DEBIAN_HINT = "on Debian `apt-get install rustc cargo libstd-rust-dev-wasm32 wasi-libc`";

/**
 * The first toolchain, in order of preference (see listCandidates), whose rustc has the standard
 * library for the target. The candidate order wins over the target order: a CARGO with only
 * wasm32-wasi beats a later toolchain with wasm32-wasip1.
 */
export async function findToolchain(options: FindToolchainOptions): Promise<Toolchain> {
  const probe = {
    runner: options.runner ?? execaRunner,
    env: options.env,
    cwd: options.cwd ?? process.cwd(),
  };
  const wanted: readonly string[] = options.target ? [options.target] : DEFAULT_TARGETS;
  const candidates = await listCandidates({
    env: options.env,
    home: options.home ?? os.homedir(),
    systemBinDir: options.systemBinDir ?? "/usr/bin",
  });

  const tried: string[] = [];
  const withoutStd: { index: number; origin: string; rustc: string }[] = [];
  for (const candidate of candidates) {
    if (isMissing(candidate)) {
      tried.push(candidate.missing);
      continue;
    }
    let info: RustcInfo;
    try {
      // One rustc call per candidate until one has a wanted std on disk; only that one is asked more.
      const sysroot = candidate.sysroot ?? (await rustcSysroot(candidate.rustc, probe));
      const stdOnDisk = await anyAsync([...wanted, ...DEFAULT_TARGETS], (t) => sysrootHasStd(sysroot, t));
      if (!stdOnDisk) {
        // Only the error message needs this rustc's version: ask for it there, not on the happy path.
        withoutStd.push({ index: tried.length, origin: candidate.origin, rustc: candidate.rustc });
        tried.push(`${candidate.origin} (no wasm standard library)`);
        continue;
      }
      info = await probeRustc(candidate.rustc, sysroot, probe);
    } catch (error) {
      if (!isWasmpackError(error)) throw error;
      tried.push(`${candidate.origin} (${error.message})`);
      continue;
    }
    const target = await firstWithStandardLibrary(info, wanted);
    if (target) {
      return {
        cargo: candidate.cargo,
        rustc: candidate.rustc,
        binDir: path.dirname(candidate.cargo),
        sysroot: info.sysroot,
        target,
        rustcVersion: info.version,
        origin: candidate.origin,
        rustupProxy: await isRustupProxy(candidate.rustc, info.sysroot),
      };
    }
    const others = await installedOthers(info, wanted);
    tried.push(`${candidate.origin} (rustc ${info.version}${others})`);
  }

  for (const { index, origin, rustc } of withoutStd) {
    const version = await rustcVersion(rustc, probe).catch(() => undefined);
    if (version) tried[index] = `${origin} (rustc ${version})`;
  }
  const addTarget = `\`rustup target add ${options.target ?? DEFAULT_TARGETS[0]}\``;
  if (candidates.every(isMissing)) {
    throw new WasmpackError(
      "toolchain",
      "NO_RUST_TOOLCHAIN",
      `no Rust toolchain found (tried: ${tried.join(", ")}); install Rust from https://rustup.rs and run ${addTarget}, or ${DEBIAN_HINT}`,
    );
  }
  throw new WasmpackError(
    "toolchain",
    "NO_WASM_TARGET",
    `no Rust toolchain with the ${wanted.join(" or ")} standard library found (tried: ${tried.join(", ")}); install it with ${addTarget}, or ${DEBIAN_HINT}`,
  );
}

async function anyAsync<T>(items: readonly T[], test: (item: T) => Promise<boolean>): Promise<boolean> {
  for (const item of items) if (await test(item)) return true;
  return false;
}

async function firstWithStandardLibrary(info: RustcInfo, targets: readonly string[]) {
  for (const target of targets) {
    if (await hasStandardLibrary(info, target)) return target;
  }
  return undefined;
}

/** When a target was asked for, say which default target a toolchain has instead. */
async function installedOthers(info: RustcInfo, wanted: readonly string[]): Promise<string> {
  const others: string[] = [];
  for (const target of DEFAULT_TARGETS) {
    if (!wanted.includes(target) && (await hasStandardLibrary(info, target))) others.push(target);
  }
  return others.length > 0 ? `, has ${others.join(", ")}` : "";
}
