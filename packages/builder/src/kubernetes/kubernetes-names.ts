import { WasmpackError } from "@wasmpack/registry/errors";

// Kubernetes object name and label syntax (apimachinery `validation.IsDNS1035Label`,
// `IsQualifiedName`, `IsValidLabelValue`).
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function fail(what: string, value: string, rule: string): never {
  throw new WasmpackError("usage", "K8S_NAME_INVALID", `${what} ${JSON.stringify(value)} ${rule}`);
}

/** A Service name must be a DNS-1035 label, so the app name is held to that (stricter than a Deployment's). */
export function checkAppName(name: string): string {
  if (name.length > 63 || !DNS1035_LABEL.test(name)) fail("name", name, "must be at most 63 lowercase letters, digits and '-', starting with a letter (pass --name)");
  return name;
}

/** RuntimeClass names are DNS subdomains (node.k8s.io/v1). */
export function checkRuntimeClassName(name: string): string {
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) fail("runtime class", name, "must be a DNS subdomain: lowercase letters, digits, '-' and '.'");
  return name;
}

export function checkNamespace(namespace: string): string {
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) fail("namespace", namespace, "must be at most 63 lowercase letters, digits and '-'");
  return namespace;
}

/** Label keys may carry a DNS-subdomain prefix (`example.com/role`). */
export function checkLabelKey(key: string, what = "label key"): string {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) fail(what, key, "has a prefix that is not a DNS subdomain");
  if (name.length > 63 || !LABEL_NAME.test(name)) fail(what, key, "must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
  return key;
}

export function checkLabelValue(value: string, what = "label value"): string {
  if (value.length > 63 || !LABEL_VALUE.test(value)) fail(what, value, "must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
  return value;
}

/** A derived name (crate or repository name) made fit for `checkAppName`: `spin_hello` → `spin-hello`. */
export function toKubernetesName(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return name || "app";
}

/** A version made fit for a label value (`1.0.0+build.5` → `1.0.0_build.5`); undefined when nothing is left. */
export function toLabelValue(text: string): string | undefined {
  const value = text
    .replace(/[^A-Za-z0-9_.-]/g, "_")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  return value || undefined;
}
