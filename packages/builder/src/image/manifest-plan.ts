import type { Digest, EncodedBlob, ImageConfigInput } from "@wasmpack/registry/oci";
import type { ImageFile } from "./image-plan.js";

/** Bytes for a raw-blob layer: a file on disk or bytes in memory. A known digest is checked as the blob is written. */
export type BlobContent = { fromFile: string; size: number; digest?: Digest } | { bytes: Uint8Array };

/**
 * One layer of a manifest:
 * - `tar-gzip`: files packed into a reproducible tar+gzip (rootfs images, Spin archive bundles);
 * - `blob`: content stored as is (raw wasm, Spin data files, the Spin locked app).
 */
export type LayerPlan =
  | { kind: "tar-gzip"; mediaType?: string; files: ImageFile[]; mtime: number; annotations?: Record<string, string> }
  | { kind: "blob"; mediaType: string; content: BlobContent; annotations?: Record<string, string> };

/**
 * The config blob:
 * - `image`: an OCI image config whose `rootfs.diff_ids` are those of the tar layers, known once written;
 * - `encoded`: bytes fixed at planning time (Wasm artifact configs, Spin's config with empty diff_ids).
 */
export type ConfigPlan = { kind: "image"; input: Omit<ImageConfigInput, "diffIds"> } | { kind: "encoded"; blob: EncodedBlob };

/** Everything needed to write one manifest with its config and layers: pure data, no I/O. */
export interface ManifestPlan {
  layers: LayerPlan[];
  config: ConfigPlan;
  annotations: Record<string, string>;
}
