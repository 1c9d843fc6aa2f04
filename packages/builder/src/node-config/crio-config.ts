import { tomlSnippet } from "./toml-snippet.js";
import { CRUN_ANNOTATIONS } from "./containerd-config.js";

export const CRIO_CRUN_HANDLER = "crun";

/**
 * CRI-O's crun handler (formats.md §1, CRI-O details): since 1.30 CRI-O strips
 * `module.wasm.image/variant` and `run.oci.*` from pods unless the handler lists them in
 * `allowed_annotations`. crun must be built with WasmEdge (`crun --version` shows +WASM:wasmedge).
 */
export function crioAnnotationConfig(crunPath: string): string {
  return tomlSnippet([
    {
      path: ["crio", "runtime", "runtimes", CRIO_CRUN_HANDLER],
      comments: ["CRI-O ≥ 1.30: let the pod's module.wasm.image/variant through to crun"],
      entries: [
        ["runtime_path", crunPath],
        ["runtime_type", "oci"],
        ["runtime_root", "/run/crun"],
        ["allowed_annotations", CRUN_ANNOTATIONS],
      ],
    },
  ]);
}

/**
 * The alternative without annotations: CRI-O picks the binary by the image config's exact
 * `os/architecture` string, and `crun-wasm` forces the Wasm handler (formats.md §1, CRI-O's own
 * `test/image.bats`). The key must match what the image says: wasmpack writes wasi/wasm by default.
 */
export function crioPlatformConfig(crunPath: string, platform: string): string {
  const crunWasm = `${crunPath.slice(0, crunPath.lastIndexOf("/") + 1)}crun-wasm`;
  return tomlSnippet([
    {
      path: ["crio", "runtime", "runtimes", CRIO_CRUN_HANDLER],
      comments: [`images whose config says ${platform} run under crun-wasm, annotation or not`],
      entries: [
        ["runtime_path", crunPath],
        ["runtime_type", "oci"],
        ["runtime_root", "/run/crun"],
        ["platform_runtime_paths", { [platform]: crunWasm }],
      ],
    },
  ]);
}
