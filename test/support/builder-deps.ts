// yaml, smol-toml and jco are dependencies of @wasmpack/builder, not of the repository root, so
// the tests resolve them from the builder's package: the same copies wasmpack itself uses.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const fromBuilder = createRequire(new URL("../../packages/builder/package.json", import.meta.url));

export const YAML = fromBuilder("yaml") as typeof import("yaml");
export const TOML = fromBuilder("smol-toml") as typeof import("smol-toml");

/** An ESM-only package of the builder (jco). */
export async function importFromBuilder<T>(name: string): Promise<T> {
  return (await import(pathToFileURL(fromBuilder.resolve(name)).href)) as T;
}
