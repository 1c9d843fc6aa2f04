import { describe, expect, it } from "vitest";
import { classifyImage } from "@wasmpack/builder";
import { MediaType, type Descriptor, type ImageManifest } from "@wasmpack/registry/oci";

const blob = (mediaType: string, n = 1): Descriptor => ({ mediaType, digest: `sha256:${String(n).repeat(64)}` as Descriptor["digest"], size: 1 });
const manifest = (layers: string[], extra: Partial<ImageManifest> = {}): ImageManifest => ({
  schemaVersion: 2,
  mediaType: MediaType.ImageManifest,
  config: blob(MediaType.ImageConfig, 9),
  layers: layers.map((t, i) => blob(t, i + 1)),
  ...extra,
});
const config = (os: string, architecture: string, run: Record<string, unknown> = {}) => ({ os, architecture, config: run, rootfs: { type: "layers", diff_ids: [] } });
const TAR = MediaType.LayerTarGzip;

describe("classifyImage", () => {
  it("names compat images by their variant annotation", () => {
    for (const variant of ["compat", "compat-smart"]) {
      const m = manifest([TAR], { annotations: { "module.wasm.image/variant": variant } });
      expect(classifyImage(m, config("wasi", "wasm", { Entrypoint: ["/app.wasm"] }))).toBe(variant);
      // The annotation decides even on the linux/amd64 escape hatch.
      expect(classifyImage(m, config("linux", "amd64", { Entrypoint: ["/app.wasm"] }))).toBe(variant);
    }
  });

  it("takes an unannotated wasi/wasm rootfs by what its entrypoint needs", () => {
    expect(classifyImage(manifest([TAR]), config("wasip1", "wasm", { Entrypoint: ["/app.wasm"] }))).toBe("compat-smart");
    expect(classifyImage(manifest([TAR]), config("wasi", "wasm32", { Cmd: ["/app"] }))).toBe("compat");
  });

  it("finds the spin.toml layout by /spin.toml when the files are known, by entrypoint / otherwise", () => {
    const m = manifest([TAR]);
    expect(classifyImage(m, config("wasi", "wasm", { Entrypoint: ["/"] }))).toBe("spin-layout");
    expect(classifyImage(m, config("wasi", "wasm"))).toBe("spin-layout"); // SpinKube's images set no entrypoint
    expect(classifyImage(m, config("wasi", "wasm"), new Set(["spin.toml", "app.wasm"]))).toBe("spin-layout");
    expect(classifyImage(m, config("wasi", "wasm", { Entrypoint: ["/"] }), new Set(["app.wasm"]))).toBe("compat");
    const annotated = manifest([TAR], { annotations: { "module.wasm.image/variant": "compat-smart" } });
    expect(classifyImage(annotated, config("wasi", "wasm", { Entrypoint: ["/"] }), new Set(["spin.toml"]))).toBe("spin-layout");
  });

  it("recognises what spin registry push writes, old and new", () => {
    const current = manifest([MediaType.SpinWasmLayer, MediaType.SpinDataLayer, MediaType.SpinLockedApp]);
    expect(classifyImage(current, config("wasip1", "wasm", { Labels: { "com.fermyon.spin.lockedAppDigest": "sha256:x" } }))).toBe("spin-artifact");
    const spin1 = { ...manifest([MediaType.SpinWasmLayer]), config: blob(MediaType.SpinLockedApp, 8) };
    expect(classifyImage(spin1, {})).toBe("spin-artifact");
  });

  it("recognises raw wasm layers: the CNCF artifact and runwasi's OCI-layer images", () => {
    const cncf = { ...manifest([MediaType.Wasm]), config: blob(MediaType.WasmConfig, 8) };
    expect(classifyImage(cncf, { architecture: "wasm", os: "wasip2", layerDigests: [] })).toBe("wasm-artifact");
    expect(classifyImage(manifest([MediaType.RunwasiComponentLayer]), config("wasip1", "wasm", { Entrypoint: ["app.wasm"] }))).toBe("wasm-artifact");
  });

  it("calls anything else not-wasm", () => {
    expect(classifyImage(manifest([TAR]), config("linux", "amd64", { Entrypoint: ["/usr/sbin/nginx"] }))).toBe("not-wasm");
    expect(classifyImage(manifest([TAR], { annotations: { "module.wasm.image/variant": "yes" } }), config("linux", "arm64"))).toBe("not-wasm");
  });
});
