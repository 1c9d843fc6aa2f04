import { Transform, type Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import { WasmpackError } from "@wasmpack/registry/errors";
import { DigestCounter, MediaType, digestAlgorithm, type Descriptor } from "@wasmpack/registry/oci";
import { imagePath } from "./image-contents.js";

/** Tar layer media types verify can read; zstd needs a newer Node than wasmpack's floor. */
export const READABLE_LAYERS: readonly string[] = [MediaType.LayerTar, MediaType.LayerTarGzip, MediaType.DockerLayerGzip];

export type LayerEntry =
  | { type: "file"; path: string; size: number; bytes?: Uint8Array }
  | { type: "directory"; path: string }
  | { type: "link"; path: string; target: string; symbolic: boolean }
  /** `.wh.name` removes `name` from the layers below; `.wh..wh..opq` empties its directory (image-spec `layer.md`). */
  | { type: "whiteout"; path: string; opaque: boolean };

/**
 * Streams one tar layer (gunzipping `+gzip`), hashing the blob on its way in, and lists its
 * entries. A file's bytes are kept only when `keep(path, head)` says so, given its path and first
 * bytes; everything else is read and dropped, so a layer is never held in memory.
 */
export async function readLayerEntries(
  descriptor: Descriptor,
  blob: Readable,
  keep: (path: string, head: Uint8Array) => boolean,
): Promise<LayerEntry[]> {
  const counter = new DigestCounter(digestAlgorithm(descriptor.digest));
  const hash = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counter.update(chunk);
      done(null, chunk);
    },
  });
  const extract = tar.extract();
  const gzipped = descriptor.mediaType !== MediaType.LayerTar;
  const gunzip = gzipped ? createGunzip() : undefined;
  for (const stage of [blob, hash, gunzip]) stage?.on("error", (error) => extract.destroy(error));
  const tarBytes = gunzip ? blob.pipe(hash).pipe(gunzip) : blob.pipe(hash);
  tarBytes.pipe(extract);

  const entries: LayerEntry[] = [];
  try {
    for await (const entry of extract) {
      const header = entry.header;
      // tar-stream decodes a corrupt base-256 size field as a negative or huge number, then waits
      // for that many bytes forever; such a header is not readable.
      if (header.size !== undefined && (!Number.isSafeInteger(header.size) || header.size < 0)) {
        throw new WasmpackError("input", "LAYER_UNREADABLE", `layer ${descriptor.digest} has an entry whose size field is corrupt`);
      }
      const path = imagePath(header.name);
      const base = path.slice(path.lastIndexOf("/") + 1);
      const dir = path.slice(0, Math.max(0, path.lastIndexOf("/")));
      if (base === ".wh..wh..opq") entries.push({ type: "whiteout", path: dir, opaque: true });
      else if (base.startsWith(".wh.")) entries.push({ type: "whiteout", path: [dir, base.slice(4)].filter(Boolean).join("/"), opaque: false });
      else if (header.type === "directory") entries.push({ type: "directory", path });
      else if (header.type === "symlink" || header.type === "link") {
        entries.push({ type: "link", path, target: header.linkname ?? "", symbolic: header.type === "symlink" });
      } else if (header.type === "file" || header.type === "contiguous-file") {
        entries.push({ type: "file", path, size: header.size ?? 0, ...(await collect(entry, path, keep)) });
        continue;
      }
      entry.resume();
    }
    await finished(hash);
  } catch (cause) {
    blob.destroy();
    if (cause instanceof WasmpackError) throw cause;
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") throw new WasmpackError("input", "BLOB_UNKNOWN", `the layout has no blob for layer ${descriptor.digest}`, { cause });
    throw new WasmpackError("input", "LAYER_UNREADABLE", `layer ${descriptor.digest} is not a readable ${gzipped ? "tar+gzip" : "tar"} archive`, { cause });
  }
  const digest = counter.digest();
  if (digest !== descriptor.digest || counter.size !== descriptor.size) {
    throw new WasmpackError("integrity", "DIGEST_MISMATCH", `layer ${descriptor.digest} (${descriptor.size} bytes) read as ${digest} (${counter.size} bytes)`);
  }
  return entries;
}

/** Reads a file entry; decides on its first 8 bytes (the wasm preamble) whether to keep the rest. */
async function collect(entry: AsyncIterable<Buffer>, path: string, keep: (path: string, head: Uint8Array) => boolean): Promise<{ bytes?: Uint8Array }> {
  let chunks: Buffer[] = [];
  let seen = 0;
  let keeping: boolean | undefined;
  for await (const chunk of entry) {
    if (keeping === false) continue;
    chunks.push(chunk);
    seen += chunk.byteLength;
    if (keeping === undefined && seen >= 8) {
      keeping = keep(path, Buffer.concat(chunks).subarray(0, 8));
      if (!keeping) chunks = [];
    }
  }
  keeping ??= keep(path, Buffer.concat(chunks));
  return keeping ? { bytes: Buffer.concat(chunks) } : {};
}
