import { WasmpackError } from "../errors.js";
import { DigestCounter, MANIFEST_MEDIA_TYPES, MediaType, digestAlgorithm, isDigest, isObject, type Descriptor, type Digest } from "../oci/index.js";
import { networkError } from "./network-error.js";
import { signalOf, type CallOptions, type RepositoryHttp } from "./repository-http.js";
import { header, type HttpResponse } from "./transport.js";

/** Every manifest type wasmpack reads: OCI and Docker, single-platform and index. */
const MANIFEST_ACCEPT = MANIFEST_MEDIA_TYPES.join(", ");

/** Manifests larger than this are refused (the spec asks registries to take at least 4 MB). */
const MANIFEST_LIMIT = 8 * 1024 * 1024;

/** A manifest's exact bytes and the descriptor computed from them. */
export interface FetchedManifest {
  descriptor: Descriptor;
  bytes: Uint8Array;
}

/** `HEAD /v2/<name>/manifests/<tag|digest>`: what the registry says it holds, unverified. */
export async function headManifest(http: RepositoryHttp, reference: string, options?: CallOptions): Promise<Descriptor | undefined> {
  const response = await http.send({ method: "HEAD", url: http.url(`manifests/${reference}`), headers: { accept: MANIFEST_ACCEPT }, ...signalOf(options) });
  if (response.status !== 200 && response.status !== 404) throw await http.fail(response, "HEAD", manifestSubject(reference), "manifest");
  await response.body.dump().catch(() => undefined);
  if (response.status === 404) return undefined;
  const digest = header(response, "docker-content-digest");
  if (!digest || !isDigest(digest)) {
    throw new WasmpackError("registry", "DIGEST_MISSING", `${http.registry} answered HEAD of ${manifestSubject(reference)} without a Docker-Content-Digest`);
  }
  return { mediaType: contentType(response) ?? MediaType.ImageManifest, digest, size: Number(header(response, "content-length") ?? 0) };
}

/**
 * `GET /v2/<name>/manifests/<tag|digest>`. The digest is computed from the bytes received; it
 * must equal the requested digest and the registry's `Docker-Content-Digest`, or it is an
 * integrity error.
 */
export async function getManifest(http: RepositoryHttp, reference: string, options?: CallOptions): Promise<FetchedManifest> {
  const subject = manifestSubject(reference);
  const response = await http.send({ method: "GET", url: http.url(`manifests/${reference}`), headers: { accept: MANIFEST_ACCEPT }, ...signalOf(options) });
  if (response.status !== 200) throw await http.fail(response, "GET", subject, "manifest");
  const bytes = await readManifestBytes(response, `${http.registry}/${http.reference.repository} ${subject}`);
  const claimed = header(response, "docker-content-digest");
  const algorithm = isDigest(reference) ? digestAlgorithm(reference) : claimed && isDigest(claimed) ? digestAlgorithm(claimed) : "sha256";
  const counter = new DigestCounter(algorithm);
  counter.update(bytes);
  const digest = counter.digest();
  for (const expected of [isDigest(reference) ? reference : undefined, claimed && isDigest(claimed) ? claimed : undefined]) {
    if (expected && expected !== digest) {
      throw new WasmpackError("integrity", "DIGEST_MISMATCH", `${http.registry}/${http.reference.repository} ${subject} should be ${expected} but its bytes hash to ${digest}`);
    }
  }
  return { descriptor: { mediaType: documentMediaType(bytes) ?? contentType(response) ?? MediaType.ImageManifest, digest, size: bytes.byteLength }, bytes };
}

/**
 * `PUT /v2/<name>/manifests/<tag|digest>` with the exact bytes and `Content-Type` equal to the
 * manifest's media type. Idempotent, so the transport may retry it. Answers the `OCI-Subject` a
 * registry with the referrers API returns for a manifest with a subject (distribution-spec).
 */
export async function putManifest(
  http: RepositoryHttp,
  reference: string,
  manifest: { bytes: Uint8Array; mediaType: string; digest: Digest },
  options?: CallOptions,
): Promise<{ ociSubject?: string }> {
  const { bytes, mediaType, digest } = manifest;
  const response = await http.send({
    method: "PUT",
    url: http.url(`manifests/${reference}`),
    headers: { "content-type": mediaType, "content-length": String(bytes.byteLength) },
    body: () => bytes,
    ...signalOf(options),
  });
  if (response.status !== 201 && response.status !== 200 && response.status !== 202) throw await http.fail(response, "PUT", manifestSubject(reference), "manifest");
  await response.body.dump().catch(() => undefined);
  const stored = header(response, "docker-content-digest");
  if (stored && isDigest(stored) && digestAlgorithm(stored) === digestAlgorithm(digest) && stored !== digest) {
    throw new WasmpackError("integrity", "DIGEST_MISMATCH", `${http.registry} stored manifest ${digest} as ${stored}`);
  }
  const ociSubject = header(response, "oci-subject");
  return ociSubject ? { ociSubject } : {};
}

export function manifestSubject(reference: string): string {
  return isDigest(reference) ? `manifest ${reference}` : `manifest "${reference}"`;
}

export async function readManifestBytes(response: HttpResponse, where: string): Promise<Uint8Array> {
  const declared = Number(header(response, "content-length") ?? 0);
  const tooLarge = () => new WasmpackError("registry", "MANIFEST_TOO_LARGE", `${where} is larger than ${MANIFEST_LIMIT} bytes`);
  if (declared > MANIFEST_LIMIT) {
    response.body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > MANIFEST_LIMIT) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (error) {
    response.body.destroy();
    if (error instanceof WasmpackError) throw error;
    throw networkError(error, "GET", response.url, 1);
  }
  return Buffer.concat(chunks);
}

function contentType(response: HttpResponse): string | undefined {
  return header(response, "content-type")?.split(";")[0]?.trim() || undefined;
}

function documentMediaType(bytes: Uint8Array): string | undefined {
  try {
    const doc: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return isObject(doc) && typeof doc["mediaType"] === "string" ? doc["mediaType"] : undefined;
  } catch {
    return undefined;
  }
}
