// Fuzzing the tar layers verify reads: random archives made with tar-stream (files, directories,
// symlinks, hard links, whiteouts, `..` and absolute names, long pax names), gzipped or not, then
// corrupted byte by byte. Listing a layer gives its entries or a WasmpackError within the budget,
// and no entry path climbs out of the image root; verify's whole read of a layout with such a
// layer does the same.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { openLayoutImage, verifyImage } from "@wasmpack/builder";
import { OciLayout } from "@wasmpack/registry/layout";
import { Annotation, MediaType, encodeImageConfig, encodeManifest, sha256, type Descriptor } from "@wasmpack/registry/oci";
import { readLayerEntries } from "../../packages/builder/src/verify/layer-files.js";
import { importFromBuilder } from "../support/builder-deps.js";
import { tempDir } from "../support/temp.js";
import { asyncOutcome, byteMutation, mutateBytes, type ByteMutation } from "./support.js";

type TarStream = typeof import("tar-stream");
let tar: TarStream;
let work: string;
beforeAll(async () => {
  tar = await importFromBuilder<TarStream>("tar-stream");
  work = await tempDir("wasmpack-fuzz-tar-");
});

const WASM = Buffer.from("\0asm\x01\0\0\0");

const namePart = fc.oneof(
  fc.constantFrom("app.wasm", "spin.toml", "static", "bin", "..", ".", "", ".wh.app.wasm", ".wh..wh..opq", ".wh.", "a b", "é", "x".repeat(120), "\u0000"),
  fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 8 }),
);
const entryName = fc.tuple(fc.constantFrom("", "/", "./", "../"), fc.array(namePart, { minLength: 1, maxLength: 4 })).map(([lead, parts]) => lead + parts.join("/"));

interface TarEntry {
  name: string;
  type: "file" | "directory" | "symlink" | "link" | "contiguous-file";
  body?: Buffer;
  linkname?: string;
}
const tarEntry: fc.Arbitrary<TarEntry> = fc.oneof(
  fc.record({ name: entryName, type: fc.constant("file" as const), body: fc.oneof(fc.constant(WASM), fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)), fc.constant(Buffer.from('spin_manifest_version = 2\n[application]\nname = "x"\n'))) }),
  fc.record({ name: entryName, type: fc.constant("directory" as const) }),
  fc.record({ name: entryName, type: fc.constantFrom("symlink" as const, "link" as const), linkname: entryName }),
);

