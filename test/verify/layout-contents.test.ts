// The layout reader applied to images wasmpack does not write itself: several layers, whiteouts,
// links, a corrupted blob. Layers are made with tar-stream, as other tools' images would be.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createGzip } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { imageContentsFromLayout, openLayoutImage, verifyImage } from "@wasmpack/builder";
import { OciLayout } from "@wasmpack/registry/layout";
import { MediaType, encodeImageConfig, encodeManifest, type Descriptor, type Digest } from "@wasmpack/registry/oci";
import { tempDir } from "../support/temp.js";
import { wat } from "../../packages/builder/test/support/wat.js";
import { importFromBuilder } from "../support/builder-deps.js";

type TarStream = typeof import("tar-stream");
type Entry = { name: string; type?: "file" | "directory" | "symlink" | "link"; body?: string | Uint8Array; linkname?: string };

let dir: string;
let tar: TarStream;
let module: Uint8Array;

beforeAll(async () => {
  dir = await tempDir("wasmpack-layout-contents-");
  tar = await importFromBuilder<TarStream>("tar-stream");
  module = await wat('(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32))) (func (export "_start")))');
});

async function tarGzip(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    const body = e.body === undefined ? undefined : Buffer.from(e.body);
    pack.entry({ name: e.name, type: e.type ?? "file", mode: 0o755, ...(e.linkname ? { linkname: e.linkname } : {}) }, body);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack.pipe(createGzip())) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Writes a multi-layer image with the given entrypoint; returns the layout and its layers' descriptors. */
async function writeImage(name: string, layers: Entry[][], entrypoint: string[], annotations: Record<string, string> = { "module.wasm.image/variant": "compat-smart" }) {
  const layout = await OciLayout.create(join(dir, name));
  const descriptors: Descriptor[] = [];
  for (const entries of layers) {
    const bytes = await tarGzip(entries);
    const info = await layout.writeBlob(Readable.from([bytes]));
    descriptors.push({ mediaType: MediaType.LayerTarGzip, ...info });
  }
  const config = encodeImageConfig({ platform: { os: "wasi", architecture: "wasm" }, diffIds: descriptors.map((d) => d.digest as Digest), entrypoint, workingDir: "/" });
  const manifest = encodeManifest({ config: config.descriptor, layers: descriptors, annotations });
  await layout.writeEncoded(config);
  await layout.writeEncoded(manifest);
  await layout.tag("t", manifest.descriptor);
  return { layout: layout.dir, descriptors, store: layout };
}

describe("reading an OCI layout's rootfs", () => {
  it("applies later layers, whiteouts (plain and opaque) and links", async () => {
    const { layout } = await writeImage(
      "layers",
      [
        [
          { name: "app.wasm", body: module },
          { name: "old.wasm", body: module },
          { name: "static/", type: "directory" },
          { name: "static/a.txt", body: "a" },
          { name: "keep/b.txt", body: "b" },
        ],
        [
          { name: ".wh.old.wasm", body: "" },
          { name: "static/.wh..wh..opq", body: "" },
          { name: "static/c.txt", body: "c" },
          { name: "bin/", type: "directory" },
          { name: "bin/server.wasm", type: "symlink", linkname: "../app.wasm" },
          { name: "hard.wasm", type: "link", linkname: "app.wasm" },
        ],
      ],
      ["/bin/server.wasm"],
    );
    const contents = await imageContentsFromLayout(layout, "t");
    expect([...contents.files.keys()].sort()).toEqual(["app.wasm", "bin/server.wasm", "hard.wasm", "keep/b.txt", "static/c.txt"]);
    expect([...contents.directories].sort()).toEqual(["bin", "keep", "static"]);
    expect(Buffer.from(await contents.files.get("bin/server.wasm")!.read()).equals(Buffer.from(module))).toBe(true);
    // Not a wasm file and not the entrypoint: not kept on the first pass, read again from its layer.
    expect(new TextDecoder().decode(await contents.files.get("keep/b.txt")!.read())).toBe("b");

    const report = await verifyImage(contents);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.checks.find((c) => c.name === "entrypoint")?.reason).toBe("/bin/server.wasm is in the image (" + module.byteLength + " bytes)");
  });

  it("reports the manifest, config and kind as stored", async () => {
    const { layout } = await writeImage("plain", [[{ name: "app.wasm", body: module }]], ["/app.wasm"]);
    const image = await openLayoutImage(layout);
    expect(image.kind).toBe("compat-smart");
    expect(image.digest).toMatch(/^sha256:/);
    expect(image.config["architecture"]).toBe("wasm");
    expect(image.contents.entrypoint).toEqual(["/app.wasm"]);
  });

  it("refuses a layer whose bytes do not hash to its digest", async () => {
    const { layout, descriptors, store } = await writeImage("corrupt", [[{ name: "app.wasm", body: module }]], ["/app.wasm"]);
    const other = await tarGzip([{ name: "app.wasm", body: await wat("(module)") }]);
    await writeFile(store.blobPath(descriptors[0]!.digest as Digest), other);
    await expect(imageContentsFromLayout(layout, "t")).rejects.toMatchObject({ kind: "integrity", code: "DIGEST_MISMATCH" });
  });

  it("refuses a layer that is not a tar+gzip archive", async () => {
    const { layout, descriptors, store } = await writeImage("garbage", [[{ name: "app.wasm", body: module }]], ["/app.wasm"]);
    const path = store.blobPath(descriptors[0]!.digest as Digest);
    const bytes = await readFile(path);
    bytes.fill(0x41, 20);
    await writeFile(path, bytes);
    await expect(imageContentsFromLayout(layout, "t")).rejects.toMatchObject({ kind: "input", code: "LAYER_UNREADABLE" });
  });
});
