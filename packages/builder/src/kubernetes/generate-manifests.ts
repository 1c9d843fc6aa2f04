import { SHIM_HANDLERS } from "./cluster-runtime.js";
import { deployment } from "./deployment.js";
import { deploymentNotes } from "./deployment-notes.js";
import { job } from "./job.js";
import type { KubernetesObject } from "./kubernetes-objects.js";
import { runtimeClass } from "./runtime-class.js";
import { service } from "./service.js";
import { resolveWorkload, type WorkloadOptions } from "./workload-options.js";

export interface GeneratedManifests {
  /** RuntimeClass (spin, wasmtime), then Deployment and Service, or a Job: in the order `kubectl apply` needs them. */
  objects: KubernetesObject[];
  /** Lines for the administrator about node setup; not part of the YAML. */
  notes: string[];
}

/** `wasmpack k8s`: the Kubernetes objects that run an image on its runtime. Pure. */
export function generateManifests(options: WorkloadOptions): GeneratedManifests {
  const workload = resolveWorkload(options);
  const objects: KubernetesObject[] = [];
  // A --runtime-class names a class that already exists in the cluster; otherwise the shims get
  // theirs here. WasmEdge runs under crun, the default runtime on CRI-O, and needs none.
  if (workload.runtime !== "wasmedge" && !workload.runtimeClass) {
    const { handler } = SHIM_HANDLERS[workload.runtime];
    objects.push(
      runtimeClass({
        name: handler,
        handler,
        nodeSelector: workload.nodeSelector,
        labels: { "app.kubernetes.io/name": handler, "app.kubernetes.io/managed-by": "wasmpack" },
      }),
    );
  }
  if (workload.kind === "job") objects.push(job(workload));
  else objects.push(deployment(workload), service(workload));
  return { objects, notes: deploymentNotes(workload) };
}
