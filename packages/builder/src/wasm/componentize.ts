import { readFile } from "node:fs/promises";
import { WasmpackError } from "@wasmpack/registry/errors";
import { loadWasmTools, wasmToolsErrorLine } from "./wasm-tools.js";
import { webAssembly } from "./webassembly.js";

export const COMPONENT_ADAPTERS = ["command", "reactor"] as const;
/** Which WASI preview 1 adapter: `command` exports `wasi:cli/run` (a `_start` program), `reactor` a library. */
export type ComponentAdapter = (typeof COMPONENT_ADAPTERS)[number];

const PREVIEW1 = "wasi_snapshot_preview1";

/**
 * Turns a wasip1 core module into a component with Wasmtime's WASI preview 1 adapter (./adapters)
 * (wit-component's `ComponentEncoder` with the adapter as `wasi_snapshot_preview1`). Imports the
 * adapter cannot provide, such as WasmEdge's socket extension (formats.md §6), are named in a
 * one-line error before any encoding is tried.
 */
export async function componentize(module: Uint8Array, adapter: ComponentAdapter, what: string): Promise<Uint8Array> {
  const tools = await loadWasmTools();
  const adapterBytes = new Uint8Array(await readFile(adapterUrl(adapter)));
  const provided = new Set(webAssembly.Module.exports(new webAssembly.Module(adapterBytes)).map((e) => e.name));
  const missing = webAssembly.Module.imports(compile(module, what)).filter((i) => i.module === PREVIEW1 && !provided.has(i.name));
  if (missing.length > 0) {
    const names = [...new Set(missing.map((i) => i.name))].join(", ");
    const hint = missing.some((i) => i.name.startsWith("sock_")) ? " (WasmEdge socket functions)" : "";
    throw new WasmpackError(
      "input",
      "COMPONENT_IMPORTS_UNSUPPORTED",
      `cannot make a component of ${what}: it imports ${PREVIEW1} functions the WASI preview 1 adapter does not provide: ${names}${hint}; package it as a core module (drop --component)`,
    );
  }
  try {
    return await tools.componentNew(module, [[PREVIEW1, adapterBytes]]);
  } catch (cause) {
    throw new WasmpackError("input", "COMPONENT_NEW_FAILED", `cannot make a component of ${what}: ${wasmToolsErrorLine(cause)}`, { cause });
  }
}

/**
 * The adapter file. The CLI bundle copies ./adapters beside its chunks, so the same relative URL
 * holds in the sources and in the published package.
 */
function adapterUrl(adapter: ComponentAdapter): URL {
  return new URL(`./adapters/wasi_snapshot_preview1.${adapter}.wasm`, import.meta.url);
}

function compile(module: Uint8Array, what: string) {
  try {
    return new webAssembly.Module(module);
  } catch (cause) {
    throw new WasmpackError("input", "WASM_INVALID", `${what} is not a valid WebAssembly module: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
