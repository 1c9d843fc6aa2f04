export { cargoBuild, type CargoBuildOptions } from "./cargo-build.js";
export type { WasmArtifact } from "./wasm-artifact.js";
export {
  execaRunner,
  type CommandEnv,
  type CommandRunner,
  type RunOptions,
  type RunResult,
} from "./runner.js";
