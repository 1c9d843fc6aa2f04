import { readFile } from "node:fs/promises";
import { TomlError, parse } from "smol-toml";
import { WasmpackError } from "@wasmpack/registry/errors";

export type TomlTable = Record<string, unknown>;

/** Reads and parses a TOML file; a syntax error names the file, line and column. */
export async function readToml(path: string): Promise<{ text: string; table: TomlTable }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new WasmpackError("input", "FILE_UNREADABLE", `cannot read ${path}`, { cause });
  }
  return { text, table: parseToml(text, path) };
}

/** Parses TOML text; a syntax error names `path` (the file, or where the text came from), line and column. */
export function parseToml(text: string, path: string): TomlTable {
  try {
    return parse(text) as TomlTable;
  } catch (cause) {
    const where = cause instanceof TomlError ? ` at line ${cause.line}, column ${cause.column}` : "";
    const why = cause instanceof Error ? `: ${cause.message.split("\n")[0]}` : "";
    throw new WasmpackError("input", "TOML_INVALID", `${path}: invalid TOML${where}${why}`, { cause });
  }
}

export function isTable(value: unknown): value is TomlTable {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Small typed accessors that name the file and field on error. */
export class TomlReader {
  constructor(readonly file: string) {}

  fail(field: string, why: string): never {
    throw new WasmpackError("input", "MANIFEST_FIELD_INVALID", `${this.file}: ${field} ${why}`);
  }

  /** A value that must be a string (present), e.g. a list item. */
  asString(value: unknown, field: string): string {
    if (typeof value !== "string") this.fail(field, "must be a string");
    return value;
  }

  /** A value that must be a table (present), e.g. a list item. */
  asTable(value: unknown, field: string): TomlTable {
    if (!isTable(value)) this.fail(field, "must be a table");
    return value;
  }

  optionalString(table: TomlTable, key: string, field = key): string | undefined {
    const value = table[key];
    return value === undefined ? undefined : this.asString(value, field);
  }

  string(table: TomlTable, key: string, field = key): string {
    const value = this.optionalString(table, key, field);
    if (value === undefined) this.fail(field, "is missing");
    return value;
  }

  stringArray(table: TomlTable, key: string, field = key): string[] {
    const value = table[key];
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) this.fail(field, "must be a list of strings");
    return value as string[];
  }

  table(table: TomlTable, key: string, field = key): TomlTable | undefined {
    const value = table[key];
    return value === undefined ? undefined : this.asTable(value, field);
  }

  stringRecord(table: TomlTable, key: string, field = key): Record<string, string> {
    const value = this.table(table, key, field) ?? {};
    for (const [k, v] of Object.entries(value)) if (typeof v !== "string") this.fail(`${field}.${k}`, "must be a string");
    return value as Record<string, string>;
  }
}
