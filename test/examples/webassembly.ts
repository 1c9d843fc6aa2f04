// The examples' tests use the typed WebAssembly handle wasmpack itself uses.
import { webAssembly, type WasmModule } from "../../packages/builder/src/wasm/webassembly.js";

export { webAssembly as wasm, type WasmModule };

export function compile(bytes: Uint8Array): WasmModule {
  return new webAssembly.Module(bytes);
}
