import type { DependencyGraph, GraphEdge, GraphPackage } from "./graph.js";
import { NOASSERTION } from "./license.js";
import { downloadLocation } from "./purl.js";
import { rootPackage, timestamp, type SbomMeta } from "./sbom-meta.js";
import { byCodeUnit, sha256Hex, sha256Of, stableJson } from "./stable-json.js";

/**
 * An SPDX 2.3 JSON document (https://spdx.github.io/spdx-spec/v2.3/, schema:
 * https://github.com/spdx/spdx-spec/blob/development/v2.3/schemas/spdx-schema.json) of the graph.
 *
 * The document DESCRIBES the root package (primaryPackagePurpose APPLICATION). Linked packages are
 * tied with `DEPENDS_ON`; a build-dependency edge is written `CHILD BUILD_DEPENDENCY_OF PARENT`, a
 * proc-macro edge `CHILD BUILD_TOOL_OF PARENT`, so a reader can tell host from linked (host
 * packages also carry a comment saying so). The wasm files are packages the root GENERATES.
 * Same input, same bytes: keys sorted, SPDXIDs from names, the namespace from a content hash.
 */
export function toSpdx(graph: DependencyGraph, meta: SbomMeta): Uint8Array {
  const root = rootPackage(graph);
  const ids = spdxIds(graph.packages);
  const idOf = (id: string) => ids.get(id)!;
  const wasm = [...(meta.wasm ?? [])].sort((a, b) => byCodeUnit(a.name, b.name));
  const wasmIds = wasm.map((file) => `SPDXRef-File-${sanitize(file.name)}-${sha256Of(file.digest).slice(0, 12)}`);
  const byId = new Map(graph.packages.map((pkg) => [pkg.id, pkg]));

  const relationships = [
    { spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: idOf(root.id) },
    ...graph.edges.flatMap((edge) => edgeRelationships(edge, byId, idOf)),
    ...wasmIds.map((id) => ({ spdxElementId: idOf(root.id), relationshipType: "GENERATES", relatedSpdxElement: id })),
  ].sort((a, b) => byCodeUnit(a.spdxElementId, b.spdxElementId) || byCodeUnit(a.relationshipType, b.relationshipType) || byCodeUnit(a.relatedSpdxElement, b.relatedSpdxElement));

  const document = {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: `${root.name}-${root.version}`,
    creationInfo: { created: timestamp(meta.created), creators: [`Tool: wasmpack-${meta.wasmpackVersion}`] },
    packages: [
      ...graph.packages.map((pkg) => spdxPackage(pkg, idOf(pkg.id), pkg.id === root.id)).sort((a, b) => byCodeUnit(a.SPDXID, b.SPDXID)),
      ...wasm.map((file, i) => ({
        SPDXID: wasmIds[i],
        name: file.name,
        versionInfo: root.version,
        downloadLocation: NOASSERTION,
        filesAnalyzed: false,
        checksums: [{ algorithm: "SHA256", checksumValue: sha256Of(file.digest) }],
        licenseConcluded: NOASSERTION,
        licenseDeclared: NOASSERTION,
        copyrightText: NOASSERTION,
        primaryPackagePurpose: "FILE",
        comment: `WebAssembly module built from ${root.name} ${root.version} for ${graph.target}`,
      })),
    ],
    relationships,
  };
  // The namespace is unique per content: the hash of the document without it.
  const namespace = `https://spdx.org/spdxdocs/${sanitize(root.name)}-${sanitize(root.version)}-${sha256Hex(stableJson(document))}`;
  return stableJson({ ...document, documentNamespace: namespace });
}

function spdxPackage(pkg: GraphPackage, spdxId: string, isRoot: boolean) {
  const host = pkg.classification === "host";
  return {
    SPDXID: spdxId,
    name: pkg.name,
    versionInfo: pkg.version,
    downloadLocation: downloadLocation(pkg.name, pkg.version, pkg.source) ?? NOASSERTION,
    filesAnalyzed: false,
    licenseDeclared: pkg.license,
    licenseConcluded: pkg.license,
    copyrightText: NOASSERTION,
    ...(pkg.checksum ? { checksums: [{ algorithm: "SHA256", checksumValue: pkg.checksum }] } : {}),
    ...(pkg.purl ? { externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: pkg.purl }] } : {}),
    primaryPackagePurpose: isRoot ? "APPLICATION" : "LIBRARY",
    ...(host ? { comment: `host-only: compiled for the build machine${pkg.procMacro ? " (proc-macro)" : ""}, not part of the wasm` } : {}),
  };
}

/** A `[dependencies]` edge: DEPENDS_ON (BUILD_TOOL_OF for a proc-macro); a `[build-dependencies]` edge: BUILD_DEPENDENCY_OF. */
function edgeRelationships(edge: GraphEdge, packages: Map<string, GraphPackage>, idOf: (id: string) => string) {
  const child = idOf(edge.to);
  const parent = idOf(edge.from);
  return edge.kinds.map((kind) =>
    kind === "build"
      ? { spdxElementId: child, relationshipType: "BUILD_DEPENDENCY_OF", relatedSpdxElement: parent }
      : packages.get(edge.to)?.procMacro
        ? { spdxElementId: child, relationshipType: "BUILD_TOOL_OF", relatedSpdxElement: parent }
        : { spdxElementId: parent, relationshipType: "DEPENDS_ON", relatedSpdxElement: child },
  );
}

/** `SPDXRef-Package-NAME-VERSION`, with a hash of the cargo id when two packages share both. */
function spdxIds(packages: GraphPackage[]): Map<string, string> {
  const plain = (pkg: GraphPackage) => `SPDXRef-Package-${sanitize(pkg.name)}-${sanitize(pkg.version)}`;
  const counts = new Map<string, number>();
  for (const pkg of packages) counts.set(plain(pkg), (counts.get(plain(pkg)) ?? 0) + 1);
  return new Map(packages.map((pkg) => {
    const id = plain(pkg);
    return [pkg.id, counts.get(id)! > 1 ? `${id}-${sha256Hex(pkg.id).slice(0, 12)}` : id];
  }));
}

/** SPDXIDs allow letters, digits, '.' and '-' only. */
function sanitize(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]/g, "-");
}
