import { WasmpackError } from "@wasmpack/registry/errors";
import { defaultNodeSelector, SHIM_HANDLERS, type ClusterRuntime } from "../kubernetes/cluster-runtime.js";
import { runtimeClass } from "../kubernetes/runtime-class.js";
import { toYaml } from "../kubernetes/to-yaml.js";
import { CONTAINERD_CRUN_HANDLER, containerdConfig } from "./containerd-config.js";
import { DEFAULT_CONTAINERD_VERSION, formatContainerdVersion, needsLocalImagePull, parseContainerdVersion } from "./containerd-version.js";
import { CRIO_CRUN_HANDLER, crioAnnotationConfig, crioPlatformConfig } from "./crio-config.js";

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
      { title: "CRI-O: allow the Wasm annotation on the crun handler", file: "/etc/crio/crio.conf.d/90-wasmpack-crun.conf", language: "toml", text: crioAnnotationConfig(crunPath) },
      {
        title: "or instead: route images by platform to crun-wasm (no annotation needed)",
        file: "/etc/crio/crio.conf.d/90-wasmpack-crun.conf",
        language: "toml",
        text: crioPlatformConfig(crunPath, options.platform ?? "wasi/wasm"),
      },
      crunRuntimeClass(CRIO_CRUN_HANDLER, nodeSelector, "if crun is not CRI-O's default_runtime: a RuntimeClass for it (then wasmpack k8s --runtime-class crun)"),
    );
    notes.push(`crun must be built with WasmEdge: ${crunPath} --version lists +WASM:wasmedge`, "CRI-O pulls and unpacks wasi/wasm images without further configuration");
    sections.push(labelAndRestart(nodeSelector, "crio"));
    return { runtime, cri, sections, notes };
  }

  const version = parseContainerdVersion(options.containerdVersion ?? DEFAULT_CONTAINERD_VERSION);
  sections.push({
    title: `containerd ${formatContainerdVersion(version)}: the ${runtime === "wasmedge" ? "crun" : SHIM_HANDLERS[runtime].handler} runtime`,
    file: "/etc/containerd/config.toml",
    language: "toml",
    text: containerdConfig({ runtime, version, rootfsImages, crunPath }),
  });
  if (runtime === "wasmedge") {
    sections.push(crunRuntimeClass(CONTAINERD_CRUN_HANDLER, nodeSelector, "a RuntimeClass for crun (then wasmpack k8s --runtime-class crun)"));
    notes.push(`crun must be built with WasmEdge: ${crunPath} --version lists +WASM:wasmedge`);
  } else {
    notes.push(`install ${SHIM_HANDLERS[runtime].binary} on the node, in containerd's PATH; wasmpack k8s writes the RuntimeClass ${SHIM_HANDLERS[runtime].handler}`);
  }
  if (rootfsImages && !needsLocalImagePull(version)) {
    notes.push("containerd 2.3 and later also need use_local_image_pull = true for rootfs-layout images (wasmpack node-config --containerd-version 2.3)");
  }
  if (!rootfsImages) notes.push("artifact images (Spin OCI artifacts, raw wasm layers) need no unpack, so no pull setting on any containerd 2.x");
  sections.push(labelAndRestart(nodeSelector, "containerd"));
  return { runtime, cri, containerdVersion: formatContainerdVersion(version), sections, notes };
}

function crunRuntimeClass(handler: string, nodeSelector: Record<string, string>, title: string): NodeConfigSection {
  const object = runtimeClass({ name: handler, handler, nodeSelector, labels: { "app.kubernetes.io/name": handler, "app.kubernetes.io/managed-by": "wasmpack" } });
  return { title, language: "yaml", text: toYaml([object]).trimEnd() };
}

function labelAndRestart(nodeSelector: Record<string, string>, service: string): NodeConfigSection {
  const labels = Object.entries(nodeSelector).map(([k, v]) => shellWord(`${k}=${v}`));
  return {
    title: "then restart the runtime and label the node so the workload's nodeSelector matches it",
    language: "shell",
    text: [`sudo systemctl restart ${service}`, `kubectl label node NODE ${labels.join(" ")}`].join("\n"),
  };
}

/** Label keys and values are `[A-Za-z0-9._/-]`, safe unquoted; anything else gets single quotes. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9._/=-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
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
