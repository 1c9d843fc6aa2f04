import { WasmpackError } from "@wasmpack/registry/errors";
import { TomlReader, isTable, type TomlTable } from "../../project/toml.js";

/** Spin's `ContentRef` as pushed: always the digest, and the content itself when small (§5(a)). */
export interface ContentRef {
  /** Base64 of the content. */
  inline?: string;
  digest: string;
}

/** What the registry-side locked app refers to: each component's wasm and its files, by component id. */
export interface LockedContent {
  wasm: ReadonlyMap<string, ContentRef>;
  /** Files by guest path relative to `/`, forward slashes. */
  files: ReadonlyMap<string, readonly { path: string; ref: ContentRef }[]>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Hosts ending in `.spin.internal` need local service chaining (Spin `requires_service_chaining`). */
const SERVICE_CHAINING = /:\/\/[^/]*\.spin\.internal(?::[^/]*)?$/;
/** What Spin's v1→v2 conversion gives a component that names no outbound hosts (formats.md §5(d)). */
const V1_DEFAULT_OUTBOUND = ["redis://*:*", "mysql://*:*", "postgres://*:*"];

/**
 * Translates spin.toml into the locked application Spin's OCI loader reads (Spin
 * `crates/locked-app/src/locked.rs`, loader `local.rs`; formats.md §5(a)): metadata without
 * `origin`, triggers with their generated ids, components with sources and files as content refs.
 * Keys are written in Spin's serialisation order (struct fields in order, maps sorted).
 *
 * Left out, with an error where they would change behaviour: component `dependencies`,
 * `allowed_http_hosts` (legacy), `url`/registry sources; the `build` metadata is not copied.
 */
export function lockedApp(manifest: TomlTable, manifestPath: string, content: LockedContent): JsonObject {
  const toml = new TomlReader(manifestPath);
  const app = manifest["spin_manifest_version"] === "1" ? fromV1(manifest, toml) : fromV2(manifest, toml);
  const components = app.components.map(({ id, table, field, defaultOutbound }) => lockedComponent(id, table, field, defaultOutbound, content, toml));
  const needsHost = components.some((c) => "host_requirements" in c);
  return {
    spin_lock_version: 1,
    ...(needsHost ? { must_understand: ["component_host_requirements"] } : {}),
    metadata: app.metadata,
    ...(Object.keys(app.variables).length > 0 ? { variables: app.variables } : {}),
    triggers: app.triggers,
    components,
  };
}

interface AppParts {
  metadata: JsonObject;
  variables: JsonObject;
  triggers: Json[];
  components: { id: string; table: TomlTable; field: string; defaultOutbound?: string[] }[];
}

function fromV2(manifest: TomlTable, toml: TomlReader): AppParts {
  const application = toml.asTable(manifest["application"], "application");
  const globals = toml.table(application, "trigger", "application.trigger") ?? {};
  const triggerTables = toml.table(manifest, "trigger") ?? {};
  const raw: { type: string; trigger: TomlTable; field: string }[] = [];
  for (const [type, list] of Object.entries(triggerTables)) {
    if (!Array.isArray(list)) toml.fail(`trigger.${type}`, "must be an array of tables ([[trigger.TYPE]])");
    list.forEach((t: unknown, i) => raw.push({ type, trigger: toml.asTable(t, `trigger.${type}[${i}]`), field: `trigger.${type}[${i}]` }));
  }
  const ids = triggerIds(raw.map((r) => ({ type: r.type, id: toml.optionalString(r.trigger, "id", `${r.field}.id`), component: r.trigger["component"] })));
  const triggers = raw.map(({ type, trigger, field }, i) => {
    const { id: _id, component, components, ...config } = trigger;
    const out: TomlTable = { ...config };
    if (component !== undefined) out["component"] = toml.asString(component, `${field}.component`);
    if (components !== undefined) out["components"] = componentLists(components, `${field}.components`, toml);
    return { id: ids[i]!, trigger_type: type, trigger_config: sortedJson(out) } as JsonObject;
  });
  const components = Object.entries(toml.table(manifest, "component") ?? {}).map(([id, c]) => ({
    id,
    table: toml.asTable(c, `component.${id}`),
    field: `component.${id}`,
  }));
  return {
    metadata: appMetadata(application, globals, Object.keys(triggerTables), toml),
    variables: lockedVariables(manifest, toml),
    triggers,
    components,
  };
}

/** Version 1, converted the way Spin's `compat.rs` does: one trigger type, `[component.trigger]` per component. */
function fromV1(manifest: TomlTable, toml: TomlReader): AppParts {
  const { type, ...globalConfig } = toml.asTable(manifest["trigger"], "trigger");
  const triggerType = toml.asString(type, "trigger.type");
  const list = manifest["component"] ?? [];
  if (!Array.isArray(list)) toml.fail("component", "must be an array of tables ([[component]])");
  const components = list.map((c: unknown, i) => {
    const t = toml.asTable(c, `component[${i}]`);
    return { id: toml.asString(t["id"], `component[${i}].id`), table: t, field: `component[${i}]`, defaultOutbound: V1_DEFAULT_OUTBOUND };
  });
  const triggers = components.map(({ id, table: t, field }) => {
    const config: TomlTable = { ...(toml.table(t, "trigger", `${field}.trigger`) ?? {}), component: id };
    return { id: `trigger-${id}`, trigger_type: triggerType, trigger_config: sortedJson(config) } as JsonObject;
  });
  return {
    metadata: appMetadata(manifest, { [triggerType]: globalConfig }, [triggerType], toml),
    variables: lockedVariables(manifest, toml),
    triggers,
    components,
  };
}

/** Spin `locked_metadata`: name, version, description, authors, `triggers` (global configs) and, for one trigger type, `trigger`. */
function appMetadata(details: TomlTable, globals: TomlTable, types: string[], toml: TomlReader): JsonObject {
  const metadata: TomlTable = { name: toml.asString(details["name"], "application.name"), triggers: globals };
  for (const key of ["version", "description"]) {
    const value = toml.optionalString(details, key, `application.${key}`);
    if (value !== undefined) metadata[key] = value;
  }
  const authors = toml.stringArray(details, "authors", "application.authors");
  if (authors.length > 0) metadata["authors"] = authors;
  const [only, ...more] = types;
  if (only !== undefined && more.length === 0) metadata["trigger"] = { ...(toml.table(globals, only, `application.trigger.${only}`) ?? {}), type: only };
  return sortedJson(metadata) as JsonObject;
}

function lockedComponent(
  id: string,
  c: TomlTable,
  field: string,
  defaultOutbound: string[] | undefined,
  content: LockedContent,
  toml: TomlReader,
): JsonObject {
  for (const key of ["dependencies", "allowed_http_hosts"] as const) {
    const value = c[key];
    if (value !== undefined && (Array.isArray(value) ? value.length > 0 : Object.keys(toml.asTable(value, `${field}.${key}`)).length > 0)) {
      throw new WasmpackError("input", "SPIN_FEATURE_UNSUPPORTED", `${toml.file}: ${field}.${key} is not supported in a spin-artifact by wasmpack yet${key === "allowed_http_hosts" ? "; use allowed_outbound_hosts" : ""}`);
    }
  }
  const wasm = content.wasm.get(id);
  if (!wasm) throw new WasmpackError("input", "SPIN_SOURCE_NOT_LOCAL", `${toml.file}: ${field}.source is not a local file; a spin-artifact holds every component's wasm, and wasmpack does not download sources`);
  const outbound = c["allowed_outbound_hosts"] === undefined && defaultOutbound ? defaultOutbound : toml.stringArray(c, "allowed_outbound_hosts", `${field}.allowed_outbound_hosts`);
  const metadata: TomlTable = {};
  const description = toml.optionalString(c, "description", `${field}.description`);
  if (description !== undefined) metadata["description"] = description;
  const lists: [string, string][] = [["allowed_outbound_hosts", ""], ["key_value_stores", ""], ["sqlite_databases", "databases"], ["ai_models", ""]];
  for (const [key, lockedKey] of lists) {
    const values = key === "allowed_outbound_hosts" ? outbound : toml.stringArray(c, key, `${field}.${key}`);
    if (values.length > 0) metadata[lockedKey || key] = values;
  }
  const env = toml.stringRecord(c, "environment", `${field}.environment`);
  // `variables`, or its version 1 name `config`; errors name `variables` either way.
  const config = toml.stringRecord(c, c["variables"] !== undefined ? "variables" : "config", `${field}.variables`);
  const files = [...(content.files.get(id) ?? [])].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const out: JsonObject = { id };
  if (Object.keys(metadata).length > 0) out["metadata"] = sortedJson(metadata);
  out["source"] = { content_type: "application/wasm", ...refJson(wasm) };
  if (Object.keys(env).length > 0) out["env"] = sortedJson(env);
  if (files.length > 0) out["files"] = files.map((f) => ({ ...refJson(f.ref), path: f.path }));
  if (Object.keys(config).length > 0) out["config"] = sortedJson(config);
  if (outbound.some((h) => SERVICE_CHAINING.test(h))) out["host_requirements"] = { local_service_chaining: "required" };
  return out;
}

/** Spin `normalize_trigger_ids`: `<component>-<type>-trigger` when free, else `<type>-trigger<N>`. */
function triggerIds(triggers: { type: string; id: string | undefined; component: unknown }[]): string[] {
  const taken = new Set(triggers.flatMap((t) => (t.id ? [t.id] : [])));
  const counters = new Map<string, number>();
  return triggers.map(({ type, id, component }) => {
    if (id) return id;
    const natural = typeof component === "string" ? `${component}-${type}-trigger` : undefined;
    if (natural && !taken.has(natural)) {
      taken.add(natural);
      return natural;
    }
    let counter = counters.get(type) ?? 1;
    while (taken.has(`${type}-trigger${counter}`)) counter++;
    counters.set(type, counter);
    taken.add(`${type}-trigger${counter}`);
    return `${type}-trigger${counter}`;
  });
}

/** Spin `locked_variable`: `required` or a `default`, not both; `secret` only when true. */
function lockedVariables(manifest: TomlTable, toml: TomlReader): JsonObject {
  const out: JsonObject = {};
  for (const [name, v] of Object.entries(toml.table(manifest, "variables") ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const variable = toml.asTable(v, `variables.${name}`);
    const required = variable["required"] === true;
    const fallback = toml.optionalString(variable, "default", `variables.${name}.default`);
    if (required === (fallback !== undefined)) toml.fail(`variables.${name}`, "must be `required` or have a `default`, not both");
    const description = toml.optionalString(variable, "description", `variables.${name}.description`);
    out[name] = {
      ...(description !== undefined ? { description } : {}),
      ...(fallback !== undefined ? { default: fallback } : {}),
      ...(variable["secret"] === true ? { secret: true } : {}),
    };
  }
  return out;
}

function componentLists(value: unknown, field: string, toml: TomlReader): TomlTable {
  const out: TomlTable = {};
  for (const [key, specs] of Object.entries(toml.asTable(value, field))) {
    const list = Array.isArray(specs) ? specs : [specs];
    out[key] = list.map((s: unknown, i) => toml.asString(s, `${field}.${key}[${i}]`));
  }
  return out;
}

function refJson(ref: ContentRef): JsonObject {
  return ref.inline !== undefined ? { inline: ref.inline, digest: ref.digest } : { digest: ref.digest };
}

/** TOML values as JSON with every table's keys sorted, as Spin's BTreeMap-backed maps serialise. */
function sortedJson(value: unknown): Json {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => sortedJson(v));
  if (isTable(value)) {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedJson(value[k])]));
  }
  if (typeof value === "bigint") return Number(value);
  return value as Json;
}
