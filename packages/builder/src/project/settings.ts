import { isAbsolute, join, resolve } from "node:path";
import { WasmpackError } from "@wasmpack/registry/errors";
import { isValidTag, parsePlatform, type Platform } from "@wasmpack/registry/oci";
import { WASM_VARIANTS, type WasmVariant } from "../kubernetes/cluster-runtime.js";
import { isTable, type TomlTable } from "./toml.js";

const RUNTIMES = ["wasmedge", "spin"] as const;
export type Runtime = (typeof RUNTIMES)[number];

/** Build options as the user wrote them (flags), before merging. */
export interface BuildFlags {
  runtime?: string;
  variant?: string;
  platform?: string;
  target?: string;
  tag?: string;
  output?: string;
  ociArchive?: string;
  bin?: string;
  annotations?: string[];
  labels?: string[];
  /** `false` skips the static checks `build` runs before writing (`--no-verify`). */
  verify?: boolean;
  /** The SBOM attached to each image: `spdx` (default) or `cyclonedx`; `false` for none (`--no-sbom`). */
  sbom?: string | false;
  /** `false` attaches no SLSA provenance (`--no-provenance`). */
  provenance?: boolean;
}

export interface BuildSettings {
  runtime: Runtime;
  variant: WasmVariant;
  platform: Platform;
  target?: string;
  tag: string;
  output: string;
  ociArchive?: string;
  bin?: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  /** Seconds since the epoch for every timestamp in the image (`SOURCE_DATE_EPOCH`, default 0). */
  sourceDateEpoch: number;
}

export interface SettingsInput {
  dir: string;
  flags: BuildFlags;
  env: Record<string, string | undefined>;
  /** `[package.metadata.wasmpack]` from Cargo.toml, if any. */
  metadata: TomlTable;
  metadataFile?: string;
  defaults: { runtime: Runtime; tag: string };
}

const KEYS = ["runtime", "variant", "platform", "target", "tag", "output", "bin"] as const;
type Key = (typeof KEYS)[number];
const ENV: Record<Key, string> = {
  runtime: "WASMPACK_RUNTIME",
  variant: "WASMPACK_VARIANT",
  platform: "WASMPACK_PLATFORM",
  target: "WASMPACK_TARGET",
  tag: "WASMPACK_TAG",
  output: "WASMPACK_OUTPUT",
  bin: "WASMPACK_BIN",
};

/** Merges settings once: flags > environment (`WASMPACK_*`) > `[package.metadata.wasmpack]` > defaults. */
export function resolveSettings(input: SettingsInput): BuildSettings {
  const { flags, env, metadata } = input;
  const metaWhere = `${input.metadataFile ?? "Cargo.toml"} [package.metadata.wasmpack]`;
  const pick = (key: Key): { value: string; origin: string } | undefined => {
    const flag = flags[key];
    if (flag !== undefined) return { value: flag, origin: `--${key}` };
    const fromEnv = env[ENV[key]];
    if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, origin: ENV[key] };
    const fromMeta = metadata[key];
    if (fromMeta === undefined) return undefined;
    if (typeof fromMeta !== "string") fail(`${metaWhere} ${key} must be a string`);
    return { value: fromMeta, origin: `${metaWhere} ${key}` };
  };
  const oneOf = <T extends string>(key: Key, allowed: readonly T[], fallback: T): T => {
    const got = pick(key);
    if (!got) return fallback;
    if (!(allowed as readonly string[]).includes(got.value)) {
      fail(`${got.origin}: ${JSON.stringify(got.value)} is not one of ${allowed.join(", ")}`);
    }
    return got.value as T;
  };

  const platform = pick("platform");
  const tag = pick("tag")?.value ?? input.defaults.tag;
  if (!isValidTag(tag)) fail(`tag ${JSON.stringify(tag)} must match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}`);
  const output = pick("output")?.value;
  const target = pick("target")?.value;
  const bin = pick("bin")?.value;
  return {
    runtime: oneOf("runtime", RUNTIMES, input.defaults.runtime),
    variant: oneOf("variant", WASM_VARIANTS, "compat-smart"),
    platform: parsePlatform(platform?.value ?? "wasi/wasm"),
    ...(target ? { target } : {}),
    tag,
    output: output ? resolve(input.dir, output) : join(input.dir, "target", "wasmpack", "oci"),
    ...(flags.ociArchive ? { ociArchive: isAbsolute(flags.ociArchive) ? flags.ociArchive : resolve(flags.ociArchive) } : {}),
    ...(bin ? { bin } : {}),
    annotations: {
      ...metaRecord(metadata, "annotations", metaWhere),
      ...parsePairs(flags.annotations ?? [], "--annotation"),
    },
    labels: { ...metaRecord(metadata, "labels", metaWhere), ...parsePairs(flags.labels ?? [], "--label") },
    sourceDateEpoch: parseEpoch(env["SOURCE_DATE_EPOCH"]),
  };
}

/** `K=V` pairs as `--annotation` and `--label` take them. */
function parsePairs(pairs: readonly string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) fail(`${flag} ${JSON.stringify(pair)} must be KEY=VALUE`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function metaRecord(metadata: TomlTable, key: string, where: string): Record<string, string> {
  const value = metadata[key];
  if (value === undefined) return {};
  if (!isTable(value) || Object.values(value).some((v) => typeof v !== "string")) fail(`${where} ${key} must be a table of strings`);
  return value as Record<string, string>;
}

const LAST_RFC3339_SECOND = 253_402_300_799;

function parseEpoch(value: string | undefined): number {
  if (value === undefined || value === "") return 0;
  if (!/^\d+$/.test(value)) fail(`SOURCE_DATE_EPOCH ${JSON.stringify(value)} must be a whole number of seconds`);
  // Image configs carry it as an RFC 3339 time, whose years end at 9999.
  if (Number(value) > LAST_RFC3339_SECOND) fail(`SOURCE_DATE_EPOCH ${value} is after 9999-12-31T23:59:59Z (${LAST_RFC3339_SECOND}), the last time an image config can record`);
  return Number(value);
}

function fail(message: string): never {
  throw new WasmpackError("usage", "SETTING_INVALID", message);
}
