import { homedir } from "node:os";
import { basename, relative } from "node:path";
import { WasmpackError } from "@wasmpack/registry/errors";
import type { OciLayout } from "@wasmpack/registry/layout";
import { ArtifactType, attachInLayout, createArtifact, type Artifact } from "@wasmpack/registry/referrers";
import { Annotation, sha256, type Descriptor } from "@wasmpack/registry/oci";
import type { BuildFlags } from "../project/settings.js";
import { defaultCacheDir } from "../cache/stat-cache.js";
import { cachedDependencyGraph } from "../supply-chain/graph-cache.js";
import type { DependencyGraph, GraphEdge, GraphPackage } from "../supply-chain/graph.js";
import { toCycloneDx } from "../supply-chain/cyclonedx.js";
import { toSpdx } from "../supply-chain/spdx.js";
import { timestamp } from "../supply-chain/sbom-meta.js";
import { toProvenance } from "../supply-chain/provenance.js";
import type { SourceInfo } from "../supply-chain/source-info.js";

export type SbomFormat = "spdx" | "cyclonedx";

/** What a build attaches to each image it writes. */
export interface SupplyChainSettings {
  sbom: SbomFormat | undefined;
  provenance: boolean;
}

const SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
const SBOM_TYPES: Record<SbomFormat, string> = { spdx: ArtifactType.Spdx, cyclonedx: ArtifactType.CycloneDx };

/** `--sbom spdx|cyclonedx` (default spdx), `--no-sbom`, `--no-provenance`; checked before any build work. */
export function resolveSupplyChain(flags: Pick<BuildFlags, "sbom" | "provenance">): SupplyChainSettings {
  const sbom = flags.sbom === false ? undefined : (flags.sbom ?? "spdx");
  if (sbom !== undefined && !Object.hasOwn(SBOM_TYPES, sbom)) {
    throw new WasmpackError("usage", "SBOM_FORMAT", `--sbom ${JSON.stringify(sbom)}: choose spdx or cyclonedx (or --no-sbom)`);
  }
  return { sbom: sbom as SbomFormat | undefined, provenance: flags.provenance !== false };
}

/** One document attached to every image of a build. */
export interface AttachedDocument {
  artifactType: string;
  /** The digest of the document itself (the same for every image). */
  digest: string;
  size: number;
}

/**
 * Reads the dependency graph of the crates a build compiled, for `--sbom`. Started as soon as
 * cargo is done, so its `cargo metadata` runs while the images are assembled. A Spin app whose
 * components are several crates gets one graph with the app as its root, depending on each.
 */
export function readBuildGraph(
  crates: readonly string[],
  toolchain: { cargo: string; rustc: string; target: string },
  env: Record<string, string | undefined>,
  app: { name: string; version: string },
): Promise<DependencyGraph> | undefined {
  const manifests = [...new Set(crates)];
  if (manifests.length === 0) return undefined;
  const cacheDir = defaultCacheDir(env, env["HOME"] || homedir());
  const read = (manifestPath: string) => cachedDependencyGraph({ cargo: toolchain.cargo, rustc: toolchain.rustc, manifestPath, target: toolchain.target, env, cacheDir });
  if (manifests.length === 1) return read(manifests[0]!);
  return Promise.all(manifests.map(read)).then((graphs) => appGraph(app, graphs));
}

/** Several crates' graphs under one root package for the app; a package linked in any of them is linked. */
function appGraph(app: { name: string; version: string }, graphs: readonly DependencyGraph[]): DependencyGraph {
  const root = `app ${app.name}@${app.version}`;
  const packages = new Map<string, GraphPackage>([[root, { id: root, name: app.name, version: app.version, source: { kind: "path" }, license: "NOASSERTION", classification: "linked", procMacro: false }]]);
  for (const pkg of graphs.flatMap((graph) => graph.packages)) {
    const known = packages.get(pkg.id);
    if (!known || (known.classification === "host" && pkg.classification === "linked")) packages.set(pkg.id, pkg);
  }
  const edges = new Map<string, GraphEdge>();
  for (const edge of [...graphs.map((graph) => ({ from: root, to: graph.root, kinds: ["normal" as const] })), ...graphs.flatMap((graph) => graph.edges)]) {
    const key = `${edge.from} ${edge.to}`;
    const kinds = [...new Set([...(edges.get(key)?.kinds ?? []), ...edge.kinds])].sort();
    edges.set(key, { ...edge, kinds });
  }
  // The provenance names one Cargo.lock: the first crate's (a Spin app's crates usually share a workspace's).
  return { root, target: graphs[0]!.target, packages: [...packages.values()], edges: [...edges.values()], lockfile: graphs[0]!.lockfile };
}

