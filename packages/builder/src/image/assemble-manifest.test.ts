import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { OciLayout } from "@wasmpack/registry/layout";
import { MediaType, encodeJson, sha256, type Digest } from "@wasmpack/registry/oci";
import { assembleManifest } from "./assemble-manifest.js";
import type { ManifestPlan } from "./manifest-plan.js";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function fixture() {
  const dir = await mkdtemp(join(tmpdir(), "wasmpack-assemble-"));
  dirs.push(dir);
  const file = join(dir, "app.wasm");
  const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  await writeFile(file, bytes);
  return { dir, file, bytes, layout: await OciLayout.create(join(dir, "oci")) };
}

describe("assembleManifest", () => {
  it("writes raw blobs as they are, tar+gzip layers with their media type, and diff_ids only for tar layers", async () => {
    const { file, bytes, layout } = await fixture();
    const plan: ManifestPlan = {
      layers: [
        { kind: "blob", mediaType: MediaType.Wasm, content: { fromFile: file, size: bytes.byteLength, digest: sha256(bytes) }, annotations: { "org.opencontainers.image.title": "app.wasm" } },
        { kind: "tar-gzip", mediaType: MediaType.SpinArchiveLayer, files: [{ path: "static/a.txt", mode: 0o644, bytes: new TextEncoder().encode("a") }], mtime: 0 },
        { kind: "blob", mediaType: MediaType.SpinLockedApp, content: { bytes: new TextEncoder().encode("{}") } },
      ],
      config: { kind: "image", input: { platform: { os: "wasip1", architecture: "wasm" } } },
      annotations: { "org.example": "x" },
    };
    const image = await assembleManifest(plan, layout);
    expect(image.layers.map((l) => l.mediaType)).toEqual([MediaType.Wasm, MediaType.SpinArchiveLayer, MediaType.SpinLockedApp]);
    expect(image.layers[0]).toEqual({ mediaType: MediaType.Wasm, digest: sha256(bytes), size: 8, annotations: { "org.opencontainers.image.title": "app.wasm" } });
    expect(new Uint8Array(await layout.readBlob(image.layers[0]!.digest))).toEqual(bytes);
    const tar = gunzipSync(await layout.readBlob(image.layers[1]!.digest));
    expect(tar.subarray(0, 7).toString()).toBe("static/");
    const config = JSON.parse((await layout.readBlob(image.config.digest)).toString());
    expect(config.rootfs.diff_ids).toEqual([sha256(tar)]);
    const manifest = JSON.parse((await layout.readBlob(image.manifest.digest)).toString());
    expect(manifest.layers).toEqual(image.layers);
    expect(image.size).toBe(image.manifest.size + image.config.size + image.layers.reduce((s, l) => s + l.size, 0));
  });

  it("keeps an encoded config byte for byte", async () => {
    const { layout } = await fixture();
    const config = encodeJson(MediaType.WasmConfig, { os: "wasip1" });
    const image = await assembleManifest({ layers: [], config: { kind: "encoded", blob: config }, annotations: {} }, layout);
    expect(image.config).toEqual(config.descriptor);
    expect(new Uint8Array(await layout.readBlob(config.descriptor.digest))).toEqual(config.bytes);
  });

  it("fails as an integrity error when a file changed after it was digested", async () => {
    const { file, bytes, layout } = await fixture();
    const stale = sha256(new TextEncoder().encode("before")) as Digest;
    const plan: ManifestPlan = {
      layers: [{ kind: "blob", mediaType: MediaType.Wasm, content: { fromFile: file, size: 8, digest: stale } }],
      config: { kind: "encoded", blob: encodeJson(MediaType.WasmConfig, {}) },
      annotations: {},
    };
    await expect(assembleManifest(plan, layout)).rejects.toMatchObject({ kind: "integrity" });
    expect(await layout.hasBlob(stale)).toBe(false);
    expect(await layout.hasBlob(sha256(bytes))).toBe(false);
  });
});
