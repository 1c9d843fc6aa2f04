import { Annotation } from "@wasmpack/registry/oci";
import { SHIM_HANDLERS, type ClusterRuntime } from "../kubernetes/cluster-runtime.js";
import { formatContainerdVersion, needsLocalImagePull, runtimesTable, type ContainerdVersion } from "./containerd-version.js";
import { tomlSnippet, type TomlTableSnippet } from "./toml-snippet.js";

/** The runtime handler crun gets on containerd; also the RuntimeClass handler for WasmEdge pods there. */
export const CONTAINERD_CRUN_HANDLER = "crun";

/**
 * The pod annotations crun must see: the variant `wasmpack k8s` puts on WasmEdge pods (formats.md
 * §1). Nothing else: CRI-O refuses a whole handler whose `allowed_annotations` names a key outside
 * its own list (`run.oci.handler` is not in it, only the `run.oci.` prefix), and letting pods set
 * more of crun's annotations than they need is not wasmpack's call.
 */
export const CRUN_ANNOTATIONS = [Annotation.WasmVariant] as const;

/** Where containerd's default `imports` pattern (2.2+ `containerd config default`) looks for drop-ins. */
export const CONTAINERD_DROP_IN_DIR = "/etc/containerd/conf.d";
export const CONTAINERD_IMPORTS = `${CONTAINERD_DROP_IN_DIR}/*.toml`;

export function containerdDropInPath(runtime: ClusterRuntime): string {
  return `${CONTAINERD_DROP_IN_DIR}/wasmpack-${runtime}.toml`;
}

/**
 * containerd 2.x merges an imported file into the main config table by table (containerd's
 * `mergeConfig`: mergo deep-merges the `plugins` maps), so tables the main file already has, such
 * as 2.3's `[plugins."io.containerd.cri.v1.images"]`, take the drop-in's keys without anyone
 * editing them. containerd 1.7 replaces a whole plugin table with the imported file's
 * (`to.Plugins[k] = v`), which would drop every CRI setting of the main file, even the runc
 * runtime its default_runtime_name names: there the tables go into config.toml itself, where
 * none of them exists yet.
 */
export function usesDropIn(version: ContainerdVersion): boolean {
  return version.major === 2;
}

/**
 * The runtime's config for containerd:
 * - spin / wasmtime: `runtimes.<handler>` with the shim's `runtime_type` (formats.md §3, §5(b));
 * - wasmedge: crun as a runc-v2 runtime (`BinaryName`), with `pod_annotations` so the pod's
 *   `module.wasm.image/variant` reaches crun (formats.md §1, WasmEdge containerd-crun docs);
 * - containerd ≥ 2.3 with rootfs-layout images: `use_local_image_pull = true`
 *   (containerd-wasm-platform.md §1.1, §1.5; same table name in version 2 and 3 files).
 * For 2.x a whole drop-in file (`version = 3` first, as every imported file carries its own
 * version); for 1.7 tables to append to config.toml (`version = 2` there).
 */
export function containerdConfig(input: { runtime: ClusterRuntime; version: ContainerdVersion; rootfsImages: boolean; crunPath: string }): string {
  const { runtime, version } = input;
  const runtimes = runtimesTable(version);
  const dropIn = usesDropIn(version);
  const fileVersion = dropIn ? 3 : 2;
  const where = dropIn
    ? `containerd ${formatContainerdVersion(version)}: a drop-in that containerd merges into /etc/containerd/config.toml (which must import ${CONTAINERD_IMPORTS})`
    : `containerd ${formatContainerdVersion(version)} (config version = ${fileVersion}): append to /etc/containerd/config.toml; 1.7 would replace the main file's whole CRI table with an imported one`;
  const tables: TomlTableSnippet[] = [];
  if (runtime === "wasmedge") {
    tables.push(
      {
        path: [...runtimes, CONTAINERD_CRUN_HANDLER],
        comments: ["crun with WasmEdge as a runc-v2 runtime; pod_annotations lets the pod's Wasm variant through to crun"],
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
        `the ${handler} handler that RuntimeClass ${handler} names`,
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
        "The main config already has this table: in a drop-in, containerd merges the key into it.",
      ],
      entries: [["use_local_image_pull", true]],
    });
  }
  const head = [`# ${where}`];
  if (dropIn) {
    head.push("# each imported file carries its own version: 3 is what 2.0–2.2 write; 2.3 (version 4) migrates it on load");
    if (needsMigratedMainConfig(version)) head.push("# 2.0–2.2 migrate only after merging: a config.toml still at version = 2 must be migrated first (containerd config migrate)");
    head.push(`version = ${fileVersion}`);
  }
  return `${head.join("\n")}\n\n${tomlSnippet(tables)}`;
}

/**
 * containerd 2.0–2.2 merge every file first and migrate the result once, by the version the
 * merge ends with: the drop-in's 3 wins over a main file's 2, whose `io.containerd.grpc.v1.cri`
 * tables are then never migrated and drop out (2.1.9's `config dump` warns "Ignoring unknown key").
 * 2.3 migrates each file on its own.
 */
export function needsMigratedMainConfig(version: ContainerdVersion): boolean {
  return usesDropIn(version) && !needsLocalImagePull(version);
}

/** The main config's `imports` line that makes containerd read the drop-in. */
export function containerdImportsLine(): string {
  return [
    "# top level, before the first [table]; containerd reads files in conf.d only when the main config imports them.",
    `# \`containerd config default\` writes this line from 2.2 on; 2.0 and 2.1 write imports = [] (replace it), and`,
    "# distributions' files may have none. If the file already has an imports list, add the pattern to it.",
    `imports = [${JSON.stringify(CONTAINERD_IMPORTS)}]`,
  ].join("\n");
}
