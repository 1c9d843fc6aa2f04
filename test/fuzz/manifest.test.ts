// Fuzzing what registries and layouts hand wasmpack: manifests, indexes (index.json too) and
// configs, as the pull path, the layout store and verify read them. Inputs are real documents
// (shaped like the ones wasmpack builds) with keys, values and types mutated, and byte-level
// corruption of their JSON. Each case ends with a result or a WasmpackError, within its budget,
// and a pull into a temp layout writes nothing outside it.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { openLayoutImage, verifyImage } from "@wasmpack/builder";
import { WasmpackError } from "@wasmpack/registry/errors";
import { OciLayout } from "@wasmpack/registry/layout";
import { layoutSource, readImage, type SourceStore } from "@wasmpack/registry";
import {
  Annotation,
  MediaType,
  encodeImageConfig,
  encodeIndex,
  encodeJson,
  encodeManifest,
  parseManifest,
  sha256,
  type Descriptor,
  type Digest,
} from "@wasmpack/registry/oci";
import { copy } from "../../packages/registry/src/copy/copy.js";
import { layoutTarget } from "../../packages/registry/src/copy/layout-store.js";
import { tempDir } from "../support/temp.js";
import { asyncOutcome, listTree, mutatedBytes, mutatedJsonText, retypedJsonText, syncOutcome } from "./support.js";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
/** UTF-8 bytes of `s`, shown as the text in a counterexample. */
const bytesOf = (s: string): Uint8Array => Object.assign(new TextEncoder().encode(s), { [fc.toStringMethod]: () => `bytesOf(${JSON.stringify(s)})` });

// A small real image graph: an index over a Wasm image (config + raw wasm layer, as the spin
// example builds) and a compat image (config + tar layer), with their blobs.
const wasmLayer = bytesOf("\0asm\x01\0\0\0");
const tarLayer = new Uint8Array(1024);
const layerDescriptor = (mediaType: string, bytes: Uint8Array, title?: string): Descriptor => ({
  mediaType,
  digest: sha256(bytes),
  size: bytes.byteLength,
  ...(title ? { annotations: { [Annotation.Title]: title } } : {}),
});
const wasmConfig = encodeImageConfig({ platform: { os: "wasip1", architecture: "wasm" }, diffIds: [sha256(wasmLayer)], entrypoint: ["/app.wasm"], labels: { a: "b" } });
const artifactConfig = encodeJson(MediaType.WasmConfig, { created: "1970-01-01T00:00:00Z", architecture: "wasm", os: "wasip1", layerDigests: [sha256(wasmLayer)], component: { exports: [], imports: [] } });
const wasmManifest = encodeManifest({
  config: artifactConfig.descriptor,
  layers: [layerDescriptor(MediaType.Wasm, wasmLayer, "hello.wasm")],
  annotations: { [Annotation.Title]: "spin-hello", [Annotation.Version]: "0.1.0" },
});
const compatManifest = encodeManifest({ config: wasmConfig.descriptor, layers: [layerDescriptor(MediaType.LayerTar, tarLayer)], annotations: { "module.wasm.image/variant": "compat-smart" } });
const index = encodeIndex([
  { ...wasmManifest.descriptor, platform: { os: "wasip1", architecture: "wasm" }, annotations: { [Annotation.RefName]: "0.1.0-wasm" } },
  { ...compatManifest.descriptor, platform: { os: "wasi", architecture: "wasm" } },
]);
const BLOBS = new Map<string, Uint8Array>([
  [sha256(wasmLayer), wasmLayer],
  [sha256(tarLayer), tarLayer],
  [wasmConfig.descriptor.digest, wasmConfig.bytes],
  [artifactConfig.descriptor.digest, artifactConfig.bytes],
]);
const MANIFESTS = new Map<string, Uint8Array>([
  [wasmManifest.descriptor.digest, wasmManifest.bytes],
  [compatManifest.descriptor.digest, compatManifest.bytes],
  [index.descriptor.digest, index.bytes],
]);
const docs = {
  manifest: JSON.parse(text(wasmManifest.bytes)) as unknown,
  compat: JSON.parse(text(compatManifest.bytes)) as unknown,
  index: JSON.parse(text(index.bytes)) as unknown,
  config: JSON.parse(text(wasmConfig.bytes)) as unknown,
  artifactConfig: JSON.parse(text(artifactConfig.bytes)) as unknown,
};

