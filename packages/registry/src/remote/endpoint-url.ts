import { registryHost } from "../oci/index.js";

/**
 * Registries are reached over HTTPS, except loopback ones (`localhost`, 127.0.0.0/8, `[::1]`)
 * and hosts the user listed as insecure, which are reached over plain HTTP. There is no
 * HTTPS→HTTP fallback: it only adds a timeout per request (jib#1917).
 */
export function isLoopbackRegistry(registry: string): boolean {
  const host = hostWithoutPort(registry).toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function isInsecureRegistry(registry: string, insecure: readonly string[]): boolean {
  const host = hostWithoutPort(registry).toLowerCase();
  return insecure.some((entry) => {
    const e = entry.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/\/+$/, "");
    return e === registry.toLowerCase() || e === host;
  });
}

/** `https://host[:port]` (or `http://`) for a registry as a `Reference` names it. */
export function registryOrigin(registry: string, insecure: readonly string[] = []): string {
  const plain = isLoopbackRegistry(registry) || isInsecureRegistry(registry, insecure);
  return `${plain ? "http" : "https"}://${registryHost(registry)}`;
}

/** `host:5000` → `host`, `[::1]:5000` → `[::1]`. */
function hostWithoutPort(registry: string): string {
  if (registry.startsWith("[")) return registry.slice(0, registry.indexOf("]") + 1);
  const colon = registry.lastIndexOf(":");
  return colon >= 0 ? registry.slice(0, colon) : registry;
}
