import { access, constants, lstat, readFile, readdir, readlink, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { WasmpackError } from "@wasmpack/registry/errors";
import type { CommandEnv } from "../cargo/runner.js";
import type { Toolchain } from "./toolchain.js";

/** rustc's default linker for the wasm32 targets. */
export const WASM_LINKER = "rust-lld";

export interface LinkerCheckOptions {
  env: CommandEnv;
  /** The project directory: its .cargo/config.toml (and its parents') may name another linker. */
  cwd: string;
}

interface LinkerSearch {
  found?: string;
  /** A symlink where the linker should be whose target does not exist, e.g. /usr/bin/rust-lld → lld-14. */
  dangling?: { link: string; target: string };
}

/**
 * Fails with one line naming the missing linker and the fix when the toolchain's wasm linker
 * (rust-lld) is not installed, before cargo compiles anything only to fail at the link. Looks where
 * rustc does: beside rustc and cargo, in the sysroot's lib/rustlib/<host>/bin (and gcc-ld), and on
 * PATH; a dangling symlink counts as missing. Stat calls only. Skipped when the target's linker is
 * set another way (CARGO_TARGET_<TRIPLE>_LINKER, RUSTFLAGS, a cargo config naming a linker):
 * cargo's own "linker not found" is then mapped by cargoBuild.
 */
export async function checkWasmLinker(toolchain: Toolchain, options: LinkerCheckOptions): Promise<void> {
  if (!toolchain.target.startsWith("wasm32-")) return;
  if (await linkerConfigured(toolchain.target, options)) return;
  const search = await findLinker(toolchain, WASM_LINKER, options.env);
  if (!search.found) throw linkerMissingError(toolchain, WASM_LINKER, search);
}

/** The one-line error for a linker cargo or wasmpack could not find (cargo's "linker `X` not found"). */
export async function missingLinkerError(toolchain: Toolchain, linker: string, env: CommandEnv): Promise<WasmpackError> {
  return linkerMissingError(toolchain, linker, await findLinker(toolchain, linker, env));
}

/** cargo's (rustc's) line for a linker it could not run, e.g. "error: linker `rust-lld` not found". */
export function linkerNotFoundIn(line: string): string | undefined {
  return /^error: linker [`'"]([^`'"]+)[`'"] not found/.exec(line.trim())?.[1];
}

function linkerMissingError(toolchain: Toolchain, linker: string, search: LinkerSearch): WasmpackError {
  const where = search.dangling
    ? `${search.dangling.link} is a link to ${search.dangling.target}, which does not exist`
    : `not beside ${toolchain.rustc}, in ${path.join(toolchain.sysroot, "lib", "rustlib", "*", "bin")} or on PATH`;
  return new WasmpackError(
    "toolchain",
    "WASM_LINKER_MISSING",
    `the ${toolchain.target} linker ${linker} is not installed (${where}); ${linkerHint(toolchain, linker, search)}`,
  );
}

function linkerHint(toolchain: Toolchain, linker: string, search: LinkerSearch): string {
  const debianPackage = /(?:^|\/)(lld-\d+)$/.exec(search.dangling?.target ?? "")?.[1];
  const envVar = `CARGO_TARGET_${toolchain.target.toUpperCase().replace(/[-.]/g, "_")}_LINKER`;
  if (linker !== WASM_LINKER) return `install ${linker}, or set ${envVar} to a linker that is installed`;
  if (debianPackage) return `on Debian \`apt-get install ${debianPackage}\``;
  if (path.dirname(toolchain.rustc) === "/usr/bin" || toolchain.sysroot === "/usr") return "on Debian `apt-get install lld-14`";
  const rustupName = /[/\\]toolchains[/\\]([^/\\]+)$/.exec(toolchain.sysroot)?.[1];
  return rustupName
    ? `rustup's toolchains ship it: reinstall with \`rustup toolchain install ${rustupName} --force\``
    : `install a Rust toolchain from https://rustup.rs (its rustc ships rust-lld), or set ${envVar}`;
}

async function findLinker(toolchain: Toolchain, linker: string, env: CommandEnv): Promise<LinkerSearch> {
  const rustlib = path.join(toolchain.sysroot, "lib", "rustlib");
  const hosts = await readdir(rustlib).catch(() => [] as string[]);
  const dirs = [
    path.dirname(toolchain.rustc),
    toolchain.binDir,
    ...hosts.sort().flatMap((host) => [path.join(rustlib, host, "bin"), path.join(rustlib, host, "bin", "gcc-ld")]),
    ...(env.PATH ?? "").split(path.delimiter).filter(Boolean),
  ];
  const search: LinkerSearch = {};
  for (const dir of new Set(dirs)) {
    const file = path.resolve(dir, linker);
    const link = await lstat(file).catch(() => undefined);
    if (!link) continue;
    const target = await stat(file).catch(() => undefined);
    if (target?.isFile() && (await access(file, constants.X_OK).then(() => true, () => false))) return { found: file };
    if (!target && link.isSymbolicLink() && !search.dangling) {
      search.dangling = { link: file, target: await readlink(file).catch(() => "?") };
    }
  }
  return search;
}

/** Whether the target's linker is set by the environment or a cargo config file (read as text). */
async function linkerConfigured(target: string, options: LinkerCheckOptions): Promise<boolean> {
  const { env } = options;
  const triple = target.toUpperCase().replace(/[-.]/g, "_");
  if (env[`CARGO_TARGET_${triple}_LINKER`]) return true;
  const flags = [env.RUSTFLAGS, env.CARGO_ENCODED_RUSTFLAGS, env.CARGO_BUILD_RUSTFLAGS, env[`CARGO_TARGET_${triple}_RUSTFLAGS`]];
  if (flags.some((value) => value !== undefined && /linker(=|\s|\x1f|$)/.test(value))) return true;
  const configs: string[] = [];
  for (let dir = path.resolve(options.cwd); ; dir = path.dirname(dir)) {
    configs.push(path.join(dir, ".cargo", "config.toml"), path.join(dir, ".cargo", "config"));
    if (path.dirname(dir) === dir) break;
  }
  const cargoHome = env.CARGO_HOME ?? path.join(env.HOME ?? os.homedir(), ".cargo");
  configs.push(path.join(cargoHome, "config.toml"), path.join(cargoHome, "config"));
  for (const file of configs) {
    const text = await readFile(file, "utf8").catch(() => "");
    if (/^\s*linker\s*=|-C\s*linker|"linker=/m.test(text)) return true;
  }
  return false;
}
