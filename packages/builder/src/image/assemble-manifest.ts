import { OciLayout } from "@wasmpack/registry/layout";
import { encodeImageConfig, encodeManifest, type Descriptor, type Digest } from "@wasmpack/registry/oci";
import { writeBlobLayer } from "./blob-layer.js";
import type { LayerPlan, ManifestPlan } from "./manifest-plan.js";
import { writeTarGzipLayer } from "./tar-gzip-layer.js";

export interface AssembledImage {
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
  /** Bytes a registry stores for this image: manifest, config and layers. */
  size: number;
}

/** Writes the plan's layers (in order), then its config and manifest, into the layout (untagged). */
export async function assembleManifest(plan: ManifestPlan, layout: OciLayout): Promise<AssembledImage> {
  const layers: Descriptor[] = [];
  const diffIds: Digest[] = [];
  for (const layer of plan.layers) {
    const written = await writeLayer(layout, layer);
    layers.push(written.descriptor);
    if (written.diffId) diffIds.push(written.diffId);
  }
  const config = plan.config.kind === "encoded" ? plan.config.blob : encodeImageConfig({ ...plan.config.input, diffIds });
  const manifest = encodeManifest({ config: config.descriptor, layers, annotations: plan.annotations });
  await layout.writeEncoded(config);
  await layout.writeEncoded(manifest);
  return {
    manifest: manifest.descriptor,
    config: config.descriptor,
    layers,
    size: manifest.descriptor.size + config.descriptor.size + layers.reduce((sum, l) => sum + l.size, 0),
  };
}

async function writeLayer(layout: OciLayout, layer: LayerPlan): Promise<{ descriptor: Descriptor; diffId?: Digest }> {
  const withAnnotations = (d: Descriptor): Descriptor => (layer.annotations ? { ...d, annotations: layer.annotations } : d);
  if (layer.kind === "blob") return { descriptor: withAnnotations(await writeBlobLayer(layout, layer.mediaType, layer.content)) };
  const written = await writeTarGzipLayer(layout, layer.files, layer.mtime, layer.mediaType);
  return { descriptor: withAnnotations(written.descriptor), diffId: written.diffId };
}
