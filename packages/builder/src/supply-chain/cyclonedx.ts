import { createHash } from "node:crypto";
import type { DependencyGraph, GraphPackage } from "./graph.js";
import { NOASSERTION } from "./license.js";
import { rootPackage, timestamp, type SbomMeta } from "./sbom-meta.js";
import { byCodeUnit, sha256Of, sha256Hex, stableJson } from "./stable-json.js";

/**
 * A CycloneDX 1.6 JSON BOM (https://cyclonedx.org/docs/1.6/json/, schema:
 * http://cyclonedx.org/schema/bom-1.6.schema.json) of the graph.
 *
 * metadata.component is the root (type application); every other package is a library component,
 * `scope: "required"` when linked into the wasm and `scope: "excluded"` with the property
 * `wasmpack:host-only` = `true` when only compiled for the build machine. The wasm files are
 * `file` components. Same input, same bytes: keys sorted, serialNumber a UUID (version 5) of the
 * hash of the rest of the document.
 */
export function toCycloneDx(graph: DependencyGraph, meta: SbomMeta): Uint8Array {
  const root = rootPackage(graph);
  const refs = bomRefs(graph.packages);
  const refOf = (id: string) => refs.get(id)!;
  const wasm = [...(meta.wasm ?? [])].sort((a, b) => byCodeUnit(a.name, b.name)).map((file) => ({
    type: "file",
    "bom-ref": `file:${file.name}@sha256:${sha256Of(file.digest)}`,
    name: file.name,
    version: root.version,
    hashes: [{ alg: "SHA-256", content: sha256Of(file.digest) }],
    description: `WebAssembly module built from ${root.name} ${root.version} for ${graph.target}`,
  }));

  const children = new Map<string, Set<string>>();
  for (const edge of graph.edges) {
    const set = children.get(edge.from) ?? new Set<string>();
    set.add(refOf(edge.to));
    children.set(edge.from, set);
  }
  const dependencies = graph.packages
    .map((pkg) => ({ ref: refOf(pkg.id), dependsOn: [...(children.get(pkg.id) ?? [])].sort(byCodeUnit) }))
    .sort((a, b) => byCodeUnit(a.ref, b.ref));

  const bom = {
    $schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    version: 1,
    metadata: {
      timestamp: timestamp(meta.created),
      tools: { components: [{ type: "application", name: "wasmpack", version: meta.wasmpackVersion }] },
      component: { ...component(root, refOf(root.id)), type: "application" },
      properties: [{ name: "wasmpack:target", value: graph.target }],
    },
    components: [
      ...graph.packages.filter((pkg) => pkg.id !== root.id).map((pkg) => component(pkg, refOf(pkg.id))),
      ...wasm,
    ].sort((a, b) => byCodeUnit(a["bom-ref"], b["bom-ref"])),
    dependencies,
  };
  return stableJson({ ...bom, serialNumber: `urn:uuid:${uuidV5(sha256Hex(stableJson(bom)))}` });
}

function component(pkg: GraphPackage, ref: string) {
  const host = pkg.classification === "host";
  return {
    type: "library",
    "bom-ref": ref,
    name: pkg.name,
    version: pkg.version,
    ...(pkg.purl ? { purl: pkg.purl } : {}),
    ...(pkg.checksum ? { hashes: [{ alg: "SHA-256", content: pkg.checksum }] } : {}),
    ...(pkg.license === NOASSERTION ? {} : { licenses: [{ expression: pkg.license }] }),
    scope: host ? "excluded" : "required",
    ...(host ? { properties: [{ name: "wasmpack:host-only", value: "true" }, ...(pkg.procMacro ? [{ name: "wasmpack:proc-macro", value: "true" }] : [])] } : {}),
  };
}

/** bom-ref = the purl, or `path:NAME@VERSION` for a local package; made unique with the cargo id's hash. */
function bomRefs(packages: GraphPackage[]): Map<string, string> {
  const plain = (pkg: GraphPackage) => pkg.purl ?? `path:${pkg.name}@${pkg.version}`;
  const counts = new Map<string, number>();
  for (const pkg of packages) counts.set(plain(pkg), (counts.get(plain(pkg)) ?? 0) + 1);
  return new Map(packages.map((pkg) => [pkg.id, counts.get(plain(pkg))! > 1 ? `${plain(pkg)}#${sha256Hex(pkg.id).slice(0, 12)}` : plain(pkg)]));
}

// A namespace of ours for the serial numbers (RFC 9562 version 5 names within it are content hashes).
const NAMESPACE = Buffer.from("6f1f4b1e8a2c5d3e9b7a0c4d2e1f3a5b", "hex");

/** RFC 9562 UUID version 5 (SHA-1 of namespace + name). */
function uuidV5(name: string): string {
  const bytes = createHash("sha1").update(NAMESPACE).update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