async function tarBytes(entries: readonly TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    pack.entry({ name: e.name || ".", type: e.type, mode: 0o644, ...(e.linkname !== undefined ? { linkname: e.linkname || "." } : {}) }, e.type === "file" ? (e.body ?? Buffer.alloc(0)) : undefined);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** ustar header fields: name, mode, uid, gid, size, mtime, checksum, typeflag, linkname, magic, version, uname, gname, devmajor, devminor, prefix. */
const FIELDS = [0, 100, 108, 116, 124, 136, 148, 156, 157, 257, 263, 265, 297, 329, 337, 345];
interface HeaderEdit {
  block: number;
  field: number;
  shift: number;
  value: Uint8Array;
}
const headerEdit: fc.Arbitrary<HeaderEdit> = fc.record({
  block: fc.nat({ max: 12 }),
  field: fc.constantFrom(...FIELDS),
  shift: fc.nat({ max: 11 }),
  value: fc.oneof(
    fc.constantFrom("77777777777\0", "00000001000\0", "-1", " ", "\0", "x", "L", "K", "g", "7", "5", "2", "1", "9", "../../../etc/passwd\0", "/abs\0", "ustar\0", "ustar  \0", "path=../x\n").map((v) => Buffer.from(v, "latin1")),
    fc.constant(Buffer.from([0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), // base-256: an enormous size
    fc.constant(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), // base-256: negative
    fc.uint8Array({ minLength: 1, maxLength: 12 }),
  ),
});

/** Rewrites header fields of 512-byte blocks and fixes each touched block's checksum, so the parser reads past it. */
function editHeaders(tarBytes: Buffer, edits: readonly HeaderEdit[]): Uint8Array {
  const out = Buffer.from(tarBytes);
  const blocks = Math.max(1, Math.floor(out.length / 512));
  for (const e of edits) {
    const start = (e.block % blocks) * 512;
    if (start + 512 > out.length) continue;
    Buffer.from(e.value).copy(out, start + e.field + Math.min(e.shift, 11), 0, Math.min(e.value.length, 512 - e.field - Math.min(e.shift, 11)));
    out.fill(0x20, start + 148, start + 156);
    let sum = 0;
    for (let i = start; i < start + 512; i++) sum += out[i]!;
    out.write(`${sum.toString(8).padStart(6, "0")}\0 `, start + 148, "latin1");
  }
  return new Uint8Array(out);
}

interface Layer {
  entries: TarEntry[];
  gzip: boolean;
  /** Random bytes changed (checksums then fail), or header fields rewritten with their checksum fixed. */
  corrupt: "none" | "bytes" | "header";
  mutations: ByteMutation[];
  fields: HeaderEdit[];
  /** The descriptor names other bytes (a wrong digest or size). */
  wrongDescriptor: boolean;
  /** Chunk size the blob arrives in. */
  chunk: number;
}

const layer: fc.Arbitrary<Layer> = fc.record({
  entries: fc.array(tarEntry, { maxLength: 8 }),
  gzip: fc.boolean(),
  corrupt: fc.constantFrom("none", "bytes", "header", "header") as fc.Arbitrary<Layer["corrupt"]>,
  fields: fc.array(headerEdit, { minLength: 1, maxLength: 3 }),
  mutations: fc.array(byteMutation, { minLength: 1, maxLength: 3 }),
  wrongDescriptor: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
  chunk: fc.constantFrom(1, 7, 512, 65536),
});

async function layerBlob(l: Layer): Promise<{ bytes: Uint8Array; descriptor: Descriptor }> {
  let bytes: Uint8Array = await tarBytes(l.entries);
  if (l.corrupt === "header") bytes = editHeaders(Buffer.from(bytes), l.fields);
  if (l.corrupt === "bytes" && !l.gzip) bytes = mutateBytes(bytes, l.mutations);
  if (l.gzip) bytes = gzipSync(bytes);
  if (l.corrupt === "bytes" && l.gzip) bytes = mutateBytes(bytes, l.mutations);
  const mediaType = l.gzip ? MediaType.LayerTarGzip : MediaType.LayerTar;
  const descriptor = { mediaType, digest: sha256(l.wrongDescriptor ? Buffer.concat([bytes, Buffer.from("x")]) : bytes), size: bytes.byteLength };
  return { bytes, descriptor };
}

function chunked(bytes: Uint8Array, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.byteLength; i += size) parts.push(Buffer.from(bytes.subarray(i, i + size)));
  return Readable.from(parts);
}

/** An image path never climbs out of the root. */
function rooted(path: string): boolean {
  return !path.startsWith("/") && !path.split("/").includes("..");
}

describe("fuzz: tar layers", () => {
  it("readLayerEntries: entries whose paths stay under the root, or a WasmpackError", async () => {
    await fc.assert(
      fc.asyncProperty(layer, async (l) => {
        const { bytes, descriptor } = await layerBlob(l);
        const outcome = await asyncOutcome(() => readLayerEntries(descriptor, chunked(bytes, l.chunk), (_, head) => head[0] === 0));
        if (!outcome.ok) return;
        expect(l.wrongDescriptor).toBe(false);
        for (const entry of outcome.value) expect(rooted(entry.path)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it("verify over a layout whose image has such layers: a report or a WasmpackError, and every file can be read", async () => {
    const dir = join(work, "layout");
    const layout = await OciLayout.create(dir);
    await fc.assert(
      fc.asyncProperty(fc.array(layer, { minLength: 1, maxLength: 3 }), fc.constantFrom(["/app.wasm"], ["app.wasm"], ["/bin/../app.wasm"], ["/"], []), async (layers, entrypoint) => {
        const descriptors: Descriptor[] = [];
        for (const l of layers) {
          const { bytes, descriptor } = await layerBlob({ ...l, wrongDescriptor: false });
          await layout.writeBlob(Readable.from([Buffer.from(bytes)]));
          descriptors.push(descriptor);
        }
        const config = encodeImageConfig({ platform: { os: "wasi", architecture: "wasm" }, diffIds: descriptors.map((d) => d.digest), entrypoint, workingDir: "/" });
        const manifest = encodeManifest({ config: config.descriptor, layers: descriptors, annotations: { [Annotation.WasmVariant]: "compat-smart" } });
        await layout.writeEncoded(config);
        await layout.writeEncoded(manifest);
        await writeFile(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ ...manifest.descriptor, annotations: { [Annotation.RefName]: "t" } }] }));
        await asyncOutcome(async () => {
          const image = await openLayoutImage(dir, "t");
          for (const [path, file] of image.contents.files) {
            expect(rooted(path)).toBe(true);
            await file.read();
          }
          return verifyImage(image.contents);
        });
      }),
      { numRuns: 250 },
    );
  });
});

describe("fuzz regressions: tar layers", () => {
  it("a header whose size field decodes negative (base-256 0xff…) is LAYER_UNREADABLE, not a hang", async () => {
    // Found by the readLayerEntries property: tar-stream read size -2.5e26 and waited for that many bytes forever.
    const raw = await tarBytes([{ name: " ", type: "symlink", linkname: " " }]);
    for (const edit of [
      { block: 0, field: 108, shift: 5, value: Buffer.alloc(12, 0xff) },
      { block: 0, field: 124, shift: 0, value: Buffer.from([0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) },
    ]) {
      const bytes = editHeaders(raw, [edit]);
      const descriptor = { mediaType: MediaType.LayerTar, digest: sha256(bytes), size: bytes.byteLength };
      const outcome = await asyncOutcome(() => readLayerEntries(descriptor, Readable.from([Buffer.from(bytes)]), () => false), 2000);
      expect(!outcome.ok && outcome.error).toMatchObject({ name: "WasmpackError", code: "LAYER_UNREADABLE" });
    }
  });
});
