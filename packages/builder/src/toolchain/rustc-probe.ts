import { readdir, realpath } from "node:fs/promises";
import path from "node:path";
import { WasmpackError } from "@wasmpack/registry/errors";
import { firstLine, type CommandEnv, type CommandRunner } from "../cargo/runner.js";

export interface RustcInfo {
  sysroot: string;
  version: string;
  targets: ReadonlySet<string>;
}

export interface ProbeOptions {
  runner: CommandRunner;
  env: CommandEnv;
  cwd: string;
}

export async function rustcSysroot(rustc: string, options: ProbeOptions): Promise<string> {
  return askRustc(rustc, ["--print", "sysroot"], options);
}

/** Asks a rustc its version and the targets it knows (only for a candidate that looks usable). */
export async function probeRustc(rustc: string, sysroot: string, options: ProbeOptions): Promise<RustcInfo> {
  // The sysroot is already resolved, so a rustup proxy has nothing left to install: ask both at once.
  const [version, targetList] = await Promise.all([rustcVersion(rustc, options), askRustc(rustc, ["--print", "target-list"], options)]);
  return {
    sysroot,
    version,
    targets: new Set(targetList.split("\n").map((line) => line.trim()).filter(Boolean)),
  };
}

export async function rustcVersion(rustc: string, options: ProbeOptions): Promise<string> {
  const line = await askRustc(rustc, ["--version"], options);
  return /^rustc (\S+)/.exec(line)?.[1] ?? line;
}

/** Whether the sysroot holds the target's standard library; checked on disk, without rustc. */
export async function sysrootHasStd(sysroot: string, target: string): Promise<boolean> {
  const libDir = path.join(sysroot, "lib", "rustlib", target, "lib");
  const names = await readdir(libDir).catch(() => [] as string[]);
  return names.some((name) => name.startsWith("libstd-") && name.endsWith(".rlib"));
}

/** A target in the list is not enough: its standard library must be installed in the sysroot. */
export async function hasStandardLibrary(info: RustcInfo, target: string): Promise<boolean> {
  return info.targets.has(target) && (await sysrootHasStd(info.sysroot, target));
}

/** A real rustc lives in its own sysroot's bin; a rustup proxy lives elsewhere (~/.cargo/bin). */
export async function isRustupProxy(rustc: string, sysroot: string): Promise<boolean> {
  const ownRustc = await realpath(path.join(sysroot, "bin", "rustc")).catch(() => undefined);
  return ownRustc !== (await realpath(rustc));
}

async function askRustc(rustc: string, args: string[], options: ProbeOptions): Promise<string> {
  const result = await options.runner(rustc, args, { env: options.env, cwd: options.cwd });
  if (result.exitCode !== 0) {
    const how = result.exitCode === null ? `killed by ${result.signal}` : `exit ${result.exitCode}`;
    const why = firstLine(result.stderr);
    throw new WasmpackError(
      "toolchain",
      "RUSTC_FAILED",
      `${rustc} ${args.join(" ")} failed (${how})${why ? `: ${why}` : ""}`,
    );
  }
  return result.stdout.trim();
}
