import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { WasmpackError } from "@wasmpack/registry/errors";
import { lockFileMissing, lockRefusedIn } from "../cargo/lock-refusal.js";
import { execaRunner, exitText, firstLine, type CommandEnv, type CommandRunner } from "../cargo/runner.js";
import { parseToml } from "../project/toml.js";
import type { DependencyGraph, EdgeKind, GraphEdge, GraphPackage, PackageSource } from "./graph.js";
import { spdxLicense } from "./license.js";
import { cargoPurl } from "./purl.js";
import { hostTriple, platformMatches, platformOf, type Platform } from "./target-cfg.js";
import { byCodeUnit, sha256Hex } from "./stable-json.js";

export interface ReadDependencyGraphOptions {
  /** Told of the files the graph was read from (Cargo.lock, the local Cargo.toml files). */
  onInputs?: (files: string[]) => void;
  /** The cargo to run (the toolchain wasmpack chose). */
  cargo: string;
  /** The rustc paired with it: passed as RUSTC, and asked for the host and the platforms' cfgs (default: env RUSTC, else rustc). */
  rustc?: string;
  manifestPath: string;
  /** The wasm target the build is for: dependencies for other platforms are left out. */
  target: string;
  /** The complete environment cargo runs with (as for the build). */
  env: CommandEnv;
  /** For a member of a virtual workspace: its cargo package id (cargo metadata has no root then). */
  packageId?: string;
  /** The host's triple, when known (saves a `rustc -vV`). */
  host?: string;
  runner?: CommandRunner;
  signal?: AbortSignal;
}

const CRATES_IO = new Set(["https://github.com/rust-lang/crates.io-index", "https://index.crates.io/", "https://index.crates.io"]);

type Side = "target" | "host";

/**
 * The packages a cargo build of `manifestPath` for `target` compiles, from one
 * `cargo metadata --locked --filter-platform TARGET --filter-platform HOST`
 * (https://doc.rust-lang.org/cargo/commands/cargo-metadata.html) and the Cargo.lock at the
 * workspace root (checksums, https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html).
 *
 * `linked`: compiled for the wasm target, i.e. reachable from the root through `[dependencies]`
 * edges without passing through a proc-macro or a build-dependency. `host`: everything else the
 * build compiles (build-dependencies, proc-macros and what they need on the build machine). As
 * cargo does, a build-dependency's or host package's `[target.'cfg(…)']` conditions are read for
 * the host and the others for the wasm target (with `rustc --print cfg`, asked while cargo runs).
 */
export async function readDependencyGraph(options: ReadDependencyGraphOptions): Promise<DependencyGraph> {
  const runner = options.runner ?? execaRunner;
  const env = options.rustc ? { ...options.env, RUSTC: options.rustc } : options.env;
  const cwd = dirname(options.manifestPath);
  const signal = options.signal ? { signal: options.signal } : {};
  const rustcOptions = { rustc: options.rustc ?? env["RUSTC"] ?? "rustc", target: options.target, env, cwd, runner, ...signal };
  const host = options.host ?? (await hostTriple(rustcOptions));
  const platforms = Promise.all([platformOf(options.target, rustcOptions), platformOf(host, rustcOptions)]);
  platforms.catch(() => undefined); // cargo's error, when there is one, comes first
  const filters = [...new Set([options.target, host])].flatMap((triple) => ["--filter-platform", triple]);
  const args = ["metadata", "--format-version", "1", "--locked", ...filters, "--manifest-path", options.manifestPath];
  const result = await runner(options.cargo, args, { env, cwd, ...signal });
  if (result.exitCode !== 0) throw await metadataFailed(result.stderr, options.manifestPath, exitText(result));
  const metadata = parseMetadata(result.stdout, options.manifestPath);
  const [targetPlatform, hostPlatform] = await platforms;

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

  const { reached, edges } = walkBuild(rootId, nodes, isProcMacro, { target: targetPlatform, host: hostPlatform });
  const graphPackages = [...reached].map(([id, sides]): GraphPackage => {
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
      classification: sides.has("target") ? "linked" : "host",
      procMacro: isProcMacro(id),
    };
  });
  graphPackages.sort((a, b) => byCodeUnit(a.name, b.name) || byCodeUnit(a.version, b.version) || byCodeUnit(a.id, b.id));
  // What the answer was read from, for a cache of it: Cargo.lock and every local package's Cargo.toml.
  options.onInputs?.([lockPath, join(metadata.workspace_root, "Cargo.toml"), ...metadata.packages.filter((pkg) => pkg.source === null).map((pkg) => pkg.manifest_path)]);
  return { root: rootId, target: options.target, packages: graphPackages, edges, lockfile: { path: lockPath, sha256: sha256Hex(lockBytes) } };
}

