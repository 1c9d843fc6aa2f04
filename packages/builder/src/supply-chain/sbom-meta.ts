import type { DependencyGraph, GraphPackage } from "./graph.js";

/** What an SBOM says besides the graph. */
export interface SbomMeta {
  /** When the document was made: from SOURCE_DATE_EPOCH (settings.sourceDateEpoch, default 0), never the wall clock. */
  created: Date;
  /** wasmpack's own version, for the tool that wrote the document. */
  wasmpackVersion: string;
  /** The wasm files the build made from the root package (name, "sha256:HEX" or HEX). */
  wasm?: Array<{ name: string; digest: string }>;
}

/** RFC 3339 in UTC without milliseconds (SPDX asks for `YYYY-MM-DDThh:mm:ssZ`). */
export function timestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new TypeError("SBOM creation time is not a valid date");
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function rootPackage(graph: DependencyGraph): GraphPackage {
  const root = graph.packages.find((pkg) => pkg.id === graph.root);
  if (!root) throw new TypeError(`dependency graph lacks its root package ${graph.root}`);
  return root;
}
