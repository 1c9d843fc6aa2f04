/**
 * The slice of the WebAssembly JS API that verify uses. Node provides it as a global, but
 * `@types/node` does not declare it (it lives in TypeScript's DOM lib), so it is typed here.
 */
export interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: {
    new (bytes: Uint8Array): object;
    imports(module: object): { module: string; name: string; kind: string }[];
    exports(module: object): { name: string; kind: string }[];
  };
}

export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
