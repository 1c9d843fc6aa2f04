import { readFile } from "node:fs/promises";
import { WasmpackError } from "@wasmpack/registry/errors";
import { MediaType } from "@wasmpack/registry/oci";
import type { ImagePlan } from "../image/image-plan.js";
import { imagePath, parentDirectories, type ImageContents, type ImageFileEntry } from "./image-contents.js";

/**
 * The image a plan will produce, before anything is written: `build` verifies this, so a bad
 * image never reaches a layout. Files are read from disk only when a check asks.
 */
export function imageContentsFromPlan(plan: ImagePlan): ImageContents {
  const files = new Map<string, ImageFileEntry>();
  const directories = new Set<string>();
  for (const file of plan.files) {
    const path = imagePath(file.path);
    if ("directory" in file) {
      directories.add(path);
      continue;
    }
    parentDirectories(path).forEach((dir) => directories.add(dir));
    if ("bytes" in file) {
      const { bytes } = file;
      files.set(path, { size: bytes.byteLength, read: () => Promise.resolve(bytes) });
    } else {
      const { fromFile } = file;
      files.set(path, {
        size: file.size,
        read: () => readFile(fromFile).catch((cause: unknown) => Promise.reject(new WasmpackError("io", "IO", `cannot read ${fromFile}`, { cause }))),
      });
    }
  }
  return {
    platform: plan.platform,
    entrypoint: plan.entrypoint,
    workingDir: plan.workingDir,
    annotations: plan.annotations,
    labels: plan.labels,
    files,
    directories,
    layerMediaTypes: [MediaType.LayerTarGzip],
    configMediaType: MediaType.ImageConfig,
  };
}