/** Mutated manifest-ish JSON: a real manifest, compat manifest or index with 1–4 structural edits, or corrupted bytes. */
const manifestBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  { arbitrary: fc.constantFrom(docs.manifest, docs.compat, docs.index).chain((doc) => mutatedJsonText(doc, 1)).map(bytesOf), weight: 4 },
  { arbitrary: fc.constantFrom(docs.manifest, docs.compat, docs.index).chain((doc) => mutatedJsonText(doc)).map(bytesOf), weight: 3 },
  { arbitrary: fc.constantFrom(docs.manifest, docs.compat, docs.index).chain(retypedJsonText).map(bytesOf), weight: 3 },
  { arbitrary: fc.constantFrom(wasmManifest.bytes, compatManifest.bytes, index.bytes).chain((b) => mutatedBytes(b)), weight: 2 },
  { arbitrary: fc.uint8Array({ maxLength: 64 }), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => bytesOf(JSON.stringify(v))), weight: 1 },
);
/** A real manifest or index with one value, at any depth, of a wrong type. */
const retypedManifest = fc.constantFrom(docs.manifest, docs.compat, docs.index).chain(retypedJsonText).map(bytesOf);
const configBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constantFrom(docs.config, docs.artifactConfig).chain((doc) => mutatedJsonText(doc)).map(bytesOf),
  fc.constantFrom(docs.config, docs.artifactConfig).chain(retypedJsonText).map(bytesOf),
  mutatedBytes(wasmConfig.bytes),
  fc.constant(wasmConfig.bytes),
);
const mediaTypeHint = fc.constantFrom(undefined, MediaType.ImageManifest, MediaType.ImageIndex, MediaType.DockerManifestList, MediaType.DockerManifest, "text/plain", "");

const descriptorOf = (mediaType: string, bytes: Uint8Array): Descriptor => ({ mediaType, digest: sha256(bytes), size: bytes.byteLength });

/**
 * A registry as the pull path sees it, without the network: manifests are served only under
 * the digest they hash to (as the real source verifies them), blobs by digest; unknown content
 * is the WasmpackError a registry's 404 becomes.
 */
function fakeSource(root: Descriptor, rootBytes: Uint8Array, extra: ReadonlyMap<string, Uint8Array> = new Map()): SourceStore {
  const manifests = new Map([...MANIFESTS, ...extra, [root.digest, rootBytes]]);
  return {
    name: "fuzz.example/repo",
    resolve: async () => root,
    async fetchManifest(descriptor) {
      const bytes = manifests.get(descriptor.digest);
      if (!bytes) throw new WasmpackError("registry", "MANIFEST_UNKNOWN", `no manifest ${descriptor.digest}`);
      if (bytes.byteLength !== descriptor.size) throw new WasmpackError("integrity", "SIZE_MISMATCH", `manifest ${descriptor.digest} size`);
      return bytes;
    },
    blob(descriptor) {
      return {
        async open(start: number) {
          const bytes = BLOBS.get(descriptor.digest) ?? manifests.get(descriptor.digest);
          if (!bytes) throw new WasmpackError("registry", "BLOB_UNKNOWN", `no blob ${descriptor.digest}`);
          return Readable.from([Buffer.from(bytes.subarray(start))]);
        },
      };
    },
  };
}

const NO_RETRY = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 };
const LAYOUT_NAME = /^(oci-layout|index\.json|blobs|blobs\/sha256|blobs\/sha256\/[0-9a-f]{64}|blobs\/sha512|blobs\/sha512\/[0-9a-f]{128})$/;

