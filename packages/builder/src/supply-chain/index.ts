export { readDependencyGraph, type ReadDependencyGraphOptions } from "./cargo-graph.js";
export type { Classification, DependencyGraph, EdgeKind, GraphEdge, GraphPackage, PackageSource } from "./graph.js";
export type { SbomMeta } from "./sbom-meta.js";
export { toSpdx } from "./spdx.js";
export { toCycloneDx } from "./cyclonedx.js";
export { toProvenance, WASMPACK_BUILD_TYPE, LOCAL_BUILDER_ID, type ProvenanceInput } from "./provenance.js";
export { readSourceInfo, sanitizeGitUrl, type ReadSourceInfoOptions, type SourceInfo } from "./source-info.js";
