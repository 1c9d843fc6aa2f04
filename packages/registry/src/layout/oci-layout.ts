import { createReadStream, createWriteStream } from "node:fs";
import { once } from "node:events";
import { access, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { WasmpackError } from "../errors.js";
import {
  Annotation,
  DigestCounter,
  MediaType,
  cleanDescriptor,
  digestAlgorithm,
  digestHex,
  encodeJson,
  parseManifest,
  type Descriptor,
  type Digest,
  type EncodedBlob,
  type ImageIndex,
} from "../oci/index.js";
import { BlobVerifier } from "../oci/verifier.js";
import { tempPathFor, writeFileAtomic } from "./atomic.js";
import { makeDirectories } from "./make-directories.js";

const LAYOUT_FILE = "oci-layout";
const INDEX_FILE = "index.json";

export interface BlobInfo {
  digest: Digest;
  size: number;
}

/**
 * An OCI image layout directory (image-spec `image-layout.md`). Every blob is written to a temp
 * file and renamed under its digest only once the bytes hashed to it, so an interrupted write
 * never leaves a truncated blob under a valid name; `index.json` is replaced atomically.
 */
export class OciLayout {
  private constructor(readonly dir: string) {}

  /** Opens a layout, creating an empty one when the directory holds none. */
  static async create(dir: string): Promise<OciLayout> {
    try {
      await makeDirectories(join(dir, "blobs", "sha256"));
      if (!(await exists(join(dir, LAYOUT_FILE)))) {
        await writeFileAtomic(join(dir, LAYOUT_FILE), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
      }
      if (!(await exists(join(dir, INDEX_FILE)))) {
        await writeFileAtomic(join(dir, INDEX_FILE), indexBytes([]));
      }
    } catch (cause) {
      throw ioError(`cannot write OCI layout ${dir}`, cause);
    }
    return new OciLayout(dir);
  }

  /** Opens an existing layout; fails with a clear message when `dir` is not one. */
  static async open(dir: string): Promise<OciLayout> {
    if (!(await exists(join(dir, LAYOUT_FILE))) || !(await exists(join(dir, INDEX_FILE)))) {
      throw new WasmpackError("input", "LAYOUT_NOT_FOUND", `${dir} is not an OCI image layout (no ${LAYOUT_FILE} and ${INDEX_FILE})`);
    }
    return new OciLayout(dir);
  }

  static async isLayout(dir: string): Promise<boolean> {
    return (await exists(join(dir, LAYOUT_FILE))) && (await exists(join(dir, INDEX_FILE)));
  }

  blobPath(digest: Digest): string {
    return join(this.dir, "blobs", digestAlgorithm(digest), digestHex(digest));
  }

  async hasBlob(digest: Digest, size?: number): Promise<boolean> {
    try {
      const info = await stat(this.blobPath(digest));
      return size === undefined || info.size === size;
    } catch {
      return false;
    }
  }

  /**
   * Streams `content` into the layout, hashing as it goes. With `expected`, a size or digest
   * mismatch is an integrity error and nothing is kept.
   */
  async writeBlob(content: Readable | AsyncIterable<Uint8Array>, expected?: BlobInfo): Promise<BlobInfo> {
    const algorithm = expected ? digestAlgorithm(expected.digest) : "sha256";
    await makeDirectories(join(this.dir, "blobs", algorithm));
    const temp = tempPathFor(join(this.dir, "blobs", algorithm, "incoming"));
    const verifier = new BlobVerifier(
      expected && {
        digest: expected.digest,
        size: expected.size,
        tooLarge: () => integrityError(`blob ${expected.digest} is larger than its descriptor's ${expected.size} bytes`),
        mismatch: (actual) => integrityError(`blob ${expected.digest} (${expected.size} bytes) arrived as ${actual.digest} (${actual.size} bytes)`),
      },
    );
    const sink = createWriteStream(temp);
    try {
      await pipeline(
        content,
        async function* (source: AsyncIterable<Uint8Array>) {
          for await (const chunk of source) {
            verifier.update(chunk);
            yield chunk;
          }
        },
        sink,
      );
      const info: BlobInfo = verifier.finish();
      await rename(temp, this.blobPath(info.digest));
      return info;
    } catch (error) {
      // The file is opened asynchronously: wait until the stream let go of it, or it could
      // appear after the rm below.
      if (!sink.closed) await once(sink, "close").catch(() => undefined);
      await rm(temp, { force: true });
      if (error instanceof WasmpackError) throw error;
      throw ioError(`cannot write blob into ${this.dir}`, error);
    }
  }

  async writeEncoded(blob: EncodedBlob): Promise<void> {
    if (await this.hasBlob(blob.descriptor.digest, blob.descriptor.size)) return;
    await this.writeBlob(Readable.from([blob.bytes]), blob.descriptor);
  }

  openBlob(digest: Digest): Readable {
    return createReadStream(this.blobPath(digest));
  }

  /** Reads a small blob (manifest, config) whole and checks it against its digest. */
  async readBlob(digest: Digest): Promise<Buffer> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.blobPath(digest));
    } catch (cause) {
      throw new WasmpackError("input", "BLOB_UNKNOWN", `${this.dir} has no blob ${digest}`, { cause });
    }
    // Every algorithm, not only sha256: an unchecked sha512 index could list itself, and a copy would wait on itself forever.
    const counter = new DigestCounter(digestAlgorithm(digest));
    counter.update(bytes);
    if (counter.digest() !== digest) {
      throw integrityError(`${this.blobPath(digest)} does not hash to its name`);
    }
    return bytes;
  }

  async readIndex(): Promise<ImageIndex> {
    const where = join(this.dir, INDEX_FILE);
    let bytes: Buffer;
    try {
      bytes = await readFile(where);
    } catch (cause) {
      throw ioError(`cannot read ${where}`, cause);
    }
    const parsed = parseManifest(bytes, MediaType.ImageIndex, where);
    if (parsed.kind !== "index") throw new WasmpackError("input", "LAYOUT_INVALID", `${where} is not an image index`);
    return parsed.index;
  }

  /** Points tag `name` at `descriptor`, replacing an entry with the same name. */
  async tag(name: string, descriptor: Descriptor): Promise<void> {
    const entry = cleanDescriptor({ ...descriptor, annotations: { ...descriptor.annotations, [Annotation.RefName]: name } });
    await this.updateIndex((manifests) => [...manifests.filter((m) => m.annotations?.[Annotation.RefName] !== name), entry]);
  }

  /** Rewrites index.json (atomically) with what `change` makes of its entries. */
  async updateIndex(change: (manifests: Descriptor[]) => Descriptor[]): Promise<void> {
    const index = await this.readIndex();
    try {
      await writeFileAtomic(join(this.dir, INDEX_FILE), indexBytes(change(index.manifests)));
    } catch (cause) {
      throw ioError(`cannot write ${join(this.dir, INDEX_FILE)}`, cause);
    }
  }

  /**
   * The descriptor tagged `name`, or the only image in the index when no name is given.
   * Referrers (untagged entries with an artifactType, as oras keeps them) are not images here.
   */
  async resolve(name?: string): Promise<Descriptor> {
    const { manifests } = await this.readIndex();
    if (name === undefined) {
      const images = manifests.filter((m) => !isReferrerEntry(m));
      const [only] = images;
      if (only && images.length === 1) return only;
      const tags = images.map((m) => m.annotations?.[Annotation.RefName] ?? m.digest).join(", ");
      throw new WasmpackError("usage", "TAG_REQUIRED", `${this.dir} holds ${images.length} images (${tags || "none"}); name one with :TAG`);
    }
    const found = manifests.find((m) => m.annotations?.[Annotation.RefName] === name || m.digest === name);
    if (!found) throw new WasmpackError("input", "TAG_UNKNOWN", `${this.dir} has no image tagged ${JSON.stringify(name)}`);
    return found;
  }
}

/** An index.json entry that is a referrer kept for its subject rather than an image: untagged, with an artifactType. */
export function isReferrerEntry(descriptor: Descriptor): boolean {
  return descriptor.artifactType !== undefined && descriptor.annotations?.[Annotation.RefName] === undefined;
}

function indexBytes(manifests: Descriptor[]): Uint8Array {
  return encodeJson(MediaType.ImageIndex, { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests }).bytes;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function ioError(message: string, cause: unknown): WasmpackError {
  const detail = cause instanceof Error && "code" in cause ? ` (${String((cause as NodeJS.ErrnoException).code)})` : "";
  return new WasmpackError("io", "IO", `${message}${detail}`, { cause });
}

function integrityError(message: string): WasmpackError {
  return new WasmpackError("integrity", "DIGEST_MISMATCH", message);
}
