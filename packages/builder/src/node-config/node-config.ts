import { WasmpackError } from "@wasmpack/registry/errors";
import { defaultNodeSelector, SHIM_HANDLERS, type ClusterRuntime } from "../kubernetes/cluster-runtime.js";
import { runtimeClass } from "../kubernetes/runtime-class.js";
import { toYaml } from "../kubernetes/to-yaml.js";
import { CONTAINERD_CRUN_HANDLER, CONTAINERD_DROP_IN_DIR, containerdConfig, containerdDropInPath, containerdImportsLine, needsMigratedMainConfig, usesDropIn } from "./containerd-config.js";
import { DEFAULT_CONTAINERD_VERSION, formatContainerdVersion, needsLocalImagePull, parseContainerdVersion } from "./containerd-version.js";
import { CRIO_CRUN_HANDLER, CRIO_DROP_IN, crioAnnotationConfig, crioPlatformConfig, crunWasmLinkCommand, shellWord } from "./crio-config.js";

export type Cri = "containerd" | "crio";
export const CRIS: readonly Cri[] = ["containerd", "crio"];

export interface NodeConfigOptions {
  runtime: ClusterRuntime;
  /** Default: crio for wasmedge (crun's home), containerd for the shims (they exist only there). */
  cri?: Cri;
  /** `1.7`, `2.0` … `2.3`; default 2.3, whose snippet also works on 2.1 and 2.2. */
  containerdVersion?: string;
  /** Must match the workload's nodeSelector; default `{ <runtime>: "true" }` as `wasmpack k8s` uses. */
  nodeSelector?: Record<string, string>;
  /** What the node will pull: wasmpack's rootfs layouts (default) or Spin/Wasm artifacts, which need no unpack. */
  imageLayout?: "rootfs" | "artifact";
  crunPath?: string;
  /** The image platform CRI-O's platform_runtime_paths alternative keys on; default wasi/wasm. */
  platform?: string;
}

export interface NodeConfigSection {
  title: string;
  /** The file the text goes into, when it is one. */
  file?: string;
  language: "toml" | "yaml" | "shell";
  text: string;
}

export interface NodeConfig {
  runtime: ClusterRuntime;
  cri: Cri;
  containerdVersion?: string;
  sections: NodeConfigSection[];
  notes: string[];
}

