import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { WasmpackError } from "@wasmpack/registry/errors";
import { checkWasmLinker, linkerNotFoundIn, missingLinkerError } from "../toolchain/linker.js";
import { toolchainEnv, type Toolchain } from "../toolchain/toolchain.js";
import { isTable, readToml } from "../project/toml.js";
import { readBuiltPackages, type BuiltPackagesOptions } from "./cargo-metadata.js";
import { execaRunner, exitText, type CommandEnv, type CommandRunner } from "./runner.js";
import { lockFileMissing, lockRefusedIn } from "./lock-refusal.js";
import { parseWasmArtifactMessage, type WasmArtifact } from "./wasm-artifact.js";

export interface CargoBuildOptions {
  toolchain: Toolchain;
  /** The crate's or workspace's Cargo.toml. */
  manifestPath: string;
  /** The base environment; RUSTC and PATH are set from the toolchain. */
  env: CommandEnv;
  /** Defaults to true. */
  release?: boolean;
  /** cargo's stderr (rendered diagnostics, "Compiling …"), one line at a time. */
  onDiagnostic?: (line: string) => void;
  signal?: AbortSignal;
  runner?: CommandRunner;
  /**
   * `--locked`: cargo must build what Cargo.lock says, and a missing or stale Cargo.lock fails the
   * build in one line instead of being written. On whenever an SBOM is read from Cargo.lock.
   */
  locked?: boolean;
  /** A workspace build: `-p` for each of these packages, keeping the artifacts of `members` (cargo package id → name). */
  workspace?: { packages: readonly string[]; members: ReadonlyMap<string, string> };
}

/** Builds the crate for the toolchain's wasm target and returns the .wasm files cargo reported. */
export async function cargoBuild(options: CargoBuildOptions): Promise<WasmArtifact[]> {
  const { toolchain, onDiagnostic, signal } = options;
  const manifestPath = path.resolve(options.manifestPath);
  if (!(await stat(manifestPath).then((info) => info.isFile(), () => false))) {
    throw new WasmpackError("input", "CARGO_MANIFEST_MISSING", `${options.manifestPath} does not exist`);
  }
  const runner = options.runner ?? execaRunner;
  const env = toolchainEnv(toolchain, options.env);
  // cargo reads .cargo/config.toml, and rustup rust-toolchain.toml, from the working directory.
  const cwd = path.dirname(manifestPath);
  // A missing rust-lld would only show after every crate compiled: say so now, in one line.
  await checkWasmLinker(toolchain, { env, cwd });
  const workspace = options.workspace;
  const packages = workspace
    ? (artifact: Omit<WasmArtifact, "packageName">) => workspace.members.get(artifact.packageId)
    : await ownPackages({ manifestPath, cargo: toolchain.cargo, env, cwd, runner, ...(signal ? { signal } : {}), ...(onDiagnostic ? { onDiagnostic } : {}) });

  const args = [
    "build",
    ...(options.release === false ? [] : ["--release"]),
    ...["--target", toolchain.target],
    ...["--message-format", "json-render-diagnostics"],
    ...["--manifest-path", manifestPath],
    ...(options.locked ? ["--locked"] : []),
    ...(workspace ? workspace.packages.flatMap((name) => ["-p", name]) : []),
  ];
  const artifacts: WasmArtifact[] = [];
  // From cargo's "error: linker `X` not found" on, its lines are held back: when the build fails,
  // wasmpack's one line about the missing linker replaces them.
  let missingLinker: string | undefined;
  let staleLock: string | undefined;
  const heldBack: string[] = [];
  const result = await runner(toolchain.cargo, args, {
    env,
    cwd,
    ...(signal ? { signal } : {}),
    onStdoutLine: (line) => {
      const artifact = parseWasmArtifactMessage(line);
      const packageName = artifact && packages(artifact);
      if (artifact && packageName !== undefined) artifacts.push({ ...artifact, packageName });
    },
    onStderrLine: (line) => {
      staleLock ??= lockRefusedIn(line);
      if (staleLock) return;
      missingLinker ??= linkerNotFoundIn(line);
      if (missingLinker) heldBack.push(line);
      else onDiagnostic?.(line);
    },
  });

  if (result.exitCode !== 0 && staleLock) throw await staleLockError(staleLock, options.manifestPath);
  if (result.exitCode !== 0 && missingLinker) throw await missingLinkerError(toolchain, missingLinker, env);
  for (const line of heldBack) onDiagnostic?.(line);
  if (result.exitCode !== 0) {
    throw new WasmpackError(
      "build",
      "CARGO_FAILED",
      `cargo build failed for ${options.manifestPath} (${exitText(result)}); see the errors above`,
    );
  }
  if (artifacts.length === 0) {
    throw new WasmpackError(
      "input",
      "NO_WASM_TARGET_IN_CRATE",
      `${options.manifestPath}: the crate has no bin or cdylib target, so cargo produced no .wasm; add a [[bin]] (src/main.rs) or crate-type = ["cdylib"]`,
    );
  }
  return artifacts;
}

/**
 * Which artifacts are the build's own, by package name: a crate's are those of its own Cargo.toml
 * (cargo names it in every artifact message, so no `cargo metadata` call is needed); a virtual
 * workspace's are its members', which only `cargo metadata` knows.
 */
async function ownPackages(options: BuiltPackagesOptions): Promise<(artifact: Omit<WasmArtifact, "packageName">) => string | undefined> {
  const { table } = await readToml(options.manifestPath);
  const name = isTable(table["package"]) ? table["package"]["name"] : undefined;
  if (typeof name === "string") {
    const manifest = await realpath(options.manifestPath);
    return (artifact) => (artifact.manifestPath === manifest || artifact.manifestPath === options.manifestPath ? name : undefined);
  }
  const members = await readBuiltPackages(options);
  return (artifact) => members.get(artifact.packageId);
}

async function staleLockError(lockFile: string, manifestPath: string): Promise<WasmpackError> {
  const missing = await lockFileMissing(lockFile);
  return new WasmpackError(
    "input",
    missing ? "CARGO_LOCK_MISSING" : "CARGO_LOCK_STALE",
    `${lockFile} ${missing ? "does not exist" : "is out of date with the Cargo.toml files"}: the SBOM is read from it, so ${manifestPath} is built --locked; run \`${missing ? "cargo generate-lockfile" : "cargo update --workspace"}\` and commit it, or build with --no-sbom`,
  );
}
