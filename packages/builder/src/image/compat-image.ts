import { Annotation } from "@wasmpack/registry/oci";
import type { BuildSettings } from "../project/settings.js";
import { WASM_MODE, type ImagePlan } from "./image-plan.js";

/**
 * The crun + WasmEdge "compat" image (formats.md section A): one layer holding `/<name>.wasm`,
 * that file as the entrypoint, and `module.wasm.image/variant` on the manifest. compat-smart
 * makes crun check the `.wasm` suffix of the entrypoint, which this layout always has.
 */
export function planCompatImage(input: {
  wasm: { name: string; fromFile: string; size: number };
  settings: BuildSettings;
  annotations: Record<string, string>;
}): ImagePlan {
  const { wasm, settings } = input;
  const file = `${wasm.name}.wasm`;
  return {
    files: [{ path: file, mode: WASM_MODE, fromFile: wasm.fromFile, size: wasm.size }],
    platform: settings.platform,
    entrypoint: [`/${file}`],
    workingDir: "/",
    labels: settings.labels,
    annotations: { ...input.annotations, [Annotation.WasmVariant]: settings.variant, ...settings.annotations },
    sourceDateEpoch: settings.sourceDateEpoch,
  };
}
