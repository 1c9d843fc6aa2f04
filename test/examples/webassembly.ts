// Node's global `WebAssembly`, typed as far as these tests use it: the repo compiles against
// lib ES2023 without DOM, where TypeScript knows no `WebAssembly` value.

export interface ModuleEntry {
  name: string;
  kind: "function" | "table" | "memory" | "global" | "tag";
}

export interface ImportEntry extends ModuleEntry {
  module: string;
}

/** An opaque compiled module. */
export interface WasmModule {
  readonly __brand: "WebAssembly.Module";
}

export interface WasmInstance {
  exports: Record<string, unknown>;
}

interface WebAssemblyApi {
  Module: {
    new (bytes: Uint8Array): WasmModule;
    imports(module: WasmModule): ImportEntry[];
    exports(module: WasmModule): ModuleEntry[];
  };
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
}

export const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

export function compile(bytes: Uint8Array): WasmModule {
  return new wasm.Module(bytes);
}
