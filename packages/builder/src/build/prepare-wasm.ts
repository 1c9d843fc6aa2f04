import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { WasmpackError } from "@wasmpack/registry/errors";
import { makeDirectories, writeFileAtomic } from "@wasmpack/registry/layout";
import { sha256, type Digest } from "@wasmpack/registry/oci";
import { componentize, type ComponentAdapter } from "../wasm/componentize.js";
import { decodeComponentWorld, type ComponentWorld } from "../wasm/component-world.js";
import { optimizeModule } from "../wasm/optimize.js";
import { stripCustomSections } from "../wasm/strip.js";
import { wasmKind, type WasmKind } from "../wasm/wasm-header.js";
import type { BuildEvent } from "./build-events.js";
import type { BuiltModule } from "./wasm-modules.js";

/** A wasm file as it goes into images: after `--optimize` and `--strip`. */
export interface PreparedWasm {
  /** The bin or component id; packaged files are named after it. */
  name: string;
  /** What cargo or the component's build produced. */
  source: string;
  sizeBefore: number;
  /** The file placed in images: `source` itself when nothing changed it. */
  fromFile: string;
  size: number;
  digest: Digest;
  kind: WasmKind;
  bytes: Uint8Array;
  /** Whether optimizing or stripping changed the bytes (and so a new file is needed). */
  changed: boolean;
}

/** The component made for (or found by) the wasm-artifact format, with its decoded world. */
export interface PreparedComponent {
  fromFile: string;
  size: number;
  digest: Digest;
  bytes: Uint8Array;
  world: ComponentWorld;
}

export interface WasmOptions {
  strip: boolean;
  optimize: boolean;
  onEvent?: (event: BuildEvent) => void;
}

/** Optimizes then strips a module in memory; nothing is written yet. */
export async function prepareWasm(name: string, module: BuiltModule, options: WasmOptions): Promise<PreparedWasm> {
  const what = `${name} (${module.fromFile})`;
  const original: Uint8Array = new Uint8Array(await readFile(module.fromFile));
  let bytes: Uint8Array = original;
  if (options.optimize) {
    if (module.kind === "component") {
      throw new WasmpackError("usage", "OPTIMIZE_COMPONENT", `--optimize runs Binaryen, which optimizes core modules only, and ${what} is a component`);
    }
    options.onEvent?.({ type: "wasm", name, step: "optimize" });
    bytes = await optimizeModule(bytes, what);
  }
  if (options.strip) bytes = stripCustomSections(bytes, what);
  const digest = sha256(bytes);
  return {
    name,
    source: module.fromFile,
    sizeBefore: original.byteLength,
    fromFile: module.fromFile,
    size: bytes.byteLength,
    digest,
    kind: wasmKind(bytes) ?? module.kind,
    bytes,
    changed: bytes.byteLength !== original.byteLength || digest !== sha256(original),
  };
}

/**
 * The component of a prepared wasm: the wasm itself when it already is one, else the module
 * adapted with the WASI preview 1 `adapter` (stripped again when asked, as the encoder adds a
 * `producers` section).
 */
export async function prepareComponent(wasm: PreparedWasm, adapter: ComponentAdapter | undefined, options: WasmOptions): Promise<PreparedComponent | undefined> {
  const what = `${wasm.name} (${wasm.source})`;
  let bytes: Uint8Array;
  if (wasm.kind === "component") bytes = wasm.bytes;
  else if (adapter) {
    options.onEvent?.({ type: "wasm", name: wasm.name, step: "component" });
    bytes = await componentize(wasm.bytes, adapter, what);
    if (options.strip) bytes = stripCustomSections(bytes, what);
  } else return undefined;
  const world = await decodeComponentWorld(bytes, what);
  return { fromFile: wasm.fromFile, size: bytes.byteLength, digest: sha256(bytes), bytes, world };
}

/**
 * Where changed wasm goes: `<project>/target/wasmpack/wasm/<name>.wasm` (and
 * `<name>.component.wasm`), next to cargo's output, never in the layout, so each layer streams
 * from a file and users can run exactly what shipped. Returns the wasm with those paths and the
 * files still to write, so a later failure leaves nothing behind.
 */
export function placePrepared(
  projectDir: string,
  wasm: PreparedWasm,
  component: PreparedComponent | undefined,
  dir = join(projectDir, "target", "wasmpack", "wasm"),
): { wasm: PreparedWasm; component: PreparedComponent | undefined; files: { path: string; bytes: Uint8Array }[] } {
  const files: { path: string; bytes: Uint8Array }[] = [];
  const placed = wasm.changed ? { ...wasm, fromFile: join(dir, `${wasm.name}.wasm`) } : wasm;
  if (wasm.changed) files.push({ path: placed.fromFile, bytes: wasm.bytes });
  if (!component) return { wasm: placed, component, files };
  if (component.digest === wasm.digest) return { wasm: placed, component: { ...component, fromFile: placed.fromFile }, files };
  const path = join(dir, `${wasm.name}.component.wasm`);
  files.push({ path, bytes: component.bytes });
  return { wasm: placed, component: { ...component, fromFile: path }, files };
}

export async function writePreparedFiles(files: readonly { path: string; bytes: Uint8Array }[]): Promise<void> {
  for (const { path, bytes } of files) {
    try {
      await makeDirectories(dirname(path));
      await writeFileAtomic(path, bytes);
    } catch (cause) {
      throw new WasmpackError("io", "IO", `cannot write ${path}`, { cause });
    }
  }
}
