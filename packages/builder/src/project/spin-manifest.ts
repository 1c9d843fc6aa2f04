import { isAbsolute, join, normalize, sep } from "node:path";
import { TomlReader, isTable, parseToml, readToml, type TomlTable } from "./toml.js";

export type ComponentSource = { kind: "path"; path: string } | { kind: "url"; url: string; digest: string };

export interface SpinComponent {
  id: string;
  source: ComponentSource;
  /** Directories mounted into the component, relative to the app directory. */
  files: { source: string; destination: string }[];
  build?: { commands: string[]; workdir?: string };
}

export interface SpinApp {
  manifestPath: string;
  /** The manifest exactly as written: it goes into the image unchanged. */
  manifestText: string;
  /** The manifest as parsed: a spin-artifact's locked app is made from it. */
  manifestTable: TomlTable;
  manifestVersion: 1 | 2;
  name: string;
  version?: string;
  description?: string;
  authors: string[];
  components: SpinComponent[];
}

/**
 * Reads spin.toml (manifest version 2, or version 1 which Spin still converts) and enforces what
 * containerd-shim-spin's direct-mount loader enforces (formats.md §5 and section D): sources
 * inside the app, `files` only as directories, no `exclude_files`.
 */
export async function readSpinManifest(dir: string): Promise<SpinApp> {
  const manifestPath = join(dir, "spin.toml");
  const { text, table } = await readToml(manifestPath);
  return spinAppFromTable(manifestPath, text, table);
}

/**
 * The same reading from text, e.g. `/spin.toml` taken out of an image; `manifestPath` names it
 * in errors and is what `SpinApp.manifestPath` holds.
 */
export function parseSpinManifest(text: string, manifestPath: string): SpinApp {
  return spinAppFromTable(manifestPath, text, parseToml(text, manifestPath));
}

function spinAppFromTable(manifestPath: string, text: string, table: TomlTable): SpinApp {
  const toml = new TomlReader(manifestPath);
  const version = table["spin_manifest_version"];
  if (version === 2) return { manifestPath, manifestText: text, manifestTable: table, manifestVersion: 2, ...readV2(toml, table) };
  if (version === "1") return { manifestPath, manifestText: text, manifestTable: table, manifestVersion: 1, ...readV1(toml, table) };
  return toml.fail("spin_manifest_version", `${JSON.stringify(version ?? null)} is not supported (expected 2, or "1")`);
}

type AppFields = Omit<SpinApp, "manifestPath" | "manifestText" | "manifestTable" | "manifestVersion">;

function readV2(toml: TomlReader, table: TomlTable): AppFields {
  const app = toml.table(table, "application", "[application]") ?? toml.fail("[application]", "is missing");
  const components = toml.table(table, "component", "[component]") ?? {};
  for (const [kind, triggers] of Object.entries(toml.table(table, "trigger", "[trigger]") ?? {})) {
    if (!Array.isArray(triggers)) continue;
    triggers.forEach((trigger, i) => {
      if (isTable(trigger) && isTable(trigger["component"])) {
        toml.fail(`trigger.${kind}[${i}].component`, "is an inline component, which wasmpack does not support yet; declare it as [component.ID]");
      }
    });
  }
  return {
    name: toml.string(app, "name", "application.name"),
    version: toml.optionalString(app, "version", "application.version"),
    description: toml.optionalString(app, "description", "application.description"),
    authors: toml.stringArray(app, "authors", "application.authors"),
    components: Object.entries(components).map(([id, value]) => readComponent(toml, id, toml.asTable(value, `component.${id}`), `component.${id}`)),
  };
}

function readV1(toml: TomlReader, table: TomlTable): AppFields {
  const components = table["component"];
  if (components !== undefined && !Array.isArray(components)) toml.fail("component", "must be an array of tables ([[component]])");
  return {
    name: toml.string(table, "name"),
    version: toml.optionalString(table, "version"),
    description: toml.optionalString(table, "description"),
    authors: toml.stringArray(table, "authors"),
    components: (components ?? []).map((value: unknown, i: number) => {
      const component = toml.asTable(value, `component[${i}]`);
      return readComponent(toml, toml.string(component, "id", `component[${i}].id`), component, `component[${i}]`);
    }),
  };
}

function readComponent(toml: TomlReader, id: string, table: TomlTable, field: string): SpinComponent {
  if (toml.stringArray(table, "exclude_files", `${field}.exclude_files`).length > 0) {
    toml.fail(`${field}.exclude_files`, "is not supported by containerd-shim-spin's direct mounts; mount a directory that holds only the files to serve");
  }
  const build = toml.table(table, "build", `${field}.build`);
  return {
    id,
    source: readSource(toml, table["source"], `${field}.source`),
    files: readFiles(toml, table["files"], `${field}.files`),
    ...(build ? { build: readBuild(toml, build, `${field}.build`) } : {}),
  };
}

function readSource(toml: TomlReader, value: unknown, field: string): ComponentSource {
  if (typeof value === "string") return { kind: "path", path: insideApp(toml, value, field) };
  if (isTable(value) && typeof value["url"] === "string" && typeof value["digest"] === "string") {
    return { kind: "url", url: value["url"], digest: value["digest"] };
  }
  if (isTable(value) && "registry" in value) toml.fail(field, "names a registry package, which wasmpack cannot place in an image yet; use a local path");
  return toml.fail(field, "must be a path string or { url, digest }");
}

function readFiles(toml: TomlReader, value: unknown, field: string): SpinComponent["files"] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) toml.fail(field, "must be a list");
  return value.map((entry: unknown, i: number) => {
    const where = `${field}[${i}]`;
    const source = typeof entry === "string" ? entry : isTable(entry) ? entry["source"] : undefined;
    const destination = typeof entry === "string" ? `/${entry}` : isTable(entry) ? entry["destination"] : undefined;
    if (typeof source !== "string" || typeof destination !== "string") toml.fail(where, "must be a directory path or { source, destination }");
    if (/[*?[\]{}]/.test(source)) {
      toml.fail(where, `${JSON.stringify(source)} is a glob; containerd-shim-spin mounts only whole directories`);
    }
    return { source: insideApp(toml, source, where), destination };
  });
}

function readBuild(toml: TomlReader, table: TomlTable, field: string): NonNullable<SpinComponent["build"]> {
  const command = table["command"];
  const commands = typeof command === "string" ? [command] : Array.isArray(command) ? command : undefined;
  if (!commands || commands.length === 0 || commands.some((c) => typeof c !== "string")) {
    toml.fail(`${field}.command`, "must be a command string or a list of them");
  }
  const workdir = toml.optionalString(table, "workdir", `${field}.workdir`);
  return { commands: commands as string[], ...(workdir ? { workdir: insideApp(toml, workdir, `${field}.workdir`) } : {}) };
}

/** A relative path that stays inside the app directory, in normalised form with `/` separators. */
function insideApp(toml: TomlReader, path: string, field: string): string {
  const clean = normalize(path).split(sep).join("/").replace(/\/+$/, "");
  if (isAbsolute(path) || clean === ".." || clean.startsWith("../") || clean === "") {
    toml.fail(field, `${JSON.stringify(path)} points outside the app directory; the image root is the app directory`);
  }
  return clean;
}