let work: string;
beforeAll(async () => {
  work = await tempDir("wasmpack-fuzz-manifest-");
});

describe("fuzz: manifests, indexes and configs", () => {
  it("parseManifest: a parsed manifest or index, or a WasmpackError", () => {
    fc.assert(
      fc.property(manifestBytes, mediaTypeHint, (bytes, hint) => {
        const outcome = syncOutcome(() => parseManifest(bytes, hint, "fuzz"));
        if (!outcome.ok) return;
        const parsed = outcome.value;
        // What parses is safe for the readers after it: descriptors are objects with a digest and a size.
        const descriptors = parsed.kind === "index" ? parsed.index.manifests : [parsed.manifest.config, ...parsed.manifest.layers];
        for (const d of descriptors) {
          expect(typeof d.digest).toBe("string");
          expect(Number.isSafeInteger(d.size)).toBe(true);
        }
      }),
      { numRuns: 4000 },
    );
  });

  it("readImage: manifest and config bytes from a store give an image view or a WasmpackError", async () => {
    await fc.assert(
      fc.asyncProperty(manifestBytes, configBytes, mediaTypeHint, async (bytes, config, hint) => {
        // The mutated manifest's config descriptor names whatever config bytes the store serves.
        const source: SourceStore = {
          name: "fuzz",
          resolve: async () => ({ mediaType: hint ?? MediaType.ImageManifest, digest: sha256(bytes), size: bytes.byteLength }),
          fetchManifest: async () => bytes,
          blob: () => ({ open: async () => Readable.from([Buffer.from(config)]) }),
        };
        await asyncOutcome(() => readImage(source));
      }),
      { numRuns: 2000 },
    );
  });

  it("pull: a mutated root (manifest or index) or child copies into a temp layout, or fails with a WasmpackError; nothing lands outside it", async () => {
    const mutatedChild = fc.constantFrom(docs.manifest, docs.compat).chain((doc) => mutatedJsonText(doc, 3)).map(bytesOf);
    await fc.assert(
      fc.asyncProperty(fc.boolean(), manifestBytes, mutatedChild, mediaTypeHint, async (viaChild, rootBytes, childBytes, hint) => {
        let root = descriptorOf(hint ?? MediaType.ImageManifest, rootBytes);
        const extra = new Map<string, Uint8Array>();
        if (viaChild) {
          // A real index pointing at a mutated child manifest.
          const child = descriptorOf(MediaType.ImageManifest, childBytes);
          extra.set(child.digest, childBytes);
          const parent = encodeIndex([child, wasmManifest.descriptor]);
          rootBytes = parent.bytes;
          root = parent.descriptor;
        }
        const caseDir = await mkdtemp(join(work, "pull-"));
        await writeFile(join(caseDir, "sentinel"), "x");
        const out = join(caseDir, "out");
        try {
          await asyncOutcome(async () => {
            const layout = await OciLayout.create(out);
            const target = layoutTarget(layout, NO_RETRY);
            return copy(fakeSource(root, rootBytes, extra), target, root, { tags: ["latest"] });
          });
          const tree = await listTree(caseDir);
          const stray = tree.filter((p) => p !== "sentinel" && p !== "out" && !(p.startsWith("out/") && LAYOUT_NAME.test(p.slice(4))));
          expect(stray).toEqual([]);
        } finally {
          await rm(caseDir, { recursive: true, force: true });
        }
      }),
      { numRuns: 200 },
    );
  });

  it("push from a layout: mutated manifests and index.json in the source layout copy or fail with a WasmpackError; nothing lands outside the target", async () => {
    // One source layout holding the real graph; each case adds its root and rewrites index.json.
    const srcDir = join(work, "push-src");
    const src = await OciLayout.create(srcDir);
    for (const bytes of [...BLOBS.values(), ...MANIFESTS.values()]) await src.writeBlob(Readable.from([Buffer.from(bytes)]));
    await fc.assert(
      fc.asyncProperty(manifestBytes, fc.boolean(), fc.constantFrom(undefined, "latest", "0.1.0-wasm"), async (rootBytes, underSha512, tag) => {
        const caseDir = await mkdtemp(join(work, "push-"));
        try {
          let root = await src.writeBlob(Readable.from([Buffer.from(rootBytes)]));
          if (underSha512) {
            // A name the bytes do not hash to, in the algorithm the layout cannot take from its path.
            root = { digest: `sha512:${root.digest.slice(7)}${root.digest.slice(7)}` as Digest, size: root.size };
            await mkdir(join(srcDir, "blobs", "sha512"), { recursive: true });
            await writeFile(src.blobPath(root.digest), rootBytes);
          }
          await writeFile(join(srcDir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: MediaType.ImageManifest, ...root, annotations: { [Annotation.RefName]: "latest" } }] }));
          await writeFile(join(caseDir, "sentinel"), "x");
          await asyncOutcome(async () => {
            const from = layoutSource(src);
            const top = await from.resolve(tag);
            return copy(from, layoutTarget(await OciLayout.create(join(caseDir, "dst")), NO_RETRY), top, { tags: ["pushed"] });
          });
          // The source is only read.
          expect((await listTree(srcDir)).filter((p) => !LAYOUT_NAME.test(p))).toEqual([]);
          const stray = (await listTree(caseDir)).filter((p) => p !== "sentinel" && !/^dst(\/|$)/.test(p));
          expect(stray).toEqual([]);
          const dst = (await listTree(caseDir)).filter((p) => p.startsWith("dst/"));
          expect(dst.filter((p) => !LAYOUT_NAME.test(p.slice(4)))).toEqual([]);
        } finally {
          await rm(caseDir, { recursive: true, force: true });
        }
      }),
      { numRuns: 200 },
    );
  });

  it("layout index.json: resolve and tag give a descriptor or a WasmpackError", async () => {
    const indexText = fc.oneof(
      { arbitrary: mutatedJsonText(docs.index, 5), weight: 4 },
      { arbitrary: mutatedBytes(index.bytes).map(text), weight: 2 },
      { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), weight: 1 },
    );
    const dir = join(work, "index-json");
    await OciLayout.create(dir);
    await fc.assert(
      fc.asyncProperty(indexText, fc.constantFrom(undefined, "0.1.0-wasm", "latest", wasmManifest.descriptor.digest), async (json, name) => {
        await writeFile(join(dir, "index.json"), json);
        const layout = await OciLayout.open(dir);
        const found = await asyncOutcome(() => layout.resolve(name));
        if (found.ok) await asyncOutcome(() => layout.tag("fuzz", found.value));
        else await asyncOutcome(() => layout.tag("fuzz", wasmManifest.descriptor));
      }),
      { numRuns: 300 },
    );
  });

  it("verify's layout reader: mutated index.json, manifest and config give an image or a WasmpackError", async () => {
    const dir = join(work, "verify-layout");
    const layout = await OciLayout.create(dir);
    for (const bytes of [...BLOBS.values(), ...MANIFESTS.values()]) await layout.writeBlob(Readable.from([Buffer.from(bytes)]));
    const indexJson = (manifests: Descriptor[]) => JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("index", "manifest", "manifest", "config", "index.json"), fc.oneof(manifestBytes, retypedManifest, retypedManifest), configBytes, async (what, mutated, config) => {
        let top: Descriptor;
        if (what === "index.json") {
          await mkdir(dir, { recursive: true });
          await writeFile(join(dir, "index.json"), mutated);
        } else {
          if (what === "config") {
            const c = await layout.writeBlob(Readable.from([Buffer.from(config)]));
            const m = encodeManifest({ config: { mediaType: MediaType.ImageConfig, ...c }, layers: [layerDescriptor(MediaType.LayerTar, tarLayer)] });
            await layout.writeEncoded(m);
            top = m.descriptor;
          } else {
            const info = await layout.writeBlob(Readable.from([Buffer.from(mutated)]));
            top = { mediaType: what === "index" ? MediaType.ImageIndex : MediaType.ImageManifest, ...info };
          }
          await writeFile(join(dir, "index.json"), indexJson([{ ...top, annotations: { [Annotation.RefName]: "t" } }]));
        }
        // verify's whole path: read the layout, then run every check on what it read.
        await asyncOutcome(async () => verifyImage((await openLayoutImage(dir, what === "index.json" ? undefined : "t")).contents));
      }),
      { numRuns: 600 },
    );
  });
});

