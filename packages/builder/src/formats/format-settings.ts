import { WasmpackError } from "@wasmpack/registry/errors";
import { epochToRfc3339, isValidTag } from "@wasmpack/registry/oci";
import type { TomlTable } from "../project/toml.js";
import type { Runtime } from "../project/settings.js";
import { COMPONENT_ADAPTERS, type ComponentAdapter } from "../wasm/componentize.js";
import { DEFAULT_TAG_SUFFIX, FORMATS, RUNTIME_FORMAT, isFormat, type Format } from "./formats.js";

/** The format and wasm flags as the user wrote them. */
export interface FormatFlags {
  /** `--format`, repeatable; each value may also be a comma-separated list. */
  format?: string[];
  /** `--tag-suffix FORMAT=SUFFIX`, repeatable. */
  tagSuffix?: string[];
  component?: string;
  /** `--strip` / `--no-strip`; undefined when neither was given. */
  strip?: boolean;
  optimize?: boolean;
  /** `--created now|RFC3339`. */
  created?: string;
}

export interface FormatSettings {
  /** Every format to write with its tag; the first is the primary image. */
  images: { format: Format; tag: string }[];
  component?: ComponentAdapter;
  strip: boolean;
  optimize: boolean;
  /** `created` for image configs: `--created`, else `SOURCE_DATE_EPOCH` (default 0). */
  created: string;
  /** The `org.opencontainers.image.created` annotation of the artifacts: only when asked for. */
  createdAnnotation?: string;
}

export interface FormatSettingsInput {
  flags: FormatFlags;
  env: Record<string, string | undefined>;
  metadata: TomlTable;
  metadataFile?: string;
  runtime: Runtime;
  tag: string;
  sourceDateEpoch: number;
  now?: () => Date;
}

/** Merges once, as the other settings: flags > environment > `[package.metadata.wasmpack]` > defaults. */
export function resolveFormatSettings(input: FormatSettingsInput): FormatSettings {
  const { flags, env } = input;
  const metaWhere = `${input.metadataFile ?? "Cargo.toml"} [package.metadata.wasmpack]`;
  const meta = (key: string) => ({ value: input.metadata[key], origin: `${metaWhere} ${key}` });

  const formats = pickFormats(flags.format, env["WASMPACK_FORMAT"], meta("format")) ?? [RUNTIME_FORMAT[input.runtime]];
  const suffixes = parseSuffixes(flags.tagSuffix ?? []);
  const images = formats.map((format, i) => {
    const suffix = suffixes.get(format) ?? (i === 0 ? undefined : DEFAULT_TAG_SUFFIX[format]);
    const tag = suffix === undefined ? input.tag : `${input.tag}-${suffix}`;
    if (!isValidTag(tag)) fail(`the tag ${JSON.stringify(tag)} of format ${format} must match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}`);
    return { format, tag };
  });
  const clash = images.find((a, i) => images.findIndex((b) => b.tag === a.tag) !== i);
  if (clash) fail(`two formats would share the tag ${JSON.stringify(clash.tag)}; give one another suffix with --tag-suffix FORMAT=SUFFIX`);

  const component = pickString(flags.component, "--component", env["WASMPACK_COMPONENT"], "WASMPACK_COMPONENT", meta("component"));
  if (component && !(COMPONENT_ADAPTERS as readonly string[]).includes(component.value)) {
    fail(`${component.origin}: ${JSON.stringify(component.value)} is not one of ${COMPONENT_ADAPTERS.join(", ")}`);
  }
  const created = flags.created === undefined ? undefined : parseCreated(flags.created, input.now ?? (() => new Date()));
  const epochSet = env["SOURCE_DATE_EPOCH"] !== undefined && env["SOURCE_DATE_EPOCH"] !== "";
  return {
    images,
    ...(component ? { component: component.value as ComponentAdapter } : {}),
    strip: pickBoolean(flags.strip, "--strip", env["WASMPACK_STRIP"], "WASMPACK_STRIP", meta("strip")) ?? true,
    optimize: pickBoolean(flags.optimize, "--optimize", env["WASMPACK_OPTIMIZE"], "WASMPACK_OPTIMIZE", meta("optimize")) ?? false,
    created: created ?? epochToRfc3339(input.sourceDateEpoch),
    ...(created || epochSet ? { createdAnnotation: created ?? epochToRfc3339(input.sourceDateEpoch) } : {}),
  };
}

