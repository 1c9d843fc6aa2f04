#!/usr/bin/env node
import module from "node:module";
import v8 from "node:v8";

// wasmpack runs WebAssembly that is big and short-lived (undici's HTTP parser, jco's wasm-tools,
// Binaryen). V8's optimizing tier compiles it on background threads, which a short CLI run never
// pays back: baseline code alone cut a push's peak RSS from 100 to 66 MiB and a componentizing
// build from 2.9 s to 2.0 s. Set before any module is compiled. Set at run time, --liftoff-only
// alone no longer stops dynamic tiering on Node 24 (V8 13.6): undici's HTTP parser then went to
// TurboFan on a background thread in every push (60-170 ms, 22 MB), which the process waited for
// at exit (~100 ms of a 200 ms warm push) and which raised a 256 MiB push's peak RSS 75 -> 90 MiB.
v8.setFlagsFromString("--liftoff-only --no-wasm-tier-up --no-wasm-dynamic-tiering");
// Node ≥ 22.1 keeps compiled JavaScript between runs: a CLI that starts many times in CI loads faster.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { main } = await import("./main.js");
process.exitCode = await main(process.argv.slice(2));
