import { open } from "node:fs/promises";
import { WasmpackError } from "@wasmpack/registry/errors";

export type WasmKind = "module" | "component";

/** Classifies a wasm binary by its 8-byte preamble: `\0asm` then version 1 (module) or 0x0d layer 1 (component). */
export function wasmKind(header: Uint8Array): WasmKind | undefined {
  if (header.length < 8 || header[0] !== 0 || header[1] !== 0x61 || header[2] !== 0x73 || header[3] !== 0x6d) return undefined;
  if (header[4] === 1 && header[5] === 0 && header[6] === 0 && header[7] === 0) return "module";
  if (header[6] === 1 && header[7] === 0) return "component";
  return undefined;
}

/** Checks that `path` is a wasm binary; `what` names it in the error (e.g. "component hello source"). */
export async function readWasmKind(path: string, what: string): Promise<WasmKind> {
  const header = new Uint8Array(8);
  let handle;
  try {
    handle = await open(path, "r");
    await handle.read(header, 0, 8, 0);
  } catch (cause) {
    throw new WasmpackError("input", "WASM_MISSING", `${what} ${path} does not exist`, { cause });
  } finally {
    await handle?.close();
  }
  const kind = wasmKind(header);
  if (!kind) throw new WasmpackError("input", "NOT_WASM", `${what} ${path} is not a WebAssembly binary (no \\0asm header)`);
  return kind;
}
