import { realpath } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { WasmpackError } from "@wasmpack/registry/errors";
import { exitText, type CommandEnv, type CommandRunner } from "../cargo/runner.js";
import { isDirectory, isFile } from "../project/read-project.js";
import { isTable, readToml } from "../project/toml.js";

/** One member of a cargo workspace, as `cargo metadata` describes it. */
export interface WorkspaceMember {
  /** cargo's package id (its format changed in cargo 1.77: compare it only with cargo's own). */
  id: string;
  name: string;
  version: string;
  dir: string;
  manifestPath: string;
  /** The member has a bin or cdylib target, so cargo writes a .wasm for it. */
  hasWasmTarget: boolean;
  /** `[package.metadata.wasmpack]`, as cargo read it. */
  wasmpack: Record<string, unknown>;
  spin: boolean;
}

export interface Workspace {
  root: string;
  manifestPath: string;
  members: WorkspaceMember[];
}

/**
 * The workspace `dir` is the root of, or with `search` the nearest one `dir` is inside. A
 * Cargo.toml with `[workspace]` counts as a workspace root when it has no `[package]` or lists
 * `members`: a crate with an empty `[workspace]` of its own (as the examples have) stays a crate.
 * A directory with a spin.toml is a Spin app, not a workspace, unless `search` asks for one.
 */
export async function findWorkspaceRoot(dir: string, search: boolean): Promise<string | undefined> {
  const start = resolve(dir);
  if (!(await isDirectory(start))) return undefined;
  if (!search && (await isFile(join(start, "spin.toml")))) return undefined;
  for (let current = start; ; current = dirname(current)) {
    const manifest = join(current, "Cargo.toml");
    if (await isFile(manifest)) {
      const { table } = await readToml(manifest);
      const workspace = table["workspace"];
      if (isTable(workspace)) {
        const members = workspace["members"];
        const listsMembers = Array.isArray(members) && members.length > 0;
        if (!isTable(table["package"]) || listsMembers || search) return current;
      }
    }
    if (!search || dirname(current) === current) return undefined;
  }
}

/** The workspace's members, from `cargo metadata --no-deps`. */
export async function readWorkspace(root: string, cargo: { cargo: string; env: CommandEnv; runner: CommandRunner; signal?: AbortSignal | undefined }): Promise<Workspace> {
  const realRoot = await realpath(root);
  const manifestPath = join(realRoot, "Cargo.toml");
  const args = ["metadata", "--no-deps", "--format-version", "1", "--manifest-path", manifestPath];
  const result = await cargo.runner(cargo.cargo, args, { env: cargo.env, cwd: realRoot, ...(cargo.signal ? { signal: cargo.signal } : {}) });
  if (result.exitCode !== 0) {
    const why = result.stderr.split("\n").find((line) => line.startsWith("error")) ?? exitText(result);
    throw new WasmpackError("input", "CARGO_METADATA_FAILED", `cargo metadata failed for ${manifestPath}: ${why}`);
  }
  let metadata: { packages?: unknown; workspace_members?: unknown };
  try {
    metadata = JSON.parse(result.stdout) as typeof metadata;
  } catch (cause) {
    throw new WasmpackError("build", "CARGO_METADATA_INVALID", `cargo metadata for ${manifestPath} printed invalid JSON`, { cause });
  }
  if (!Array.isArray(metadata.packages) || !Array.isArray(metadata.workspace_members)) {
    throw new WasmpackError("build", "CARGO_METADATA_INVALID", `cargo metadata for ${manifestPath} lacks packages or workspace_members`);
  }
  const ids = new Set(metadata.workspace_members as string[]);
  const members: WorkspaceMember[] = [];
  for (const pkg of metadata.packages as CargoMetadataPackage[]) {
    if (!ids.has(pkg.id)) continue;
    const dir = dirname(pkg.manifest_path);
    const kinds = (pkg.targets ?? []).flatMap((t) => t.kind ?? []);
    const wasmpack = pkg.metadata?.["wasmpack"];
    members.push({
      id: pkg.id,
      name: pkg.name,
      version: pkg.version,
      dir,
      manifestPath: pkg.manifest_path,
      hasWasmTarget: kinds.includes("bin") || kinds.includes("cdylib"),
      wasmpack: typeof wasmpack === "object" && wasmpack !== null && !Array.isArray(wasmpack) ? (wasmpack as Record<string, unknown>) : {},
      spin: await isFile(join(dir, "spin.toml")),
    });
  }
  members.sort((a, b) => relative(realRoot, a.dir).localeCompare(relative(realRoot, b.dir)));
  return { root: realRoot, manifestPath, members };
}

interface CargoMetadataPackage {
  id: string;
  name: string;
  version: string;
  manifest_path: string;
  targets?: { kind?: string[] }[];
  metadata?: Record<string, unknown> | null;
}

/** Whether `path` is `dir` or inside it. */
export function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}