/**
 * Walks (package, side) pairs as cargo's unit graph does, from the root on the target side: a
 * build edge, or any edge of a host package, is decided by the host's platform and leads to a
 * host package; a proc-macro is always host; dev edges are not part of a build.
 */
function walkBuild(
  rootId: string,
  nodes: Map<string, { deps?: MetadataDep[] }>,
  isProcMacro: (id: string) => boolean,
  platforms: Record<Side, Platform>,
): { reached: Map<string, Set<Side>>; edges: GraphEdge[] } {
  const reached = new Map<string, Set<Side>>();
  const found = new Map<string, { from: string; to: string; kinds: Set<EdgeKind> }>();
  const queue: Array<[string, Side]> = [];
  const visit = (id: string, side: Side) => {
    const sides = reached.get(id) ?? new Set<Side>();
    if (sides.has(side)) return;
    reached.set(id, sides.add(side));
    queue.push([id, side]);
  };
  visit(rootId, "target");
  for (let next = queue.pop(); next; next = queue.pop()) {
    const [id, side] = next;
    for (const dep of nodes.get(id)?.deps ?? []) {
      for (const { kind, target } of dep.dep_kinds ?? [{ kind: null, target: null }]) {
        if (kind === "dev") continue;
        const edgeKind: EdgeKind = kind === "build" ? "build" : "normal";
        const decidedBy: Side = side === "host" || edgeKind === "build" ? "host" : "target";
        if (!platformMatches(target, platforms[decidedBy])) continue;
        const key = `${id}\n${dep.pkg}`;
        const edge = found.get(key) ?? { from: id, to: dep.pkg, kinds: new Set<EdgeKind>() };
        edge.kinds.add(edgeKind);
        found.set(key, edge);
        visit(dep.pkg, decidedBy === "host" || isProcMacro(dep.pkg) ? "host" : "target");
      }
    }
  }
  const edges = [...found.values()]
    .map((edge) => ({ from: edge.from, to: edge.to, kinds: [...edge.kinds].sort() }))
    .sort((a, b) => byCodeUnit(a.from, b.from) || byCodeUnit(a.to, b.to));
  return { reached, edges };
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
  const lockPath = lockRefusedIn(stderr);
  if (lockPath) {
    const missing = await lockFileMissing(lockPath);
    return missing
      ? new WasmpackError("input", "CARGO_LOCK_MISSING", `${lockPath} is missing: run \`cargo generate-lockfile\` and commit it; the SBOM lists what it locks`)
      : new WasmpackError("input", "CARGO_LOCK_OUTDATED", `${lockPath} does not match Cargo.toml: run \`cargo update\` (or \`cargo update -p NAME\`) and commit it; the SBOM lists only what it locks`);
  }
  const why = firstLine(stderr.split("\n").filter((line) => /^error/.test(line)).join("\n") || stderr);
  return new WasmpackError("build", "CARGO_METADATA_FAILED", `cargo metadata failed for ${manifestPath} (${how})${why ? `: ${why}` : ""}`);
}

interface MetadataDep {
  pkg: string;
  /** Absent before cargo 1.41 (every edge normal then). */
  dep_kinds?: Array<{ kind: string | null; target?: string | null }>;
}

interface Metadata {
  packages: Array<{ id: string; name: string; version: string; source: string | null; license: string | null; manifest_path: string; targets: Array<{ kind: string[] }> }>;
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
