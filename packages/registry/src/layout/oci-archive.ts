import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { relative, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { WasmpackError } from "../errors.js";
import { MANIFEST_MEDIA_TYPES, parseManifest, type Descriptor, type Digest } from "../oci/index.js";
import { createDeterministicTar, type TarEntry } from "../tar/deterministic-tar.js";
import { tempPathFor } from "./atomic.js";
import type { OciLayout } from "./oci-layout.js";

/**
 * Writes the layout as one tar (an "oci-archive", what `ctr image import`, `skopeo copy
 * oci-archive:` and `kind load image-archive` read), holding only blobs reachable from
 * `index.json`. Written to a temp file and renamed, so a failed write leaves nothing behind.
 */
export async function writeOciArchive(layout: OciLayout, file: string): Promise<void> {
  const index = await layout.readIndex();
  const sizes = new Map<Digest, number>();
  for (const descriptor of index.manifests) await collect(layout, descriptor, sizes);

  const entries: TarEntry[] = [
    bytesEntry("oci-layout", JSON.stringify({ imageLayoutVersion: "1.0.0" })),
    bytesEntry("index.json", JSON.stringify(index)),
  ];
  for (const [digest, size] of sizes) {
    const path = relative(layout.dir, layout.blobPath(digest)).split(sep).join("/");
    entries.push({ type: "file", path, size, open: () => layout.openBlob(digest) });
  }

  const temp = tempPathFor(file);
  try {
    await pipeline(createDeterministicTar(entries), createWriteStream(temp));
    await rename(temp, file);
  } catch (cause) {
    await rm(temp, { force: true });
    throw new WasmpackError("io", "IO", `cannot write OCI archive ${file}`, { cause });
  }
}

/** Every blob reachable from `descriptor`, with the size its descriptor gives, each once. */
async function collect(layout: OciLayout, descriptor: Descriptor, into: Map<Digest, number>): Promise<void> {
  if (into.has(descriptor.digest)) return;
  into.set(descriptor.digest, descriptor.size);
  if (!MANIFEST_MEDIA_TYPES.includes(descriptor.mediaType)) return;
  const parsed = parseManifest(await layout.readBlob(descriptor.digest), descriptor.mediaType, layout.blobPath(descriptor.digest));
  const children = parsed.kind === "index" ? parsed.index.manifests : [parsed.manifest.config, ...parsed.manifest.layers];
  for (const child of children) await collect(layout, child, into);
}

function bytesEntry(path: string, text: string): TarEntry {
  const bytes = Buffer.from(text);
  return { type: "file", path, size: bytes.byteLength, open: () => Readable.from([bytes]) };
}
