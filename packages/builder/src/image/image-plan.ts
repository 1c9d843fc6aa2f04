import type { Platform } from "@wasmpack/registry/oci";
import type { ManifestPlan } from "./manifest-plan.js";

/** A file placed in the image: its path inside the image (relative to `/`) and where its bytes come from. */
export type ImageFile =
  | { path: string; mode: number; fromFile: string; size: number }
  | { path: string; mode: number; bytes: Uint8Array }
  | { path: string; directory: true };

/** Everything needed to write a single-layer FROM-scratch image: pure data, no I/O. */
export interface ImagePlan {
  files: ImageFile[];
  platform: Platform;
  entrypoint: string[];
  workingDir: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Seconds since the epoch for file mtimes and `created`. */
  sourceDateEpoch: number;
}

/**
 * A single-layer FROM-scratch image as a manifest plan: one tar+gzip layer of the files, an OCI
 * image config with that layer's diff_id and the given `created`.
 */
export function rootfsManifestPlan(plan: ImagePlan, created: string): ManifestPlan {
  return {
    layers: [{ kind: "tar-gzip", files: plan.files, mtime: plan.sourceDateEpoch }],
    config: {
      kind: "image",
      input: {
        platform: plan.platform,
        entrypoint: plan.entrypoint,
        workingDir: plan.workingDir,
        labels: plan.labels,
        created,
        createdBy: "wasmpack build",
      },
    },
    annotations: plan.annotations,
  };
}

export const WASM_MODE = 0o755;
export const DATA_MODE = 0o644;

/** OCI standard annotations (image-spec `annotations.md`) from project metadata; empty values dropped. */
export function standardAnnotations(meta: {
  title: string;
  version?: string | undefined;
  description?: string | undefined;
  authors?: readonly string[];
  source?: string | undefined;
  url?: string | undefined;
  licenses?: string | undefined;
}): Record<string, string> {
  const entries: [string, string | undefined][] = [
    ["org.opencontainers.image.title", meta.title],
    ["org.opencontainers.image.version", meta.version],
    ["org.opencontainers.image.description", meta.description],
    ["org.opencontainers.image.authors", meta.authors?.length ? meta.authors.join(", ") : undefined],
    ["org.opencontainers.image.source", meta.source],
    ["org.opencontainers.image.url", meta.url],
    ["org.opencontainers.image.licenses", meta.licenses],
  ];
  return Object.fromEntries(entries.filter((e): e is [string, string] => Boolean(e[1])));
}
