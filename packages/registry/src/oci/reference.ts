import { WasmpackError } from "../errors.js";
import { isDigest, type Digest } from "./digest.js";

/** A parsed image reference: `registry/repository[:tag][@digest]`. Made only by `parseReference`. */
export interface Reference {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: Digest;
  readonly __brand: "Reference";
}

export const DOCKER_HUB = "docker.io";
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/** `docker.io` for any of the names Docker Hub goes by (in any case), else `host` unchanged. */
export function canonicalRegistry(host: string): string {
  return DOCKER_HUB_ALIASES.has(host.toLowerCase()) ? DOCKER_HUB : host;
}

// distribution-spec "Pulling manifests": repository names and tags.
const COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
const REPOSITORY_PATTERN = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const REGISTRY_PATTERN = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:]+\])(?::[0-9]+)?$/;

export function isValidTag(tag: string): boolean {
  return TAG_PATTERN.test(tag);
}

/**
 * Parses a reference the way docker does: the first path component is a registry when it holds a
 * `.` or `:` or is `localhost`; otherwise the registry is Docker Hub, where one-component names
 * live under `library/`. Docker Hub's aliases all become `docker.io`.
 */
export function parseReference(input: string): Reference {
  const fail = (why: string): never => {
    throw new WasmpackError("usage", "REFERENCE_INVALID", `reference ${JSON.stringify(input)}: ${why}`);
  };
  let rest = input.trim();
  if (rest === "") fail("is empty");

  let digest: Digest | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    const d = rest.slice(at + 1);
    if (!isDigest(d)) fail(`${JSON.stringify(d)} is not a valid digest`);
    digest = d as Digest;
    rest = rest.slice(0, at);
  }

  let registry = DOCKER_HUB;
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  if (slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost" || first.startsWith("["))) {
    if (!REGISTRY_PATTERN.test(first)) fail(`${JSON.stringify(first)} is not a valid registry host`);
    registry = canonicalRegistry(first);
    rest = rest.slice(slash + 1);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_PATTERN.test(tag)) fail(`tag ${JSON.stringify(tag)} must match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}`);
  }
  if (registry === DOCKER_HUB && !rest.includes("/")) rest = `library/${rest}`;
  if (!REPOSITORY_PATTERN.test(rest)) fail(`repository ${JSON.stringify(rest)} must be lowercase letters, digits and separators`);

  return { registry, repository: rest, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) } as Reference;
}

/** The same reference with a different tag or digest (`undefined` removes it). */
export function withTarget(ref: Reference, target: { tag?: string; digest?: Digest }): Reference {
  const { tag, digest } = target;
  return { registry: ref.registry, repository: ref.repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) } as Reference;
}

export function formatRepository(ref: Reference): string {
  return `${ref.registry}/${ref.repository}`;
}

export function formatReference(ref: Reference): string {
  return `${formatRepository(ref)}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/** The host that serves Docker Hub's registry API. */
export function registryHost(registry: string): string {
  return registry === DOCKER_HUB ? "registry-1.docker.io" : registry;
}
