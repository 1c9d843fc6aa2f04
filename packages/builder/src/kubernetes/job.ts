import type { Job } from "./kubernetes-objects.js";
import { namespaceField, workloadLabels } from "./object-meta.js";
import { podTemplate } from "./pod-template.js";
import type { ResolvedWorkload } from "./workload-options.js";

/**
 * A one-shot program's Job (batch/v1): the pod runs to completion once. `backoffLimit` pods are
 * retried after a failure; the Job controller picks the selector itself, so none is written.
 */
export function job(workload: ResolvedWorkload): Job {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: workload.name, ...namespaceField(workload), labels: workloadLabels(workload) },
    spec: {
      backoffLimit: workload.backoffLimit,
      template: podTemplate(workload),
    },
  };
}
