import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { WasmpackError } from "@wasmpack/registry/errors";
import { readCargoManifest, type CargoPackage } from "./cargo-manifest.js";
import { readSpinManifest, type SpinApp } from "./spin-manifest.js";

export type Project =
  | { kind: "crate"; dir: string; cargo: CargoPackage }
  | { kind: "spin"; dir: string; spin: SpinApp; cargo?: CargoPackage };

/** Reads the project in `dir`: a Spin app when spin.toml is there, else a cargo crate. */
export async function readProject(dir: string): Promise<Project> {
  const root = resolve(dir);
  if (!(await isDirectory(root))) throw new WasmpackError("input", "DIR_NOT_FOUND", `${dir} is not a directory`);
  const hasCargo = await isFile(join(root, "Cargo.toml"));
  if (await isFile(join(root, "spin.toml"))) {
    const spin = await readSpinManifest(root);
    return { kind: "spin", dir: root, spin, ...(hasCargo ? { cargo: await readCargoManifest(root) } : {}) };
  }
  if (hasCargo) return { kind: "crate", dir: root, cargo: await readCargoManifest(root) };
  throw new WasmpackError("input", "NO_PROJECT", `${dir} has no Cargo.toml or spin.toml`);
}

export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

export async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
