import v8 from "node:v8";

/**
 * wasmpack runs WebAssembly that is big and short-lived (undici's HTTP parser, wasm-tools,
 * Binaryen). V8's optimizing tier compiles it on background threads, which a short CLI run never
 * pays back: baseline code alone cut a push's peak RSS from 100 to 66 MiB and a componentizing
 * build from 2.9 s to 2.0 s. At run time --liftoff-only alone no longer stops dynamic tiering on
 * Node 24 (V8 13.6): undici's parser then went to TurboFan in every push (60-170 ms, 22 MB), which
 * the process waited for at exit. Called before a command's action, never for --help or
 * --version: the call itself costs ~5 ms of start-up on Node 24.
 */
export function useBaselineWasm(): void {
  v8.setFlagsFromString("--liftoff-only --no-wasm-tier-up --no-wasm-dynamic-tiering");
}
