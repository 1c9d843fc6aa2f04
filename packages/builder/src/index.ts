export { build, type BuildOptions, type BuildResult } from "./build/build.js";
export type { BuildEvent } from "./build/build-events.js";
export { RUNTIMES, VARIANTS, resolveSettings, type BuildFlags, type BuildSettings, type Runtime, type Variant } from "./project/settings.js";
export { readProject, type Project } from "./project/read-project.js";
export { readSpinManifest, type SpinApp, type SpinComponent } from "./project/spin-manifest.js";
export { wasmKind, type WasmKind } from "./wasm/wasm-header.js";
export type { Toolchain } from "./toolchain/index.js";
