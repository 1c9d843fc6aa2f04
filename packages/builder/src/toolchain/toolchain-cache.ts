import { StatCache } from "../cache/stat-cache.js";
import type { Toolchain } from "./toolchain.js";

export { cacheKey, defaultCacheDir } from "../cache/stat-cache.js";

/**
 * findToolchain's answer, remembered between runs (see StatCache), so that a build with nothing
 * to do spends no time asking rustc (a rustup proxy costs tens of milliseconds a call). The files
 * it depends on: the candidates' cargo and rustc, their sysroots' lib/rustlib, and rustup's
 * settings, toolchains and rust-toolchain files, which decide what a rustup proxy runs.
 */
export class ToolchainCache extends StatCache<Toolchain> {
  constructor(dir: string) {
    super(dir, "toolchain", isToolchain);
  }
}

function isToolchain(value: unknown): value is Toolchain {
  const toolchain = value as Partial<Toolchain> | null;
  return (
    typeof toolchain === "object" &&
    toolchain !== null &&
    (["cargo", "rustc", "binDir", "sysroot", "target", "rustcVersion", "origin"] as const).every((k) => typeof toolchain[k] === "string") &&
    typeof toolchain.rustupProxy === "boolean"
  );
}
