/** A value wasmpack writes into node config files. */
export type TomlValue = string | number | boolean | readonly string[] | Readonly<Record<string, string>>;

/** One `[table]` with its keys, and `#` comments above it. */
export interface TomlTableSnippet {
  path: readonly string[];
  comments?: readonly string[];
  entries: readonly (readonly [key: string, value: TomlValue])[];
}

/**
 * Serialises tables for pasting into an existing config file. Strings are written as TOML basic
 * strings, whose escapes JSON's encoder produces, so no value is ever spliced in raw.
 */
export function tomlSnippet(tables: readonly TomlTableSnippet[]): string {
  return tables
    .map((table) => {
      const lines = [...(table.comments ?? []).map((c) => `# ${c}`), `[${table.path.map(tomlKey).join(".")}]`];
      for (const [key, value] of table.entries) lines.push(`  ${tomlKey(key)} = ${tomlValue(value)}`);
      return lines.join("\n");
    })
    .join("\n\n");
}

function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

function tomlValue(value: TomlValue): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${(value as readonly string[]).map((v) => JSON.stringify(v)).join(", ")}]`;
  const entries = Object.entries(value as Record<string, string>).map(([k, v]) => `${tomlKey(k)} = ${JSON.stringify(v)}`);
  return `{ ${entries.join(", ")} }`;
}
