import type { Service } from "./kubernetes-objects.js";
import { namespaceField, selectorLabels, workloadLabels } from "./object-meta.js";
import type { ResolvedWorkload } from "./workload-options.js";

/** Port 80 in front of the container's named `http` port. */
export function service(workload: ResolvedWorkload): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: workload.name, ...namespaceField(workload), labels: workloadLabels(workload) },
    spec: {
      type: workload.service.type,
      selector: selectorLabels(workload),
      ports: [
        {
          name: "http",
          protocol: "TCP",
          port: 80,
          targetPort: "http",
          ...(workload.service.nodePort !== undefined ? { nodePort: workload.service.nodePort } : {}),
        },
      ],
    },
  };
}
