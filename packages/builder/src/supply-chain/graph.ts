/**
 * The dependency graph an SBOM is written from: the crate that was built (the root) and every
 * package its build for one wasm target compiles, each marked `linked` (its code is in the wasm)
 * or `host` (compiled for the build machine only: build-dependencies, proc-macros, and what only
 * they depend on). Dev-dependencies are not part of a build and are not in it.
 */
export interface DependencyGraph {
  /** The cargo package id of the root package. */
  root: string;
  /** The wasm target the graph was resolved for, e.g. "wasm32-wasip1". */
  target: string;
  /** Every package, the root included, sorted by name, version and id. */
  packages: GraphPackage[];
  /** parent → child edges between those packages (dev edges left out), sorted. */
  edges: GraphEdge[];
  /** The Cargo.lock the graph was resolved from (absolute path) and the sha256 of its bytes. */
  lockfile: { path: string; sha256: string };
}

export type Classification = "linked" | "host";

export type PackageSource =
  | { kind: "registry"; /** The index URL, e.g. https://github.com/rust-lang/crates.io-index. */ url: string; cratesIo: boolean }
  | { kind: "git"; /** The repository URL, without query or fragment. */ url: string; /** The locked commit. */ rev?: string }
  | { kind: "path" };

export interface GraphPackage {
  /** cargo's package id (opaque: its format changed in cargo 1.77). */
  id: string;
  name: string;
  version: string;
  source: PackageSource;
  /** Package URL (purl-spec, type cargo); absent for a local path package. */
  purl?: string;
  /** Cargo.lock's sha256 of the .crate file (registry packages only). */
  checksum?: string;
  /** An SPDX license expression from the manifest's `license`, or NOASSERTION. */
  license: string;
  classification: Classification;
  /** A proc-macro crate (always `host`). */
  procMacro: boolean;
}

export type EdgeKind = "normal" | "build";

export interface GraphEdge {
  from: string;
  to: string;
  /** "normal" (`[dependencies]`) and/or "build" (`[build-dependencies]`), sorted. */
  kinds: EdgeKind[];
}