/**
 * Attaches the SBOM and provenance to each image as OCI 1.1 referrers in the layout, replacing
 * those of an earlier build, and drops referrers whose image a rebuild re-tagged away.
 */
export async function attachToImages(
  layout: OciLayout,
  images: readonly Descriptor[],
  documents: readonly SupplyChainDocument[],
  created: Date,
): Promise<AttachedDocument[]> {
  const annotations = { [Annotation.Created]: timestamp(created) };
  const artifacts: Artifact[] = images.flatMap((subject) =>
    documents.map((doc) => createArtifact({ artifactType: doc.artifactType, subject, files: [{ mediaType: doc.mediaType, bytes: doc.bytes, ...(doc.annotations ? { annotations: doc.annotations } : {}) }], annotations })),
  );
  const replace = { subjects: images.map((image) => image.digest), artifactTypes: [...Object.values(SBOM_TYPES), ArtifactType.InToto] };
  await attachInLayout(layout, artifacts, { replace });
  return documents.map((doc) => {
    const digest = sha256(doc.bytes);
    return { artifactType: doc.artifactType, digest, size: doc.bytes.byteLength };
  });
}

/** A document attached to each image: its artifact type, the file's media type and bytes. */
export interface SupplyChainDocument {
  artifactType: string;
  mediaType: string;
  bytes: Uint8Array;
  /** On the file (layer), e.g. the in-toto predicate type as docker buildx writes it. */
  annotations?: Record<string, string>;
}

/** The SBOM document in the format asked for. */
export function sbomDocument(format: SbomFormat, graph: DependencyGraph, meta: Parameters<typeof toSpdx>[1]): SupplyChainDocument {
  const type = SBOM_TYPES[format];
  return { artifactType: type, mediaType: type, bytes: format === "spdx" ? toSpdx(graph, meta) : toCycloneDx(graph, meta) };
}

/** The SLSA provenance of a build: what it made (wasm files, image manifests), from what, with what. */
export function provenanceDocument(input: {
  images: readonly { format: string; tag: string; digest: string }[];
  wasm: readonly { name: string; digest: string }[];
  source: SourceInfo;
  graph: DependencyGraph | undefined;
  project: string;
  target: string;
  flags: BuildFlags & { strip?: boolean; optimize?: boolean };
  versions: { wasmpack: string; rustc: string };
}): SupplyChainDocument {
  const { flags, graph } = input;
  const shaping = { ...(flags.bin ? { bin: flags.bin } : {}), ...(flags.strip === false ? { strip: false } : {}), ...(flags.optimize ? { optimize: true } : {}) };
  const bytes = toProvenance({
    subjects: [...input.wasm, ...input.images.map((image) => ({ name: `${image.format}:${image.tag}`, digest: image.digest }))],
    source: input.source,
    build: {
      project: input.source.git?.path ?? basename(input.project),
      target: input.target,
      formats: input.images.map((image) => image.format),
      tags: input.images.map((image) => image.tag),
      ...(Object.keys(shaping).length ? { flags: shaping } : {}),
    },
    versions: input.versions,
    ...(graph ? { lockfile: { name: relative(input.project, graph.lockfile.path) || "Cargo.lock", sha256: graph.lockfile.sha256 } } : {}),
  });
  return { artifactType: ArtifactType.InToto, mediaType: ArtifactType.InToto, bytes, annotations: { "in-toto.io/predicate-type": SLSA_PROVENANCE_V1 } };
}
