import { encodeJson, sortedRecord, type EncodedBlob } from "./descriptor.js";
import type { Digest } from "./digest.js";
import { MediaType } from "./media-types.js";
import type { Platform } from "./platform.js";

/** image-spec `config.md`: the fields wasmpack writes. */
export interface ImageConfig {
  created?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: {
    Env?: string[];
    Entrypoint?: string[];
    Cmd?: string[];
    WorkingDir?: string;
    Labels?: Record<string, string>;
    ExposedPorts?: Record<string, Record<string, never>>;
  };
  rootfs: { type: "layers"; diff_ids: Digest[] };
  history?: { created?: string; created_by?: string; comment?: string; empty_layer?: boolean }[];
}

export interface ImageConfigInput {
  platform: Platform;
  diffIds: readonly Digest[];
  entrypoint?: readonly string[];
  cmd?: readonly string[];
  env?: readonly string[];
  workingDir?: string;
  labels?: Record<string, string>;
  /** RFC 3339; omitted when undefined so no wall clock ever reaches the config. */
  created?: string;
  createdBy?: string;
}

export function encodeImageConfig(input: ImageConfigInput): EncodedBlob {
  const runConfig: NonNullable<ImageConfig["config"]> = {};
  if (input.env?.length) runConfig.Env = [...input.env];
  if (input.entrypoint) runConfig.Entrypoint = [...input.entrypoint];
  if (input.cmd) runConfig.Cmd = [...input.cmd];
  if (input.workingDir) runConfig.WorkingDir = input.workingDir;
  if (input.labels && Object.keys(input.labels).length > 0) runConfig.Labels = sortedRecord(input.labels);
  const config: ImageConfig = {
    ...(input.created ? { created: input.created } : {}),
    architecture: input.platform.architecture,
    os: input.platform.os,
    ...(input.platform.variant ? { variant: input.platform.variant } : {}),
    config: runConfig,
    rootfs: { type: "layers", diff_ids: [...input.diffIds] },
    ...(input.createdBy
      ? { history: [{ ...(input.created ? { created: input.created } : {}), created_by: input.createdBy }] }
      : {}),
  };
  return encodeJson(MediaType.ImageConfig, config);
}

/** RFC 3339 time of a `SOURCE_DATE_EPOCH` value (seconds). */
export function epochToRfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z");
}
