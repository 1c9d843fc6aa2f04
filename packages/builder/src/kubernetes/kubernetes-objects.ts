/**
 * The subset of the Kubernetes API that wasmpack writes, as plain typed objects. Keys are
 * declared (and always built) in the order `kubectl get -o yaml` shows them, so the YAML reads
 * naturally and is byte-for-byte stable.
 */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ResourceList {
  cpu: string;
  memory: string;
}

export interface ResourceRequirements {
  requests: ResourceList;
  limits: ResourceList;
}

export interface HttpProbe {
  httpGet: { path: string; port: string };
  initialDelaySeconds?: number;
  periodSeconds: number;
  failureThreshold?: number;
}

export interface ContainerSecurityContext {
  allowPrivilegeEscalation: false;
  readOnlyRootFilesystem: true;
  capabilities: { drop: ["ALL"] };
}

export interface PodSecurityContext {
  runAsNonRoot: true;
  runAsUser: number;
  runAsGroup: number;
  seccompProfile: { type: "RuntimeDefault" };
  sysctls?: { name: string; value: string }[];
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  ports: { name: string; containerPort: number; protocol: "TCP" }[];
  resources: ResourceRequirements;
  readinessProbe?: HttpProbe;
  livenessProbe?: HttpProbe;
  securityContext: ContainerSecurityContext;
}

export interface PodSpec {
  runtimeClassName?: string;
  nodeSelector: Record<string, string>;
  automountServiceAccountToken: false;
  securityContext: PodSecurityContext;
  containers: Container[];
}

export interface Deployment {
  apiVersion: "apps/v1";
  kind: "Deployment";
  metadata: ObjectMeta;
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: Omit<ObjectMeta, "name" | "namespace">; spec: PodSpec };
  };
}

export type ServiceType = "ClusterIP" | "NodePort";

export interface Service {
  apiVersion: "v1";
  kind: "Service";
  metadata: ObjectMeta;
  spec: {
    type: ServiceType;
    selector: Record<string, string>;
    ports: { name: string; protocol: "TCP"; port: number; targetPort: string; nodePort?: number }[];
  };
}

/** Cluster-scoped: no namespace. */
export interface RuntimeClass {
  apiVersion: "node.k8s.io/v1";
  kind: "RuntimeClass";
  metadata: Omit<ObjectMeta, "namespace">;
  handler: string;
  scheduling?: { nodeSelector: Record<string, string> };
}

export type KubernetesObject = RuntimeClass | Deployment | Service;
