import { describe, expect, it } from "vitest";
import { encodeImageConfig } from "./config.js";
import { sha256 } from "./digest.js";
import { encodeManifest, parseManifest } from "./manifest.js";
import { MediaType } from "./media-types.js";

const layer = { mediaType: MediaType.LayerTarGzip, digest: sha256(new Uint8Array([1])), size: 1 };

describe("manifest and config encoding", () => {
  it("describes exactly the bytes it produced, with mediaType set", () => {
    const config = encodeImageConfig({ platform: { os: "wasi", architecture: "wasm" }, diffIds: [layer.digest], entrypoint: ["/a.wasm"] });
    const manifest = encodeManifest({ config: config.descriptor, layers: [layer], annotations: { b: "2", a: "1" } });
    expect(manifest.descriptor.digest).toBe(sha256(manifest.bytes));
    expect(manifest.descriptor.size).toBe(manifest.bytes.byteLength);
    const parsed = JSON.parse(new TextDecoder().decode(manifest.bytes));
    expect(parsed.mediaType).toBe(MediaType.ImageManifest);
    expect(Object.keys(parsed.annotations)).toEqual(["a", "b"]);
    expect(parsed.config).toEqual(config.descriptor);
  });

  it("encodes the same input to the same bytes whatever the annotation order", () => {
    const config = encodeImageConfig({ platform: { os: "wasi", architecture: "wasm" }, diffIds: [], labels: { z: "1", a: "2" } });
    const a = encodeManifest({ config: config.descriptor, layers: [layer], annotations: { x: "1", y: "2" } });
    const b = encodeManifest({ config: config.descriptor, layers: [layer], annotations: { y: "2", x: "1" } });
    expect(a.descriptor.digest).toBe(b.descriptor.digest);
  });

  it("writes no created time unless given one", () => {
    const config = encodeImageConfig({ platform: { os: "wasi", architecture: "wasm" }, diffIds: [] });
    expect(new TextDecoder().decode(config.bytes)).not.toContain("created");
  });

  it("parses manifests and indexes and rejects broken ones naming where", () => {
    const manifest = encodeManifest({ config: layer, layers: [layer] });
    expect(parseManifest(manifest.bytes, undefined, "x").kind).toBe("manifest");
    const index = new TextEncoder().encode(JSON.stringify({ schemaVersion: 2, manifests: [manifest.descriptor] }));
    expect(parseManifest(index, undefined, "x").kind).toBe("index");
    expect(() => parseManifest(new TextEncoder().encode("{"), undefined, "ref a")).toThrow("ref a: manifest is not valid JSON");
    const bad = new TextEncoder().encode(JSON.stringify({ schemaVersion: 2, config: { ...layer, digest: "sha256:zz" }, layers: [] }));
    expect(() => parseManifest(bad, undefined, "ref a")).toThrow("ref a: config is not a valid descriptor");
  });
});
