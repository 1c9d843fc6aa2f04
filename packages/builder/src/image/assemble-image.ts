import { OciLayout } from "@wasmpack/registry/layout";
import { epochToRfc3339 } from "@wasmpack/registry/oci";
import { assembleManifest, type AssembledImage } from "./assemble-manifest.js";
import type { ImagePlan } from "./image-plan.js";
import type { ManifestPlan } from "./manifest-plan.js";

export type { AssembledImage } from "./assemble-manifest.js";

/**
 * A single-layer FROM-scratch image as a manifest plan: one tar+gzip layer of the files, an OCI
 * image config with that layer's diff_id, `created` from `SOURCE_DATE_EPOCH` unless given.
 */
export function rootfsManifestPlan(plan: ImagePlan, created = epochToRfc3339(plan.sourceDateEpoch)): ManifestPlan {
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

/** Writes the plan's layer, config and manifest into the layout (untagged). */
export function assembleImage(plan: ImagePlan, layout: OciLayout): Promise<AssembledImage> {
  return assembleManifest(rootfsManifestPlan(plan), layout);
}