/** `wasmpack node-config`: what an administrator adds on a node so the generated manifests run. Text only, pure. */
export function nodeConfig(options: NodeConfigOptions): NodeConfig {
  const { runtime } = options;
  const cri = options.cri ?? (runtime === "wasmedge" ? "crio" : "containerd");
  const crunPath = options.crunPath ?? "/usr/bin/crun";
  const nodeSelector = options.nodeSelector ?? defaultNodeSelector(runtime);
  const rootfsImages = (options.imageLayout ?? "rootfs") === "rootfs";
  const sections: NodeConfigSection[] = [];
  const notes: string[] = [];

  if (cri === "crio") {
    if (runtime !== "wasmedge") {
      throw new WasmpackError("usage", "NODE_CONFIG_UNSUPPORTED", `${SHIM_HANDLERS[runtime].binary} is a containerd shim; CRI-O cannot run it (containerd-wasm-platform.md §3): use --cri containerd`);
    }
    if (options.containerdVersion !== undefined) throw new WasmpackError("usage", "NODE_CONFIG_UNSUPPORTED", "--containerd-version applies to --cri containerd");
    sections.push(
      { title: "CRI-O: allow the Wasm annotation on the crun handler", file: CRIO_DROP_IN, language: "toml", text: crioAnnotationConfig(crunPath) },
      {
        title: "or instead: route images by platform to crun-wasm (no annotation needed)",
        file: CRIO_DROP_IN,
        language: "toml",
        text: crioPlatformConfig(crunPath, options.platform ?? "wasi/wasm"),
      },
      { title: "with that alternative only: create crun-wasm, the path it names", language: "shell", text: crunWasmLinkCommand(crunPath) },
      crunRuntimeClass(CRIO_CRUN_HANDLER, nodeSelector, "if crun is not CRI-O's default_runtime: a RuntimeClass for it (then wasmpack k8s --runtime-class crun)"),
    );
    notes.push(`crun must be built with WasmEdge: ${crunPath} --version lists +WASM:wasmedge`, "CRI-O pulls and unpacks wasi/wasm images without further configuration");
    sections.push(labelAndRestart(nodeSelector, "crio"));
    return { runtime, cri, sections, notes };
  }

  const version = parseContainerdVersion(options.containerdVersion ?? DEFAULT_CONTAINERD_VERSION);
  const handler = runtime === "wasmedge" ? CONTAINERD_CRUN_HANDLER : SHIM_HANDLERS[runtime].handler;
  const text = containerdConfig({ runtime, version, rootfsImages, crunPath });
  if (usesDropIn(version)) {
    // A drop-in, not tables for config.toml: 2.x's default config already has
    // [plugins."io.containerd.cri.v1.images"], and TOML refuses a table defined twice.
    sections.push(
      { title: `containerd ${formatContainerdVersion(version)}: the ${handler} runtime, as a drop-in (sudo mkdir -p ${CONTAINERD_DROP_IN_DIR})`, file: containerdDropInPath(runtime), language: "toml", text },
      { title: `unless it is there already: the line that makes containerd read ${CONTAINERD_DROP_IN_DIR}`, file: "/etc/containerd/config.toml", language: "toml", text: containerdImportsLine() },
    );
  } else {
    sections.push({ title: `containerd ${formatContainerdVersion(version)}: the ${handler} runtime`, file: "/etc/containerd/config.toml", language: "toml", text });
  }
  if (runtime === "wasmedge") {
    sections.push(crunRuntimeClass(CONTAINERD_CRUN_HANDLER, nodeSelector, "a RuntimeClass for crun (then wasmpack k8s --runtime-class crun)"));
    notes.push(`crun must be built with WasmEdge: ${crunPath} --version lists +WASM:wasmedge`);
  } else {
    notes.push(`install ${SHIM_HANDLERS[runtime].binary} on the node, in containerd's PATH; wasmpack k8s writes the RuntimeClass ${SHIM_HANDLERS[runtime].handler}`);
  }
  if (needsMigratedMainConfig(version)) {
    notes.push(
      `containerd ${formatContainerdVersion(version)} merges imported files before it migrates them: if /etc/containerd/config.toml still says version = 2, ` +
        "replace it with the output of containerd config migrate (before adding the drop-in), or its CRI settings stop applying",
    );
  }
  if (rootfsImages && !needsLocalImagePull(version)) {
    notes.push("containerd 2.3 and later also need use_local_image_pull = true for rootfs-layout images (wasmpack node-config --containerd-version 2.3)");
  }
  if (!rootfsImages) notes.push("artifact images (Spin OCI artifacts, raw wasm layers) need no unpack, so no pull setting on any containerd 2.x");
  sections.push(labelAndRestart(nodeSelector, "containerd", handler));
  return { runtime, cri, containerdVersion: formatContainerdVersion(version), sections, notes };
}

function crunRuntimeClass(handler: string, nodeSelector: Record<string, string>, title: string): NodeConfigSection {
  const object = runtimeClass({ name: handler, handler, nodeSelector, labels: { "app.kubernetes.io/name": handler, "app.kubernetes.io/managed-by": "wasmpack" } });
  return { title, language: "yaml", text: toYaml([object]).trimEnd() };
}

function labelAndRestart(nodeSelector: Record<string, string>, service: string, containerdHandler?: string): NodeConfigSection {
  const labels = Object.entries(nodeSelector).map(([k, v]) => shellWord(`${k}=${v}`));
  const lines = [`sudo systemctl restart ${service}`];
  // `containerd config dump` prints the config as containerd merged it: the handler shows up only if the file was read.
  if (containerdHandler) lines.push(`sudo containerd config dump | grep -F 'runtimes.${containerdHandler}]'`);
  lines.push(`kubectl label node NODE ${labels.join(" ")}`);
  return { title: "then restart the runtime and label the node so the workload's nodeSelector matches it", language: "shell", text: lines.join("\n") };
}

/** The sections as text for a terminal: each titled, with the file it belongs in. */
export function formatNodeConfig(config: NodeConfig): string {
  return config.sections
    .map((s) => {
      const heading = `# ${s.title}${s.file ? ` — ${s.file}` : ""}`;
      return `${heading}\n${s.text}\n`;
    })
    .join("\n");
}
