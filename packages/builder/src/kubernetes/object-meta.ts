import type { ResolvedWorkload } from "./workload-options.js";

/** Kubernetes recommended labels (`app.kubernetes.io/*`) on every object wasmpack writes. */
export function workloadLabels(workload: Pick<ResolvedWorkload, "name" | "version">): Record<string, string> {
  return {
    "app.kubernetes.io/name": workload.name,
    ...(workload.version ? { "app.kubernetes.io/version": workload.version } : {}),
    "app.kubernetes.io/managed-by": "wasmpack",
  };
}

/**
 * What the Deployment and the Service select on: the name only, because a Deployment's selector
 * is immutable and must keep matching across versions.
 */
export function selectorLabels(workload: Pick<ResolvedWorkload, "name">): Record<string, string> {
  return { "app.kubernetes.io/name": workload.name };
}

/** `metadata.namespace` when one was asked for; without it `kubectl apply -n` decides. */
export function namespaceField(workload: Pick<ResolvedWorkload, "namespace">): { namespace?: string } {
  return workload.namespace ? { namespace: workload.namespace } : {};
}
