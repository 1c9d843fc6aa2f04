import { Annotation } from "@wasmpack/registry/oci";
import { SHIM_HANDLERS, type ClusterRuntime } from "../kubernetes/cluster-runtime.js";
import { formatContainerdVersion, needsLocalImagePull, runtimesTable, type ContainerdVersion } from "./containerd-version.js";
import { tomlSnippet, type TomlTableSnippet } from "./toml-snippet.js";

/** The runtime handler crun gets on containerd; also the RuntimeClass handler for WasmEdge pods there. */
export const CONTAINERD_CRUN_HANDLER = "crun";

/** Annotations crun reads from the runtime spec (formats.md §1); containerd copies pod annotations listed here. */
export const CRUN_ANNOTATIONS = [Annotation.WasmVariant, "run.oci.handler"] as const;

/**
 * The block for containerd's config.toml:
 * - spin / wasmtime: `runtimes.<handler>` with the shim's `runtime_type` (formats.md §3, §5(b));
 * - wasmedge: crun as a runc-v2 runtime (`BinaryName`), with `pod_annotations` so the pod's
 *   `module.wasm.image/variant` reaches crun (formats.md §1, WasmEdge containerd-crun docs);
 * - containerd ≥ 2.3 with rootfs-layout images: `use_local_image_pull = true`
 *   (containerd-wasm-platform.md §1.1, §1.5; same table name in version 2 and 3 files).
 */
export function containerdConfig(input: { runtime: ClusterRuntime; version: ContainerdVersion; rootfsImages: boolean; crunPath: string }): string {
  const { runtime, version } = input;
  const runtimes = runtimesTable(version);
  const fileVersion = version.major === 1 ? 2 : 3;
  const tables: TomlTableSnippet[] = [];
  if (runtime === "wasmedge") {
    tables.push(
      {
        path: [...runtimes, CONTAINERD_CRUN_HANDLER],
        comments: [`containerd ${formatContainerdVersion(version)} (config version = ${fileVersion}): crun with WasmEdge as a runc-v2 runtime`],
        entries: [
          ["runtime_type", "io.containerd.runc.v2"],
          ["pod_annotations", CRUN_ANNOTATIONS],
        ],
      },
      { path: [...runtimes, CONTAINERD_CRUN_HANDLER, "options"], entries: [["BinaryName", input.crunPath]] },
    );
  } else {
    const { handler, runtimeType, binary } = SHIM_HANDLERS[runtime];
    tables.push({
      path: [...runtimes, handler],
      comments: [
        `containerd ${formatContainerdVersion(version)} (config version = ${fileVersion}): the ${handler} handler that RuntimeClass ${handler} names`,
        `containerd runs ${binary} from its PATH; add an [….options] table with SystemdCgroup = true if the kubelet uses the systemd cgroup driver`,
      ],
      entries: [["runtime_type", runtimeType]],
    });
  }
  if (input.rootfsImages && needsLocalImagePull(version)) {
    tables.push({
      path: ["plugins", "io.containerd.cri.v1.images"],
      comments: [
        "containerd ≥ 2.3 pulls wasi/wasm rootfs images but does not unpack them (pods fail with",
        '"parent snapshot … does not exist"); the local pull path unpacks every platform.',
      ],
      entries: [["use_local_image_pull", true]],
    });
  }
  return tomlSnippet(tables);
}
