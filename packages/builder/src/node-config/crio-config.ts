import { tomlSnippet } from "./toml-snippet.js";
import { CRUN_ANNOTATIONS } from "./containerd-config.js";

export const CRIO_CRUN_HANDLER = "crun";
export const CRIO_DROP_IN = "/etc/crio/crio.conf.d/90-wasmpack-crun.conf";

/**
 * CRI-O's crun handler (formats.md §1, CRI-O details): since 1.30 CRI-O strips
 * `module.wasm.image/variant` from pods unless the handler lists it in `allowed_annotations`.
 * Every entry must be one of CRI-O's own (`pkg/annotations.AllAllowedAnnotations`, matched
 * exactly): any other, `run.oci.handler` included, makes CRI-O drop the whole handler at start
 * ("Runtime handler \"crun\" is being ignored due to: invalid allowed_annotation: …").
 * crun must be built with WasmEdge (`crun --version` shows +WASM:wasmedge).
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

/** `<crun's directory>/crun-wasm`, the binary the platform alternative runs. */
export function crunWasmPath(crunPath: string): string {
  return `${crunPath.slice(0, crunPath.lastIndexOf("/") + 1)}crun-wasm`;
}

/**
 * The alternative without annotations: CRI-O picks the binary by the image config's exact
 * `os/architecture` string, and `crun-wasm` forces the Wasm handler (formats.md §1, CRI-O's own
 * `test/image.bats`). The key must match what the image says: wasmpack writes wasi/wasm by default.
 */
export function crioPlatformConfig(crunPath: string, platform: string): string {
  return tomlSnippet([
    {
      path: ["crio", "runtime", "runtimes", CRIO_CRUN_HANDLER],
      comments: [`images whose config says ${platform} run under crun-wasm, annotation or not`],
      entries: [
        ["runtime_path", crunPath],
        ["runtime_type", "oci"],
        ["runtime_root", "/run/crun"],
        ["platform_runtime_paths", { [platform]: crunWasmPath(crunPath) }],
      ],
    },
  ]);
}

/**
 * crun-wasm is no separate program: crun run under that name uses its Wasm handler. Nothing
 * installs it, and CRI-O never checks platform_runtime_paths at start, so without the link every
 * container create on that platform fails ("Runtime path …/crun-wasm is not valid").
 */
export function crunWasmLinkCommand(crunPath: string): string {
  return [
    `# platform_runtime_paths names ${crunWasmPath(crunPath)}, which no package installs: a link to crun, which picks its`,
    "# Wasm handler when run by that name. CRI-O does not check the path at start; without the link every",
    `# container create fails with "Runtime path ${crunWasmPath(crunPath)} is not valid".`,
    `[ -e ${shellWord(crunWasmPath(crunPath))} ] || sudo ln -s ${shellWord(crunPath)} ${shellWord(crunWasmPath(crunPath))}`,
  ].join("\n");
}

/** Paths are safe unquoted when they are `[A-Za-z0-9._/+-]`; anything else gets single quotes. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9._/=+-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
