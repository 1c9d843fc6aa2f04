import { createReadStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { createGzip } from "node:zlib";
import { OciLayout, createDeterministicTar, type TarEntry } from "@wasmpack/registry/layout";
import { DigestCounter, MediaType, type Descriptor, type Digest } from "@wasmpack/registry/oci";
import type { ImageFile } from "./image-plan.js";

export interface WrittenLayer {
  descriptor: Descriptor;
  /** sha256 of the uncompressed tar, for the config's `rootfs.diff_ids`. */
  diffId: Digest;
}

/**
 * Writes the files as one reproducible tar+gzip layer into the layout. One streaming pass: the
 * tar is hashed (diff_id) on its way into gzip, whose output the layout hashes (digest) as it
 * lands; no layer is ever held in memory.
 */
export async function writeTarGzipLayer(
  layout: OciLayout,
  files: readonly ImageFile[],
  mtime: number,
  mediaType: string = MediaType.LayerTarGzip,
): Promise<WrittenLayer> {
  const diff = new DigestCounter();
  const hashTar = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      diff.update(chunk);
      done(null, chunk);
    },
  });
  // Fixed level and zlib's gzip header (mtime 0, no file name) keep the bytes reproducible.
  const tarStream = createDeterministicTar(files.map(toTarEntry), { mtime });
  const gz = tarStream.pipe(hashTar).pipe(createGzip({ level: 9 }));
  tarStream.on("error", (error) => gz.destroy(error));
  hashTar.on("error", (error) => gz.destroy(error));
  const info = await layout.writeBlob(gz);
  return { descriptor: { mediaType, ...info }, diffId: diff.digest() };
}

function toTarEntry(file: ImageFile): TarEntry {
  if ("directory" in file) return { type: "directory", path: file.path };
  if ("bytes" in file) {
    const { bytes } = file;
    return { type: "file", path: file.path, mode: file.mode, size: bytes.byteLength, open: () => Readable.from([bytes]) };
  }
  const { fromFile } = file;
  return { type: "file", path: file.path, mode: file.mode, size: file.size, open: () => createReadStream(fromFile) };
}
