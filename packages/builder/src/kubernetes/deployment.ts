import type { Deployment } from "./kubernetes-objects.js";
import { namespaceField, selectorLabels, workloadLabels } from "./object-meta.js";
import { podTemplate } from "./pod-template.js";
import type { ResolvedWorkload } from "./workload-options.js";

/** A server's Deployment: `replicas` copies of the pod (`podTemplate`), selected by name. */
export function deployment(workload: ResolvedWorkload): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: workload.name, ...namespaceField(workload), labels: workloadLabels(workload) },
    spec: {
      replicas: workload.replicas,
      selector: { matchLabels: selectorLabels(workload) },
      template: podTemplate(workload),
    },
  };
}
