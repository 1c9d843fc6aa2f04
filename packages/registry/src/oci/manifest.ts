import { WasmpackError } from "../errors.js";
import { isDigest } from "./digest.js";
import { cleanDescriptor, encodeJson, sortedRecord, type Descriptor, type EncodedBlob } from "./descriptor.js";
import { MediaType, isIndexMediaType } from "./media-types.js";

/** image-spec `manifest.md`. */
export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** image-spec `image-index.md`. */
export interface ImageIndex {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ManifestInput {
  config: Descriptor;
  layers: readonly Descriptor[];
  annotations?: Record<string, string>;
  artifactType?: string;
  subject?: Descriptor;
}

/** Builds an OCI image manifest, always with its `mediaType` field (formats.md, closing part). */
export function encodeManifest(input: ManifestInput): EncodedBlob {
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    ...(input.artifactType ? { artifactType: input.artifactType } : {}),
    config: cleanDescriptor(input.config),
    layers: input.layers.map(cleanDescriptor),
    ...(input.subject ? { subject: cleanDescriptor(input.subject) } : {}),
    ...(input.annotations && Object.keys(input.annotations).length > 0 ? { annotations: sortedRecord(input.annotations) } : {}),
  };
  return encodeJson(MediaType.ImageManifest, manifest);
}

export function encodeIndex(manifests: readonly Descriptor[], annotations?: Record<string, string>): EncodedBlob {
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MediaType.ImageIndex,
    manifests: manifests.map(cleanDescriptor),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations: sortedRecord(annotations) } : {}),
  };
  return encodeJson(MediaType.ImageIndex, index);
}

export type ParsedManifest =
  | { kind: "manifest"; mediaType: string; manifest: ImageManifest }
  | { kind: "index"; mediaType: string; index: ImageIndex };

/**
 * Parses manifest bytes received from a store. `mediaType` is what the store said (HTTP
 * Content-Type or descriptor); the document's own field wins when present.
 */
export function parseManifest(bytes: Uint8Array, mediaType: string | undefined, where: string): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new WasmpackError("input", "MANIFEST_INVALID", `${where}: manifest is not valid JSON`, { cause });
  }
  if (!isObject(doc) || doc["schemaVersion"] !== 2) {
    throw new WasmpackError("input", "MANIFEST_INVALID", `${where}: manifest has no schemaVersion 2`);
  }
  const type = typeof doc["mediaType"] === "string" ? doc["mediaType"] : mediaType;
  if (Array.isArray(doc["manifests"]) || (type !== undefined && isIndexMediaType(type))) {
    const manifests = doc["manifests"];
    if (!Array.isArray(manifests)) throw new WasmpackError("input", "MANIFEST_INVALID", `${where}: index has no manifests array`);
    manifests.forEach((d, i) => checkDescriptor(d, `${where}: manifests[${i}]`));
    checkAnnotations(doc["annotations"], `${where}: annotations`);
    return { kind: "index", mediaType: type ?? MediaType.ImageIndex, index: doc as unknown as ImageIndex };
  }
  checkDescriptor(doc["config"], `${where}: config`);
  const layers = doc["layers"];
  if (!Array.isArray(layers)) throw new WasmpackError("input", "MANIFEST_INVALID", `${where}: manifest has no layers array`);
  layers.forEach((d, i) => checkDescriptor(d, `${where}: layers[${i}]`));
  checkAnnotations(doc["annotations"], `${where}: annotations`);
  return { kind: "manifest", mediaType: type ?? MediaType.ImageManifest, manifest: doc as unknown as ImageManifest };
}

function checkDescriptor(value: unknown, where: string): asserts value is Descriptor {
  if (
    !isObject(value) ||
    typeof value["mediaType"] !== "string" ||
    typeof value["digest"] !== "string" ||
    !isDigest(value["digest"]) ||
    typeof value["size"] !== "number" ||
    !Number.isSafeInteger(value["size"]) ||
    value["size"] < 0
  ) {
    throw new WasmpackError("input", "MANIFEST_INVALID", `${where} is not a valid descriptor`);
  }
  checkAnnotations(value["annotations"], `${where}.annotations`);
  const platform = value["platform"];
  if (
    platform !== undefined &&
    platform !== null &&
    (!isObject(platform) || ["os", "architecture", "variant"].some((k) => platform[k] !== undefined && typeof platform[k] !== "string"))
  ) {
    throw new WasmpackError("input", "MANIFEST_INVALID", `${where}.platform is not an object with string os, architecture and variant`);
  }
}

/** image-spec annotations: a map of strings (null counts as none, as in Go's decoder), never other values that readers would print. */
function checkAnnotations(value: unknown, where: string): void {
  if (value === undefined || value === null) return;
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== "string")) {
    throw new WasmpackError("input", "MANIFEST_INVALID", `${where} is not a map of strings`);
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
