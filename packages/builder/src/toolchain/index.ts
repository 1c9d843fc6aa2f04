export { findToolchain, DEFAULT_TARGETS, type FindToolchainOptions } from "./find-toolchain.js";
export { toolchainEnv, type Toolchain } from "./toolchain.js";
export { checkWasmLinker, linkerNotFoundIn, missingLinkerError, WASM_LINKER, type LinkerCheckOptions } from "./linker.js";
