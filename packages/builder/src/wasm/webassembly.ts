/**
 * Node's global `WebAssembly`, typed as far as wasmpack and its tests use it: `@types/node` does
 * not declare it (it lives in TypeScript's DOM lib, which the packages do not compile against).
 */
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

export interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: {
    new (bytes: Uint8Array): WasmModule;
    imports(module: WasmModule): ImportEntry[];
    exports(module: WasmModule): ModuleEntry[];
  };
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ module: WasmModule; instance: WasmInstance }>;
}

export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
