import { join } from "node:path";
import { TomlReader, readToml, type TomlTable } from "./toml.js";

/** What wasmpack needs from a crate's Cargo.toml. */
export interface CargoPackage {
  manifestPath: string;
  name: string;
  version?: string;
  description?: string;
  authors: string[];
  license?: string;
  repository?: string;
  homepage?: string;
  /** `[package.metadata.wasmpack]`, validated later with the other settings. */
  wasmpackMetadata: TomlTable;
}

export async function readCargoManifest(dir: string): Promise<CargoPackage> {
  const manifestPath = join(dir, "Cargo.toml");
  const { table } = await readToml(manifestPath);
  const toml = new TomlReader(manifestPath);
  const pkg =
    toml.table(table, "package", "[package]") ??
    toml.fail("[package]", "is missing (a workspace root without a package is not supported; point wasmpack at the member crate)");
  const metadata = toml.table(pkg, "metadata", "package.metadata");
  return {
    manifestPath,
    name: toml.string(pkg, "name", "package.name"),
    version: workspaceInheritable(toml, pkg, "version"),
    description: workspaceInheritable(toml, pkg, "description"),
    authors: Array.isArray(pkg["authors"]) ? toml.stringArray(pkg, "authors", "package.authors") : [],
    license: workspaceInheritable(toml, pkg, "license"),
    repository: workspaceInheritable(toml, pkg, "repository"),
    homepage: workspaceInheritable(toml, pkg, "homepage"),
    wasmpackMetadata: (metadata && toml.table(metadata, "wasmpack", "package.metadata.wasmpack")) ?? {},
  };
}

/** `field.workspace = true` values live in the workspace root; wasmpack leaves them unset. */
function workspaceInheritable(toml: TomlReader, pkg: TomlTable, key: string): string | undefined {
  const value = pkg[key];
  if (typeof value === "object" && value !== null && "workspace" in value) return undefined;
  return toml.optionalString(pkg, key, `package.${key}`);
}
