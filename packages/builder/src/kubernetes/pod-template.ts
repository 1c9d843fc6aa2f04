import { Annotation } from "@wasmpack/registry/oci";
import { SHIM_HANDLERS, type ClusterRuntime } from "./cluster-runtime.js";
import type { Container, HttpProbe, PodTemplate } from "./kubernetes-objects.js";
import { workloadLabels } from "./object-meta.js";
import { containerSecurityContext, podSecurityContext } from "./security-context.js";
import type { ResolvedWorkload } from "./workload-options.js";

/**
 * Whether the pod shares one PID namespace (`shareProcessNamespace: true`), so that the pause
 * process, not the module, is PID 1. Under crun's WasmEdge handler the module runs as PID 1 of
 * the container's PID namespace with no signal handler (a WASI preview 1 module cannot install
 * one), and the kernel drops SIGTERM sent to a PID 1 without a handler: `podman stop` and
 * `crictl stop --timeout 10` (containerd and CRI-O) waited the full 10 s and killed it (exit
 * 137), so every rollout would wait out terminationGracePeriodSeconds (30 s). With the PID
 * namespace shared the same stop took 0.035 s (exit 143). Measured for crun + WasmEdge only: the
 * runwasi shims (spin, wasmtime) start the engine in a container process of their own, through
 * youki's libcontainer, whose stop behaviour was not measured, so they are left as they are.
 */
export function sharesProcessNamespace(runtime: ClusterRuntime): boolean {
  return runtime === "wasmedge";
}

/**
 * The pod a Deployment or a Job runs. What differs per runtime:
 * - wasmedge: the pod carries `module.wasm.image/variant`, because crun reads it only from the
 *   runtime spec, which CRI-O and containerd fill from the pod, never from the image (formats.md
 *   §1); `runtimeClassName` only when asked (CRI-O's default crun, or a containerd `crun` class);
 *   `shareProcessNamespace` (see `sharesProcessNamespace`).
 * - spin: `runtimeClassName` always, and `command: ["/"]`: the CRI needs a command, and `/`
 *   is what containerd-shim-spin and crun's spin handler expect (formats.md §5(b)).
 * - wasmtime: `runtimeClassName` always; a rootfs image's entrypoint names the module (§3), a
 *   Wasm artifact has no entrypoint, so the pod names it, as runwasi's own k8s test does.
 * A Job's pod has no port and no probes, and is never restarted in place (`restartPolicy: Never`:
 * each retry is a new pod, and the failed one keeps its logs).
 */
export function podTemplate(workload: ResolvedWorkload): PodTemplate {
  const job = workload.kind === "job";
  const podAnnotations = workload.runtime === "wasmedge" ? { [Annotation.WasmVariant]: workload.variant } : undefined;
  return {
    metadata: { labels: workloadLabels(workload), ...(podAnnotations ? { annotations: podAnnotations } : {}) },
    spec: {
      ...runtimeClassName(workload),
      nodeSelector: workload.nodeSelector,
      // crun's WasmEdge handler preopens the container's `/` for the module (formats.md §1),
      // which would include a mounted service-account token; a Wasm service has no use for it.
      automountServiceAccountToken: false,
      ...(sharesProcessNamespace(workload.runtime) ? { shareProcessNamespace: true as const } : {}),
      securityContext: podSecurityContext(job ? undefined : workload.port),
      ...(job ? { restartPolicy: "Never" as const } : {}),
      containers: [container(workload)],
    },
  };
}

function container(workload: ResolvedWorkload): Container {
  const job = workload.kind === "job";
  return {
    name: workload.name,
    image: workload.image,
    ...command(workload),
    ...(job ? {} : { ports: [{ name: "http", containerPort: workload.port, protocol: "TCP" as const }] }),
    resources: workload.resources,
    ...(workload.health && !job ? probes(workload.health) : {}),
    securityContext: containerSecurityContext(),
  };
}

function command(workload: ResolvedWorkload): { command?: string[] } {
  if (workload.runtime === "spin") return { command: ["/"] };
  if (workload.runtime === "wasmtime" && workload.imageKind === "wasm-artifact") return { command: [`${workload.name}.wasm`] };
  return {};
}

/** Wasm starts in milliseconds, so no initial delay; liveness gives the app longer than readiness. */
function probes(path: string): { readinessProbe: HttpProbe; livenessProbe: HttpProbe } {
  return {
    readinessProbe: { httpGet: { path, port: "http" }, periodSeconds: 5 },
    livenessProbe: { httpGet: { path, port: "http" }, periodSeconds: 10, failureThreshold: 3 },
  };
}

function runtimeClassName(workload: ResolvedWorkload): { runtimeClassName?: string } {
  if (workload.runtimeClass) return { runtimeClassName: workload.runtimeClass };
  if (workload.runtime === "wasmedge") return {};
  return { runtimeClassName: SHIM_HANDLERS[workload.runtime].handler };
}
