import { StatCache, cacheKey } from "../cache/stat-cache.js";
import { readDependencyGraph, type ReadDependencyGraphOptions } from "./cargo-graph.js";
import type { DependencyGraph } from "./graph.js";

/**
 * readDependencyGraph, remembered between builds (StatCache): a rebuild whose Cargo.lock, local
 * Cargo.toml files and toolchain binaries are untouched spends no `cargo metadata` and `rustc`
 * calls on its SBOM (they cost a no-op build about 150 ms). The key holds what else steers the
 * answer: the toolchain, the target, the manifest, the member, and RUSTFLAGS (cfgs). Not watched:
 * .cargo/config.toml source replacement, which changes only the registry URLs an SBOM names.
 */
export async function cachedDependencyGraph(options: ReadDependencyGraphOptions & { cacheDir: string | null }): Promise<DependencyGraph> {
  const { cacheDir, ...read } = options;
  if (cacheDir === null) return readDependencyGraph(read);
  const cache = new StatCache(cacheDir, "dependency-graphs", isGraph);
  const key = cacheKey({ cargo: read.cargo, rustc: read.rustc, target: read.target, manifest: read.manifestPath, member: read.packageId, rustflags: read.env["RUSTFLAGS"] });
  const cached = await cache.lookup(key);
  if (cached) return cached;
  let inputs: string[] = [];
  const graph = await readDependencyGraph({ ...read, onInputs: (files) => (inputs = files) });
  await cache.store(key, [...inputs, read.cargo, ...(read.rustc ? [read.rustc] : [])], graph);
  return graph;
}

function isGraph(value: unknown): value is DependencyGraph {
  const graph = value as Partial<DependencyGraph> | null;
  return typeof graph?.root === "string" && typeof graph.target === "string" && Array.isArray(graph.packages) && Array.isArray(graph.edges) && typeof graph.lockfile?.path === "string";
}
