/**
 * wasm-tools as the jco project builds it for JavaScript (`@bytecodealliance/jco-transpile`'s
 * `wasm-tools` part, which `@bytecodealliance/jco` re-exports): only that part, since the rest of
 * jco (componentize-js, transpilation, Binaryen) is hundreds of megabytes wasmpack never runs.
 * Loaded on first use: compiling its 2.4 MB of wasm costs startup time.
 */
export type WasmTools = typeof import("@bytecodealliance/jco-transpile/wasm-tools");

let loading: Promise<WasmTools> | undefined;

export function loadWasmTools(): Promise<WasmTools> {
  return (loading ??= import("@bytecodealliance/jco-transpile/wasm-tools"));
}

/** wasm-tools errors are multi-line anyhow chains; keep the first line and the root cause. */
export function wasmToolsErrorLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split("\n")
    .map((l) => l.replace(/^\s*(\d+:|\$)\s*/, "").trim())
    .filter((l) => l && l !== "Caused by:");
  const [first, ...rest] = lines;
  const root = rest.at(-1);
  return root && root !== first ? `${first}: ${root}` : (first ?? "unknown error");
}