type Source = { value: unknown; origin: string };

function pickFormats(flags: string[] | undefined, fromEnv: string | undefined, fromMeta: Source): Format[] | undefined {
  let source: { values: string[]; origin: string } | undefined;
  if (flags?.length) source = { values: flags, origin: "--format" };
  else if (fromEnv) source = { values: [fromEnv], origin: "WASMPACK_FORMAT" };
  else if (fromMeta.value !== undefined) {
    const value = fromMeta.value;
    const values = typeof value === "string" ? [value] : Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : undefined;
    if (!values) fail(`${fromMeta.origin} must be a string or a list of strings`);
    source = { values, origin: fromMeta.origin };
  }
  if (!source) return undefined;
  const formats: Format[] = [];
  for (const value of source.values.flatMap((v) => v.split(",")).map((v) => v.trim())) {
    if (!isFormat(value)) fail(`${source.origin}: ${JSON.stringify(value)} is not one of ${FORMATS.join(", ")}`);
    if (!formats.includes(value)) formats.push(value);
  }
  if (formats.length === 0) fail(`${source.origin} names no format (one of ${FORMATS.join(", ")})`);
  return formats;
}

function parseSuffixes(pairs: readonly string[]): Map<Format, string> {
  const suffixes = new Map<Format, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const format = pair.slice(0, eq);
    const suffix = pair.slice(eq + 1);
    if (eq <= 0 || !/^[A-Za-z0-9_.-]+$/.test(suffix)) fail(`--tag-suffix ${JSON.stringify(pair)} must be FORMAT=SUFFIX, the suffix made of A-Z a-z 0-9 _ . -`);
    if (!isFormat(format)) fail(`--tag-suffix ${JSON.stringify(pair)}: ${JSON.stringify(format)} is not one of ${FORMATS.join(", ")}`);
    suffixes.set(format, suffix);
  }
  return suffixes;
}

function pickString(flag: string | undefined, flagName: string, fromEnv: string | undefined, envName: string, fromMeta: Source): { value: string; origin: string } | undefined {
  if (flag !== undefined) return { value: flag, origin: flagName };
  if (fromEnv) return { value: fromEnv, origin: envName };
  if (fromMeta.value === undefined) return undefined;
  if (typeof fromMeta.value !== "string") fail(`${fromMeta.origin} must be a string`);
  return { value: fromMeta.value, origin: fromMeta.origin };
}

function pickBoolean(flag: boolean | undefined, flagName: string, fromEnv: string | undefined, envName: string, fromMeta: Source): boolean | undefined {
  if (flag !== undefined) return flag;
  if (fromEnv) {
    if (/^(1|true|yes)$/i.test(fromEnv)) return true;
    if (/^(0|false|no)$/i.test(fromEnv)) return false;
    fail(`${envName}: ${JSON.stringify(fromEnv)} is not a boolean (true or false) for ${flagName}`);
  }
  if (fromMeta.value === undefined) return undefined;
  if (typeof fromMeta.value !== "boolean") fail(`${fromMeta.origin} must be true or false`);
  return fromMeta.value;
}

/** `now` (the wall clock, only because the user asked) or an RFC 3339 date-time, normalised to UTC seconds. */
function parseCreated(value: string, now: () => Date): string {
  if (value === "now") return epochToRfc3339(Math.floor(now().getTime() / 1000));
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
  const time = Date.parse(value);
  if (!rfc3339.test(value) || Number.isNaN(time)) fail(`--created ${JSON.stringify(value)} must be "now" or an RFC 3339 time such as 2024-05-01T12:00:00Z`);
  return epochToRfc3339(Math.floor(time / 1000));
}

function fail(message: string): never {
  throw new WasmpackError("usage", "SETTING_INVALID", message);
}
