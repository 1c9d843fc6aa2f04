import type { BuildSettings } from "../project/settings.js";
import { DATA_MODE, WASM_MODE, type ImageFile, type ImagePlan } from "./image-plan.js";

/**
 * The spin.toml layout that containerd-shim-spin loads from the rootfs (formats.md section D):
 * `/spin.toml` at the root and every component's wasm at the path its `source` names.
 * Entrypoint `/` also selects crun's spin handler.
 */
export function planSpinLayoutImage(input: {
  manifestText: string;
  components: { sourcePath: string; fromFile: string; size: number }[];
  /** Files of the mounted `files` directories and an optional runtime-config.toml. */
  extraFiles: ImageFile[];
  settings: BuildSettings;
  annotations: Record<string, string>;
}): ImagePlan {
  const seen = new Set<string>();
  const wasmFiles: ImageFile[] = [];
  for (const component of input.components) {
    if (seen.has(component.sourcePath)) continue; // two components may share one module
    seen.add(component.sourcePath);
    wasmFiles.push({ path: component.sourcePath, mode: WASM_MODE, fromFile: component.fromFile, size: component.size });
  }
  const manifest: ImageFile = { path: "spin.toml", mode: DATA_MODE, bytes: new TextEncoder().encode(input.manifestText) };
  const files = [manifest, ...wasmFiles, ...input.extraFiles.filter((f) => !seen.has(f.path) && f.path !== "spin.toml")];
  return {
    files,
    platform: input.settings.platform,
    entrypoint: ["/"],
    workingDir: "/",
    labels: input.settings.labels,
    annotations: { ...input.annotations, ...input.settings.annotations },
    sourceDateEpoch: input.settings.sourceDateEpoch,
  };
}
