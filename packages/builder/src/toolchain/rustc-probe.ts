import { readdir, realpath } from "node:fs/promises";
import path from "node:path";
import { WasmpackError } from "@wasmpack/registry";
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

/** Asks a rustc where its sysroot is, its version and the targets it knows. */
export async function probeRustc(rustc: string, options: ProbeOptions): Promise<RustcInfo> {
  // One after another: a rustup proxy may install a toolchain on first use.
  const sysroot = await askRustc(rustc, ["--print", "sysroot"], options);
  const versionLine = await askRustc(rustc, ["--version"], options);
  const targetList = await askRustc(rustc, ["--print", "target-list"], options);
  return {
    sysroot,
    version: /^rustc (\S+)/.exec(versionLine)?.[1] ?? versionLine,
    targets: new Set(targetList.split("\n").map((line) => line.trim()).filter(Boolean)),
  };
}

/** A target in the list is not enough: its standard library must be installed in the sysroot. */
export async function hasStandardLibrary(info: RustcInfo, target: string): Promise<boolean> {
  if (!info.targets.has(target)) return false;
  const libDir = path.join(info.sysroot, "lib", "rustlib", target, "lib");
  const names = await readdir(libDir).catch(() => [] as string[]);
  return names.some((name) => name.startsWith("libstd-") && name.endsWith(".rlib"));
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
