import { access, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { WasmpackError } from "@wasmpack/registry/errors";
import { execaRunner, exitText, firstLine, type CommandEnv, type CommandRunner } from "../cargo/runner.js";
import { parseToml } from "../project/toml.js";
import type { DependencyGraph, EdgeKind, GraphEdge, GraphPackage, PackageSource } from "./graph.js";
import { spdxLicense } from "./license.js";
import { cargoPurl } from "./purl.js";
import { byCodeUnit, sha256Hex } from "./stable-json.js";

export interface ReadDependencyGraphOptions {
  /** The cargo to run (the toolchain wasmpack chose). */
  cargo: string;
  /** The rustc paired with it: passed as RUSTC, so cargo evaluates cfgs with the right compiler. */
  rustc?: string;
  manifestPath: string;
  /** The wasm target the build is for: dependencies for other platforms are left out. */
  target: string;
  /** The complete environment cargo runs with (as for the build). */
  env: CommandEnv;
  /** For a member of a virtual workspace: its cargo package id (cargo metadata has no root then). */
  packageId?: string;
  runner?: CommandRunner;
  signal?: AbortSignal;
}

const CRATES_IO = new Set(["https://github.com/rust-lang/crates.io-index", "https://index.crates.io/", "https://index.crates.io"]);

/**
 * The packages a cargo build of `manifestPath` for `target` compiles, from one
 * `cargo metadata --locked --filter-platform TARGET` (https://doc.rust-lang.org/cargo/commands/cargo-metadata.html)
 * and the Cargo.lock beside the workspace root (checksums, https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html).
 *
 * `linked`: reachable from the root through `[dependencies]` edges without passing through a
 * proc-macro. `host`: everything else the build compiles (build-dependencies, proc-macros and what
 * only they reach). Known limit: cargo metadata filters every edge with the wasm target's cfg,
 * also those of host-compiled packages, so a host package's own `[target.'cfg(unix)']`
 * dependencies are not listed; the linked set is exact.
 */
export async function readDependencyGraph(options: ReadDependencyGraphOptions): Promise<DependencyGraph> {
  const runner = options.runner ?? execaRunner;
  const args = ["metadata", "--format-version", "1", "--locked", "--filter-platform", options.target, "--manifest-path", options.manifestPath];
  const env = options.rustc ? { ...options.env, RUSTC: options.rustc } : options.env;
  const result = await runner(options.cargo, args, {
    env,
    cwd: dirname(options.manifestPath),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (result.exitCode !== 0) throw await metadataFailed(result.stderr, options.manifestPath, exitText(result));
  const metadata = parseMetadata(result.stdout, options.manifestPath);

  const lockPath = join(metadata.workspace_root, "Cargo.lock");
  const lockBytes = await readFile(lockPath).catch((cause: unknown) => {
    throw new WasmpackError("input", "CARGO_LOCK_MISSING", `${lockPath} is missing: run \`cargo generate-lockfile\` and commit it; the SBOM lists what it locks`, { cause });
  });
  const checksums = lockChecksums(new TextDecoder().decode(lockBytes), lockPath);

  const rootId = options.packageId ?? metadata.resolve?.root ?? undefined;
  if (!metadata.resolve) throw invalid(options.manifestPath, "has no resolve graph");
  const nodes = new Map(metadata.resolve.nodes.map((node) => [node.id, node]));
  const packages = new Map(metadata.packages.map((pkg) => [pkg.id, pkg]));
  if (!rootId || !nodes.has(rootId) || !packages.has(rootId)) {
    throw new WasmpackError("usage", "SBOM_ROOT_UNKNOWN", rootId
      ? `cargo metadata for ${options.manifestPath} has no package ${rootId}`
      : `${options.manifestPath} is a virtual workspace: name the member package to describe`);
  }
  const isProcMacro = (id: string) => packages.get(id)?.targets.some((t) => t.kind.includes("proc-macro")) ?? false;
  const buildEdges = (id: string) =>
    (nodes.get(id)?.deps ?? []).flatMap((dep) => {
      const kinds = edgeKinds(dep);
      return kinds.length ? [{ from: id, to: dep.pkg, kinds }] : [];
    });

  const linked = walk(rootId, (id) => buildEdges(id).filter((e) => e.kinds.includes("normal") && !isProcMacro(e.to)).map((e) => e.to));
  const built = walk(rootId, (id) => buildEdges(id).map((e) => e.to));
  const edges: GraphEdge[] = [...built].flatMap(buildEdges).sort((a, b) => byCodeUnit(a.from, b.from) || byCodeUnit(a.to, b.to));

  const graphPackages = [...built].map((id): GraphPackage => {
    const pkg = packages.get(id);
    if (!pkg) throw invalid(options.manifestPath, `lists ${id} in its resolve graph but not in packages`);
    const source = packageSource(pkg.source);
    const purl = cargoPurl(pkg.name, pkg.version, source);
    const checksum = checksums.get(lockKey(pkg.name, pkg.version, pkg.source)) ?? checksums.get(lockKey(pkg.name, pkg.version, undefined));
    return {
      id,
      name: pkg.name,
      version: pkg.version,
      source,
      ...(purl ? { purl } : {}),
      ...(checksum ? { checksum } : {}),
      license: spdxLicense(pkg.license),
      classification: linked.has(id) ? "linked" : "host",
      procMacro: isProcMacro(id),
    };
  });
  graphPackages.sort((a, b) => byCodeUnit(a.name, b.name) || byCodeUnit(a.version, b.version) || byCodeUnit(a.id, b.id));
  return { root: rootId, target: options.target, packages: graphPackages, edges, lockfile: { path: lockPath, sha256: sha256Hex(lockBytes) } };
}

function walk(start: string, next: (id: string) => string[]): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    for (const child of next(id)) if (!seen.has(child)) seen.add(child), queue.push(child);
  }
  return seen;
}

/** An edge's kinds without "dev"; cargo before 1.41 wrote no dep_kinds (all normal). */
function edgeKinds(dep: MetadataDep): EdgeKind[] {
  const kinds = new Set<EdgeKind>();
  for (const { kind } of dep.dep_kinds ?? [{ kind: null }]) {
    if (kind === null || kind === "normal") kinds.add("normal");
    else if (kind === "build") kinds.add("build");
  }
  return [...kinds].sort();
}

function packageSource(source: string | null): PackageSource {
  if (!source) return { kind: "path" };
  const plus = source.indexOf("+");
  const scheme = source.slice(0, plus);
  const rest = source.slice(plus + 1);
  if (scheme === "git") {
    const [url = rest, rev] = rest.split("#");
    return { kind: "git", url: url.split("?")[0] ?? url, ...(rev ? { rev } : {}) };
  }
  if (scheme === "registry" || scheme === "sparse") return { kind: "registry", url: rest, cratesIo: CRATES_IO.has(rest) };
  return { kind: "path" };
}

/** Checksums by name, version and source: `[[package]] checksum` (lock v2+) or v1's `[metadata]`. */
function lockChecksums(text: string, lockPath: string): Map<string, string> {
  const table = parseToml(text, lockPath);
  const found = new Map<string, string>();
  for (const entry of Array.isArray(table["package"]) ? (table["package"] as Record<string, unknown>[]) : []) {
    const { name, version, source, checksum } = entry;
    if (typeof name !== "string" || typeof version !== "string" || typeof checksum !== "string") continue;
    found.set(lockKey(name, version, typeof source === "string" ? source : undefined), checksum);
    found.set(lockKey(name, version, undefined), checksum);
  }
  const v1 = table["metadata"];
  if (v1 && typeof v1 === "object") {
    for (const [key, value] of Object.entries(v1)) {
      const match = /^checksum (\S+) (\S+) \((.+)\)$/.exec(key);
      if (!match || typeof value !== "string" || !/^[0-9a-f]{64}$/.test(value)) continue;
      found.set(lockKey(match[1]!, match[2]!, match[3]), value);
      found.set(lockKey(match[1]!, match[2]!, undefined), value);
    }
  }
  return found;
}

function lockKey(name: string, version: string, source: string | null | undefined): string {
  return `${name} ${version} ${source ?? ""}`;
}

async function metadataFailed(stderr: string, manifestPath: string, how: string): Promise<WasmpackError> {
  // cargo: "the lock file P needs to be updated but --locked was passed" (also when P is missing,
  // before 1.7x), "cannot create the lock file P because --locked was passed" (later)
  const lock = /(cannot create )?the lock file (\S+?)(?: needs to be updated| because)[^\n]*--locked/.exec(stderr);
  if (lock) {
    const lockPath = lock[2]!;
    const missing = lock[1] !== undefined || !(await access(lockPath).then(() => true, () => false));
    return missing
      ? new WasmpackError("input", "CARGO_LOCK_MISSING", `${lockPath} is missing: run \`cargo generate-lockfile\` and commit it; the SBOM lists what it locks`)
      : new WasmpackError("input", "CARGO_LOCK_OUTDATED", `${lockPath} does not match Cargo.toml: run \`cargo update\` (or \`cargo update -p NAME\`) and commit it; the SBOM lists only what it locks`);
  }
  const why = firstLine(stderr.split("\n").filter((line) => /^error/.test(line)).join("\n") || stderr);
  return new WasmpackError("build", "CARGO_METADATA_FAILED", `cargo metadata failed for ${manifestPath} (${how})${why ? `: ${why}` : ""}`);
}

interface MetadataDep {
  pkg: string;
  dep_kinds?: Array<{ kind: string | null }>;
}

interface Metadata {
  packages: Array<{ id: string; name: string; version: string; source: string | null; license: string | null; targets: Array<{ kind: string[] }> }>;
  resolve: { root: string | null; nodes: Array<{ id: string; deps?: MetadataDep[] }> } | null;
  workspace_root: string;
}

function invalid(manifestPath: string, why: string, cause?: unknown): WasmpackError {
  return new WasmpackError("build", "CARGO_METADATA_INVALID", `cargo metadata for ${manifestPath} ${why}`, { cause });
}

function parseMetadata(stdout: string, manifestPath: string): Metadata {
  let value: Partial<Metadata>;
  try {
    value = JSON.parse(stdout) as Partial<Metadata>;
  } catch (error) {
    throw invalid(manifestPath, "printed invalid JSON", error);
  }
  if (!Array.isArray(value.packages) || typeof value.workspace_root !== "string") throw invalid(manifestPath, "lacks packages or workspace_root");
  return value as Metadata;
}
