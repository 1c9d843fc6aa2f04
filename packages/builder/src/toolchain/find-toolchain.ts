import os from "node:os";
import path from "node:path";
import { WasmpackError, isWasmpackError } from "@wasmpack/registry/errors";
import { execaRunner, type CommandEnv, type CommandRunner } from "../cargo/runner.js";
import { isMissing, listCandidates } from "./candidates.js";
import { hasStandardLibrary, isRustupProxy, probeRustc, rustcSysroot, rustcVersion, sysrootHasStd, type RustcInfo } from "./rustc-probe.js";
import type { Toolchain } from "./toolchain.js";
import { ToolchainCache, cacheKey, defaultCacheDir } from "./toolchain-cache.js";

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
  /**
   * Where the answer is remembered between runs (see ToolchainCache); null: not at all. Defaults
   * to WASMPACK_CACHE_DIR, else $XDG_CACHE_HOME/wasmpack, else ~/.cache/wasmpack.
   */
  cacheDir?: string | null;
}

/** The environment variables that steer which toolchain is found and what a rustup proxy runs. */
const STEERING_ENV = ["CARGO", "RUSTC", "PATH", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN"] as const;

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
  const home = options.home ?? os.homedir();
  const systemBinDir = options.systemBinDir ?? "/usr/bin";
  const candidates = await listCandidates({ env: options.env, home, systemBinDir });

  // Listing the candidates took stat calls only; probing them takes rustc runs, unless the
  // answer is remembered and every file it depended on is unchanged.
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir(options.env, home) : options.cacheDir;
  const cache = cacheDir === null ? undefined : new ToolchainCache(cacheDir);
  const key = cacheKey({
    wanted,
    env: STEERING_ENV.map((name) => options.env[name] ?? null),
    home,
    systemBinDir,
    cwd: path.resolve(probe.cwd),
    candidates,
  });
  const cached = await cache?.lookup(key);
  if (cached) return cached;
  const rustupHome = options.env.RUSTUP_HOME ?? path.join(home, ".rustup");
  const dependsOn = [
    path.join(rustupHome, "settings.toml"), // rustup's default toolchain and directory overrides
    path.join(rustupHome, "toolchains"),
    ...toolchainFiles(probe.cwd),
  ];

  const tried: string[] = [];
  const withoutStd: { index: number; origin: string; rustc: string }[] = [];
  for (const candidate of candidates) {
    if (isMissing(candidate)) {
      tried.push(candidate.missing);
      continue;
    }
    let info: RustcInfo;
    dependsOn.push(candidate.cargo, candidate.rustc);
    try {
      // One rustc call per candidate until one has a wanted std on disk; only that one is asked more.
      const sysroot = candidate.sysroot ?? (await rustcSysroot(candidate.rustc, probe));
      dependsOn.push(
        path.join(sysroot, "bin", "rustc"), // what a rustup proxy runs
        path.join(sysroot, "lib", "rustlib"),
        ...[...wanted, ...DEFAULT_TARGETS].map((t) => path.join(sysroot, "lib", "rustlib", t, "lib")),
      );
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
      const toolchain: Toolchain = {
        cargo: candidate.cargo,
        rustc: candidate.rustc,
        binDir: path.dirname(candidate.cargo),
        sysroot: info.sysroot,
        target,
        rustcVersion: info.version,
        origin: candidate.origin,
        rustupProxy: await isRustupProxy(candidate.rustc, info.sysroot),
      };
      await cache?.store(key, dependsOn, toolchain);
      return toolchain;
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

/** rustup proxies pick a toolchain from rust-toolchain(.toml) in the directory or a parent. */
function toolchainFiles(cwd: string): string[] {
  const files: string[] = [];
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    files.push(path.join(dir, "rust-toolchain"), path.join(dir, "rust-toolchain.toml"));
    if (path.dirname(dir) === dir) return files;
  }
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
