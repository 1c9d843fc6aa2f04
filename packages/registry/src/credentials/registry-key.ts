import { DOCKER_HUB, canonicalRegistry } from "../oci/index.js";

/**
 * How docker matches registry names against the keys of `auths` / `credHelpers`: a key may be a
 * bare host (`ghcr.io`), a URL (`https://ghcr.io`, `https://index.docker.io/v1/`) or, in old files,
 * a host with a path. Docker Hub goes by several names that all mean the same registry.
 */

/** The key `docker login` uses for Docker Hub, in `auths` and towards credential helpers. */
export const DOCKER_HUB_KEY = "https://index.docker.io/v1/";

/** `https://Host:5000/v1/` → `host:5000` (docker's `ConvertToHostname`, plus lower-casing). */
export function hostOf(keyOrHost: string): string {
  let rest = keyOrHost.trim();
  rest = rest.replace(/^https?:\/\//i, "");
  const slash = rest.indexOf("/");
  if (slash >= 0) rest = rest.slice(0, slash);
  return rest.toLowerCase();
}

export function isDockerHub(keyOrHost: string): boolean {
  return registryIdentity(keyOrHost) === DOCKER_HUB;
}

/** One name per registry: the host, with every Docker Hub alias folded into `docker.io`. */
export function registryIdentity(keyOrHost: string): string {
  return canonicalRegistry(hostOf(keyOrHost));
}

/** The key under which `login` stores a registry, and the server URL sent to credential helpers. */
export function storageKey(registry: string): string {
  return isDockerHub(registry) ? DOCKER_HUB_KEY : hostOf(registry);
}

/**
 * In podman's auth.json a key without a scheme but with a path (`quay.io/org/repo`) scopes
 * credentials to a namespace, so it must not be used for the registry as a whole.
 */
function isNamespaceKey(key: string): boolean {
  return !/^https?:\/\//i.test(key) && key.includes("/");
}

export interface KeyMatchOptions {
  /** Skip namespace-scoped keys (podman). Docker reduces every key to its host instead. */
  skipNamespaceKeys?: boolean;
}

/**
 * The key of `entries` that holds `registry`, or undefined. Several keys can match (`docker.io`
 * and `https://index.docker.io/v1/`); the one `login` writes wins, then the name exactly as
 * asked for, then the first in file order.
 */
export function findRegistryKey(keys: Iterable<string>, registry: string, options: KeyMatchOptions = {}): string | undefined {
  const wanted = registryIdentity(registry);
  const matches = [...keys].filter(
    (key) => !(options.skipNamespaceKeys && isNamespaceKey(key)) && registryIdentity(key) === wanted,
  );
  const preferred = storageKey(registry);
  return matches.find((k) => k === preferred) ?? matches.find((k) => k === registry) ?? matches[0];
}

/** Every key of `keys` that names the same registry (for logout, which removes them all). */
export function allRegistryKeys(keys: Iterable<string>, registry: string): string[] {
  const wanted = registryIdentity(registry);
  return [...keys].filter((key) => registryIdentity(key) === wanted);
}
