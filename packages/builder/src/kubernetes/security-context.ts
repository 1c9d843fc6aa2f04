import type { ContainerSecurityContext, PodSecurityContext } from "./kubernetes-objects.js";

/**
 * An unprivileged UID. A FROM-scratch Wasm image has no /etc/passwd and no `User` in its config,
 * so `runAsNonRoot` alone would fail at pod start: the kubelet takes the missing user as root and
 * refuses ("container has runAsNonRoot and image will run as root"). A numeric runAsUser is
 * checked as a number, and neither crun nor the runwasi shims need /etc/passwd for numeric IDs.
 * The image's files are world-readable (wasm 0755, data 0644), so this UID can load them.
 */
export const WASM_RUN_AS = 65532;

/**
 * Pod-level settings of the Pod Security Standard "restricted" profile. Ports below 1024 (Spin
 * serves on 80) are opened to the non-root user with the namespaced `ip_unprivileged_port_start`
 * sysctl, a "safe" sysctl since Kubernetes 1.22 that "restricted" allows; containerd ≥ 2.0 sets it
 * on every pod anyway, containerd 1.7 and CRI-O do not. Granting NET_BIND_SERVICE instead would
 * not work: Kubernetes has no ambient capabilities, so a non-root process never holds it. A Job
 * listens on nothing and passes no port.
 */
export function podSecurityContext(port?: number): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: WASM_RUN_AS,
    runAsGroup: WASM_RUN_AS,
    seccompProfile: { type: "RuntimeDefault" },
    ...(port !== undefined && port < 1024 ? { sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }] } : {}),
  };
}

/** Container-level "restricted" settings. The rootfs is read-only: a module has no business writing into its image. */
export function containerSecurityContext(): ContainerSecurityContext {
  return { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };
}