describe("fuzz regressions: manifests", () => {
  it("a layout index stored under a sha512 name it does not hash to, listing itself, is an integrity error, not a copy that waits forever", async () => {
    // OciLayout.readBlob checked only sha256 names, so an index could list its own sha512 name
    // and the copy of a push awaited its own completion.
    const dir = join(work, "regression-sha512-cycle");
    const src = await OciLayout.create(join(dir, "src"));
    const self = { mediaType: MediaType.ImageIndex, digest: `sha512:${"a".repeat(128)}` as Digest, size: 0 };
    let body = "";
    for (let i = 0; i < 4; i++) {
      body = JSON.stringify({ schemaVersion: 2, manifests: [self] });
      self.size = Buffer.byteLength(body);
    }
    await mkdir(join(dir, "src", "blobs", "sha512"), { recursive: true });
    await writeFile(src.blobPath(self.digest), body);
    await src.tag("t", self);
    const outcome = await asyncOutcome(async () => copy(layoutSource(src), layoutTarget(await OciLayout.create(join(dir, "dst")), NO_RETRY), self, { tags: ["t"] }), 3000);
    expect(!outcome.ok && outcome.error).toMatchObject({ name: "WasmpackError", kind: "integrity" });
  });

  const rejects = (doc: unknown) => {
    const outcome = syncOutcome(() => parseManifest(bytesOf(JSON.stringify(doc)), undefined, "fuzz"));
    expect(!outcome.ok && (outcome.error as WasmpackError).code).toBe("MANIFEST_INVALID");
  };

  it("an index entry whose platform holds a non-string is refused (verify threw a TypeError converting it)", async () => {
    // Found by the verify property: {"architecture":{"toString":{}}} made isWasmPlatform throw.
    const doc = structuredClone(docs.index) as { manifests: { platform: unknown }[] };
    doc.manifests[0]!.platform = { os: "wasip1", architecture: { toString: {} } };
    rejects(doc);
    doc.manifests[0]!.platform = "wasip1/wasm";
    rejects(doc);
    doc.manifests[0]!.platform = null;
    expect(parseManifest(bytesOf(JSON.stringify(doc)), undefined, "fuzz").kind).toBe("index");

    const dir = join(work, "regression-platform");
    const layout = await OciLayout.create(dir);
    doc.manifests[0]!.platform = { os: "wasip1", architecture: { toString: {} } };
    const info = await layout.writeBlob(Readable.from([Buffer.from(JSON.stringify(doc))]));
    await layout.tag("t", { mediaType: MediaType.ImageIndex, ...info });
    await expect(openLayoutImage(dir, "t")).rejects.toMatchObject({ name: "WasmpackError", code: "MANIFEST_INVALID" });
  });

  it("annotations that are not strings are refused, on the manifest and on descriptors (verify printed them)", () => {
    // `${variant}` in verify's annotation check threw on {"toString":1}.
    const manifest = structuredClone(docs.compat) as { annotations: unknown; layers: { annotations?: unknown }[] };
    manifest.annotations = { "module.wasm.image/variant": { toString: 1 } };
    rejects(manifest);
    manifest.annotations = "compat";
    rejects(manifest);
    manifest.annotations = null;
    manifest.layers[0]!.annotations = { [Annotation.Title]: ["hello.wasm"] };
    rejects(manifest);
    manifest.layers[0]!.annotations = { [Annotation.Title]: "hello.wasm" };
    expect(parseManifest(bytesOf(JSON.stringify(manifest)), undefined, "fuzz").kind).toBe("manifest");
  });
});
