import type { Digest } from "./digest.js";
import { sha256 } from "./digest.js";
import type { Platform } from "./platform.js";

/** image-spec `descriptor.md`. */
export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
  urls?: string[];
  data?: string;
}

/** Exact bytes together with the descriptor that names them: manifests and configs. */
export interface EncodedBlob {
  readonly descriptor: Descriptor;
  readonly bytes: Uint8Array;
}

/**
 * Serialises a JSON value once and describes those exact bytes. Object keys keep the order in
 * which they were written, so builders that construct objects in a fixed order are reproducible.
 */
export function encodeJson(mediaType: string, value: unknown): EncodedBlob {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return { bytes, descriptor: { mediaType, digest: sha256(bytes), size: bytes.byteLength } };
}

/** The descriptor fields image-spec defines, in spec order, dropping empty optional ones. */
export function cleanDescriptor(d: Descriptor): Descriptor {
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.artifactType) out.artifactType = d.artifactType;
  if (d.urls?.length) out.urls = d.urls;
  if (d.data) out.data = d.data;
  if (d.annotations && Object.keys(d.annotations).length > 0) out.annotations = sortedRecord(d.annotations);
  if (d.platform) out.platform = d.platform;
  return out;
}

/** A copy of a string record with its keys sorted, so maps built in any order encode the same. */
export function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
