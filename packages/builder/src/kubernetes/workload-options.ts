import { WasmpackError } from "@wasmpack/registry/errors";
import { formatReference, parseReference } from "@wasmpack/registry/oci";
import type { ImageKind } from "../verify/classify-image.js";
import type { WorkloadKind } from "../verify/serving.js";
import { defaultContainerPort, defaultNodeSelector, type ClusterRuntime, type WasmVariant } from "./cluster-runtime.js";
import type { ResourceRequirements, ServiceType } from "./kubernetes-objects.js";
import { checkAppName, checkLabelKey, checkLabelValue, checkNamespace, checkRuntimeClassName, toLabelValue } from "./kubernetes-names.js";
import { resolveResources, type ResourceOverrides } from "./resources.js";

/** What `wasmpack k8s` knows about the app and the cluster; everything but image, runtime and name has a default. */
export interface WorkloadOptions {
  /** The pushed image, pinned by digest: `REPO@sha256:…`. */
  image: string;
  runtime: ClusterRuntime;
  /**
   * `deployment` (default) for a server, with a Service; `job` for a program that runs once and
   * exits (no Service, ports, probes or replicas). Which one fits is the caller's to decide
   * (`imageServing`).
   */
  kind?: WorkloadKind;
  /** Job only: retries after a failed pod; default 3. */
  backoffLimit?: number;
  /** The image's `module.wasm.image/variant`, put on the pod (wasmedge only; default compat-smart). */
  variant?: WasmVariant;
  name: string;
  version?: string;
  namespace?: string;
  /** Default 3. */
  replicas?: number;
  /** The port the app listens on; default 8080, and always 80 for spin. */
  port?: number;
  /** Default ClusterIP. */
  service?: { type: ServiceType; nodePort?: number };
  /** Default `{ <runtime>: "true" }`. */
  nodeSelector?: Record<string, string>;
  /** An existing RuntimeClass to run under; for spin and wasmtime it replaces the one generated. */
  runtimeClass?: string;
  /** HTTP path for readiness and liveness probes; no probes without it. */
  health?: string;
  resources?: ResourceOverrides;
  /** How the image is laid out (from `classifyImage`), for the node notes; rootfs assumed when unknown. */
  imageKind?: ImageKind;
}

export interface ResolvedWorkload {
  image: string;
  runtime: ClusterRuntime;
  kind: WorkloadKind;
  backoffLimit: number;
  variant: WasmVariant;
  name: string;
  version?: string;
  namespace?: string;
  replicas: number;
  port: number;
  service: { type: ServiceType; nodePort?: number };
  nodeSelector: Record<string, string>;
  runtimeClass?: string;
  health?: string;
  resources: ResourceRequirements;
  imageKind?: ImageKind;
}

function usage(code: string, message: string): never {
  throw new WasmpackError("usage", code, message);
}

/** Fills the defaults and checks every value the API server would otherwise reject later. */
export function resolveWorkload(options: WorkloadOptions): ResolvedWorkload {
  const ref = parseReference(options.image);
  if (!ref.digest) usage("IMAGE_NOT_PINNED", `image ${JSON.stringify(options.image)} is not pinned by digest; Kubernetes manifests name REPO@sha256:…`);

  const kind = options.kind ?? "deployment";
  if (kind === "job") {
    // Nothing connects to a program that runs once: refuse what only a server's objects hold.
    const serverOnly = [["replicas", options.replicas], ["port", options.port], ["service", options.service], ["health", options.health]] as const;
    const given = serverOnly.filter(([, value]) => value !== undefined).map(([name]) => `--${name}`);
    if (given.length > 0) usage("K8S_KIND_OPTION", `${given.join(", ")} appl${given.length > 1 ? "y" : "ies"} to --kind deployment; a Job runs once and has no replicas, port, Service or probes`);
  } else if (options.backoffLimit !== undefined) {
    usage("K8S_KIND_OPTION", "--backoff-limit applies to --kind job");
  }
  const backoffLimit = options.backoffLimit ?? 3;
  if (!Number.isSafeInteger(backoffLimit) || backoffLimit < 0) usage("K8S_BACKOFF_INVALID", `backoff limit ${backoffLimit} must be a whole number ≥ 0`);

  const replicas = options.replicas ?? 3;
  if (!Number.isSafeInteger(replicas) || replicas < 0) usage("K8S_REPLICAS_INVALID", `replicas ${replicas} must be a whole number ≥ 0`);

  const port = options.port ?? defaultContainerPort(options.runtime);
  if (!Number.isInteger(port) || port < 1 || port > 65535) usage("K8S_PORT_INVALID", `port ${port} must be 1–65535`);
  if (options.runtime === "spin" && port !== 80 && kind === "deployment") {
    usage("K8S_PORT_INVALID", `containerd-shim-spin serves on port 80 (formats.md §5(b)); --port ${port} cannot change that`);
  }

  const service = options.service ?? { type: "ClusterIP" };
  if (service.nodePort !== undefined) {
    if (service.type !== "NodePort") usage("K8S_SERVICE_INVALID", "a nodePort needs a NodePort service");
    if (!Number.isInteger(service.nodePort) || service.nodePort < 30000 || service.nodePort > 32767) {
      usage("K8S_SERVICE_INVALID", `nodePort ${service.nodePort} is outside the default NodePort range 30000–32767`);
    }
  }

  const nodeSelector = options.nodeSelector ?? defaultNodeSelector(options.runtime);
  for (const [key, value] of Object.entries(nodeSelector)) {
    checkLabelKey(key, "node selector key");
    checkLabelValue(value, "node selector value");
  }
  if (options.health !== undefined && !options.health.startsWith("/")) {
    usage("K8S_HEALTH_INVALID", `health path ${JSON.stringify(options.health)} must start with /`);
  }
  if (options.runtimeClass !== undefined) checkRuntimeClassName(options.runtimeClass);

  const version = options.version === undefined ? undefined : toLabelValue(options.version);
  return {
    image: formatReference(ref),
    runtime: options.runtime,
    kind,
    backoffLimit,
    variant: options.variant ?? "compat-smart",
    name: checkAppName(options.name),
    ...(version ? { version } : {}),
    ...(options.namespace !== undefined ? { namespace: checkNamespace(options.namespace) } : {}),
    replicas,
    port,
    service,
    nodeSelector,
    ...(options.runtimeClass !== undefined ? { runtimeClass: options.runtimeClass } : {}),
    ...(options.health !== undefined ? { health: options.health } : {}),
    resources: resolveResources(options.resources),
    ...(options.imageKind !== undefined ? { imageKind: options.imageKind } : {}),
  };
}
