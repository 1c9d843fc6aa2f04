import { Annotation } from "@wasmpack/registry/oci";
import { SHIM_HANDLERS } from "./cluster-runtime.js";
import type { Container, Deployment, HttpProbe } from "./kubernetes-objects.js";
import { namespaceField, selectorLabels, workloadLabels } from "./object-meta.js";
import { containerSecurityContext, podSecurityContext } from "./security-context.js";
import type { ResolvedWorkload } from "./workload-options.js";

/**
 * The app's Deployment. What differs per runtime:
 * - wasmedge: the pod carries `module.wasm.image/variant`, because crun reads it only from the
 *   runtime spec, which CRI-O and containerd fill from the pod, never from the image (formats.md
 *   §1); `runtimeClassName` only when asked (CRI-O's default crun, or a containerd `crun` class).
 * - spin: `runtimeClassName` always, and `command: ["/"]`: the CRI needs a command, and `/`
 *   is what containerd-shim-spin and crun's spin handler expect (formats.md §5(b)).
 * - wasmtime: `runtimeClassName` always; a rootfs image's entrypoint names the module (§3), a
 *   Wasm artifact has no entrypoint, so the pod names it, as runwasi's own k8s test does.
 */
export function deployment(workload: ResolvedWorkload): Deployment {
  const labels = workloadLabels(workload);
  const podAnnotations = workload.runtime === "wasmedge" ? { [Annotation.WasmVariant]: workload.variant } : undefined;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: workload.name, ...namespaceField(workload), labels },
    spec: {
      replicas: workload.replicas,
      selector: { matchLabels: selectorLabels(workload) },
      template: {
        metadata: { labels, ...(podAnnotations ? { annotations: podAnnotations } : {}) },
        spec: {
          ...runtimeClassName(workload),
          nodeSelector: workload.nodeSelector,
          // crun's WasmEdge handler preopens the container's `/` for the module (formats.md §1),
          // which would include a mounted service-account token; a Wasm service has no use for it.
          automountServiceAccountToken: false,
          securityContext: podSecurityContext(workload.port),
          containers: [container(workload)],
        },
      },
    },
  };
}

function container(workload: ResolvedWorkload): Container {
  return {
    name: workload.name,
    image: workload.image,
    ...command(workload),
    ports: [{ name: "http", containerPort: workload.port, protocol: "TCP" }],
    resources: workload.resources,
    ...(workload.health ? probes(workload.health) : {}),
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
