export { CLUSTER_RUNTIMES, WASM_VARIANTS, isClusterRuntime, isWasmVariant, type ClusterRuntime, type WasmVariant } from "./cluster-runtime.js";
export { generateManifests, type GeneratedManifests } from "./generate-manifests.js";
export type { Deployment, Job, KubernetesObject, RuntimeClass, Service, ServiceType } from "./kubernetes-objects.js";
export { toKubernetesName } from "./kubernetes-names.js";
export type { ResourceOverrides } from "./resources.js";
export { toYaml } from "./to-yaml.js";
export type { WorkloadOptions } from "./workload-options.js";
