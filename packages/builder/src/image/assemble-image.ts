import { OciLayout } from "@wasmpack/registry/layout";
import { encodeImageConfig, encodeManifest, epochToRfc3339, type Descriptor } from "@wasmpack/registry/oci";
import type { ImagePlan } from "./image-plan.js";
import { writeTarGzipLayer } from "./tar-gzip-layer.js";

export interface AssembledImage {
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
  /** Bytes a registry stores for this image: manifest, config and compressed layers. */
  size: number;
}

/** Writes the plan's layer, config and manifest into the layout (untagged). */
export async function assembleImage(plan: ImagePlan, layout: OciLayout): Promise<AssembledImage> {
  const layer = await writeTarGzipLayer(layout, plan.files, plan.sourceDateEpoch);
  const created = epochToRfc3339(plan.sourceDateEpoch);
  const config = encodeImageConfig({
    platform: plan.platform,
    diffIds: [layer.diffId],
    entrypoint: plan.entrypoint,
    workingDir: plan.workingDir,
    labels: plan.labels,
    created,
    createdBy: "wasmpack build",
  });
  const manifest = encodeManifest({ config: config.descriptor, layers: [layer.descriptor], annotations: plan.annotations });
  await layout.writeEncoded(config);
  await layout.writeEncoded(manifest);
  return {
    manifest: manifest.descriptor,
    config: config.descriptor,
    layers: [layer.descriptor],
    size: manifest.descriptor.size + config.descriptor.size + layer.descriptor.size,
  };
}
