/**
 * The three ways a cluster runs wasmpack images, and what each expects from the node. Shared by
 * the manifest generator, `node-config` and `verify` so their defaults always agree.
 */
export const CLUSTER_RUNTIMES = ["wasmedge", "spin", "wasmtime"] as const;
/** `wasmedge`: crun's WasmEdge handler (CRI-O, or containerd with crun); `spin`: containerd-shim-spin; `wasmtime`: runwasi's wasmtime shim. */
export type ClusterRuntime = (typeof CLUSTER_RUNTIMES)[number];

export const WASM_VARIANTS = ["compat-smart", "compat"] as const;
/** `module.wasm.image/variant` values crun understands (formats.md §1). */
export type WasmVariant = (typeof WASM_VARIANTS)[number];

export function isClusterRuntime(value: string): value is ClusterRuntime {
  return (CLUSTER_RUNTIMES as readonly string[]).includes(value);
}

export function isWasmVariant(value: string): value is WasmVariant {
  return (WASM_VARIANTS as readonly string[]).includes(value);
}

/** The node label a workload selects by default, e.g. `wasmedge: "true"`; `kubectl label node` sets the same. */
export function defaultNodeSelector(runtime: ClusterRuntime): Record<string, string> {
  return { [runtime]: "true" };
}

/**
 * The port the app listens on: containerd-shim-spin serves on 0.0.0.0:80 (formats.md §5(b)),
 * runwasi's wasmtime shim serves HTTP components on 8080 (§3), and a WasmEdge socket server
 * listens where its code says, conventionally 8080.
 */
export function defaultContainerPort(runtime: ClusterRuntime): number {
  return runtime === "spin" ? 80 : 8080;
}

/**
 * containerd runtime handler names (the `runtimes.<handler>` table and the RuntimeClass
 * `handler`) with their shim `runtime_type` (formats.md §3, §5(b)).
 */
export const SHIM_HANDLERS = {
  spin: { handler: "spin", runtimeType: "io.containerd.spin.v2", binary: "containerd-shim-spin-v2" },
  wasmtime: { handler: "wasmtime", runtimeType: "io.containerd.wasmtime.v1", binary: "containerd-shim-wasmtime-v1" },
} as const;
