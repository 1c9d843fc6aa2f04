/** WAT text to a wasm binary with jco's wasm-tools, for tests that need a small module. */
export async function wat(text: string): Promise<Uint8Array> {
  return (await import("@bytecodealliance/jco")).parse(text);
}
