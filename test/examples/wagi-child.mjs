// One Wagi request in a process of its own (wagi.ts, runWagiWithOpenStdin): runs the module with
// Node's WASI on this process's stdin, stdout and stderr, and exits with the module's status.
//
//   node wagi-child.mjs MODULE.wasm '{"REQUEST_METHOD":"GET",...}'

import { readFileSync } from "node:fs";
import { WASI } from "node:wasi";

const [wasmPath, envJson] = process.argv.slice(2);
const wasi = new WASI({
  version: "preview1",
  args: ["/"],
  env: JSON.parse(envJson),
  stdin: 0,
  stdout: 1,
  stderr: 2,
  returnOnExit: true,
});
const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmPath)), wasi.getImportObject());
process.exitCode = wasi.start(instance);
