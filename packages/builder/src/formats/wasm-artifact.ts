import { Annotation, MediaType, encodeJson, type Digest } from "@wasmpack/registry/oci";
import type { ManifestPlan } from "../image/manifest-plan.js";
import type { ComponentWorld } from "../wasm/component-world.js";

/**
 * The config of a CNCF TAG-runtime Wasm OCI artifact (formats.md §4, section F), with the keys in
 * rust-oci-wasm's `WasmConfig` order and spelling. `component.target` is written as `null`, as
 * serde writes rust-oci-wasm's unset `Option`.
 */
export interface WasmArtifactConfig {
  created: string;
  author: string | null;
  architecture: "wasm";
  os: "wasip1" | "wasip2";
  layerDigests: Digest[];
  component: { exports: string[]; imports: string[]; target: string | null } | null;
}

export interface WasmArtifactInput {
  /** The file name in the layer's title annotation, without `.wasm`. */
  name: string;
  /** The packaged wasm (its digest is the one layer's). */
  wasm: { fromFile: string; size: number; digest: Digest };
  /** The decoded WIT world for a component; undefined for a core module. */
  world?: ComponentWorld;
  created: string;
  author?: string;
  annotations: Record<string, string>;
}

/** One `application/wasm` layer with its title, the `application/vnd.wasm.config.v0+json` config. */
export function planWasmArtifact(input: WasmArtifactInput): ManifestPlan {
  const { wasm, world } = input;
  const config: WasmArtifactConfig = {
    created: input.created,
    author: input.author ?? null,
    architecture: "wasm",
    os: world ? "wasip2" : "wasip1",
    layerDigests: [wasm.digest],
    component: world ? { exports: world.exports, imports: world.imports, target: null } : null,
  };
  return {
    layers: [
      {
        kind: "blob",
        mediaType: MediaType.Wasm,
        content: { fromFile: wasm.fromFile, size: wasm.size, digest: wasm.digest },
        annotations: { [Annotation.Title]: `${input.name}.wasm` },
      },
    ],
    config: { kind: "encoded", blob: encodeJson(MediaType.WasmConfig, config) },
    annotations: input.annotations,
  };
}
