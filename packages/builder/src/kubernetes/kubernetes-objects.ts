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
  /** A Job's container has none: nothing connects to a program that runs once. */
  ports?: { name: string; containerPort: number; protocol: "TCP" }[];
  resources: ResourceRequirements;
  readinessProbe?: HttpProbe;
  livenessProbe?: HttpProbe;
  securityContext: ContainerSecurityContext;
}

export interface PodSpec {
  runtimeClassName?: string;
  nodeSelector: Record<string, string>;
  automountServiceAccountToken: false;
  /** Set where the module would otherwise be PID 1 of its own PID namespace (see `pod-template.ts`). */
  shareProcessNamespace?: true;
  securityContext: PodSecurityContext;
  /** Jobs only: a Deployment's pods always restart. */
  restartPolicy?: "Never";
  containers: Container[];
}

export interface PodTemplate {
  metadata: Omit<ObjectMeta, "name" | "namespace">;
  spec: PodSpec;
}

export interface Deployment {
  apiVersion: "apps/v1";
  kind: "Deployment";
  metadata: ObjectMeta;
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: PodTemplate;
  };
}

export interface Job {
  apiVersion: "batch/v1";
  kind: "Job";
  metadata: ObjectMeta;
  spec: {
    backoffLimit: number;
    template: PodTemplate;
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

export type KubernetesObject = RuntimeClass | Deployment | Job | Service;
