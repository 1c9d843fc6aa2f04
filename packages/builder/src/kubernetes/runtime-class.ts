import type { RuntimeClass } from "./kubernetes-objects.js";

/**
 * A RuntimeClass whose `handler` names the containerd `runtimes.<handler>` table that
 * `wasmpack node-config` prints. `scheduling.nodeSelector` makes every pod of the class land on
 * nodes labelled for it, even a pod that forgot its own nodeSelector.
 */
export function runtimeClass(input: { name: string; handler: string; nodeSelector: Record<string, string>; labels: Record<string, string> }): RuntimeClass {
  return {
    apiVersion: "node.k8s.io/v1",
    kind: "RuntimeClass",
    metadata: { name: input.name, labels: input.labels },
    handler: input.handler,
    scheduling: { nodeSelector: input.nodeSelector },
  };
}
