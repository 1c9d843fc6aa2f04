import { WasmpackError } from "../errors.js";
import type { Digest } from "../oci/index.js";
import { repositoryScope } from "./auth.js";
import { redactUrl } from "./redact.js";
import { signalOf, type CallOptions, type RepositoryHttp } from "./repository-http.js";
import { header, type BodySource, type HttpResponse } from "./transport.js";

/** An open upload: where to send the next request and how many bytes the registry holds. */
export interface UploadSession {
  location: URL;
  /** The next byte the registry expects. */
  offset: number;
  /** `OCI-Chunk-Min-Length`: the smallest PATCH the registry accepts (distribution-spec main). */
  minChunkLength?: number;
}

export type UploadStart = { mounted: true } | { mounted: false; session: UploadSession };

const OCTET_STREAM = "application/octet-stream";

/**
 * `POST /v2/<name>/blobs/uploads/`, or with `?mount=<digest>&from=<repo>` to mount a blob from
 * another repository of the same registry: `201` means mounted, `202` an upload session opened
 * instead. A mount needs `pull` on the source repository as well.
 */
export async function startUpload(
  http: RepositoryHttp,
  mount: { digest: Digest; from: string } | undefined,
  options?: CallOptions,
): Promise<UploadStart> {
  const url = http.url("blobs/uploads/");
  if (mount) {
    url.searchParams.set("mount", mount.digest);
    url.searchParams.set("from", mount.from);
  }
  const extra = mount ? [repositoryScope(mount.from, ["pull"])] : [];
  const response = await http.send({ method: "POST", url, headers: { "content-length": "0" }, retry: false, ...signalOf(options) }, extra);
  if (response.status !== 202 && !(response.status === 201 && mount)) throw await http.fail(response, "POST", mount ? `blob ${mount.digest}` : "upload", "blob");
  await response.body.dump().catch(() => undefined);
  if (response.status === 201) return { mounted: true };
  const min = Number(header(response, "oci-chunk-min-length"));
  return {
    mounted: false,
    session: { location: sessionLocation(response), offset: 0, ...(Number.isSafeInteger(min) && min > 0 ? { minChunkLength: min } : {}) },
  };
}

/** `PATCH <location>` with `Content-Range: start-end` (inclusive): one chunk of a chunked upload. */
export async function patchUpload(
  http: RepositoryHttp,
  session: UploadSession,
  digest: Digest,
  chunk: { start: number; length: number; body: BodySource },
  options?: CallOptions,
): Promise<UploadSession> {
  const { start, length, body } = chunk;
  const response = await http.send({
    method: "PATCH",
    url: session.location,
    headers: { "content-type": OCTET_STREAM, "content-length": String(length), "content-range": `${start}-${start + length - 1}` },
    body,
    retry: false,
    ...signalOf(options),
  });
  if (response.status !== 202) throw await http.fail(response, "PATCH", `blob ${digest}`, "blob");
  await response.body.dump().catch(() => undefined);
  return { ...session, location: sessionLocation(response, session.location), offset: rangeEnd(response) ?? start + length };
}

/** `GET <location>`: where an upload stands (`204` with `Range: 0-<last byte>`). */
export async function uploadStatus(http: RepositoryHttp, session: UploadSession, digest: Digest, options?: CallOptions): Promise<UploadSession> {
  const response = await http.send({ method: "GET", url: session.location, retry: false, ...signalOf(options) });
  if (response.status !== 204) throw await http.fail(response, "GET", `blob ${digest}`, "blob");
  await response.body.dump().catch(() => undefined);
  return { ...session, location: sessionLocation(response, session.location), offset: rangeEnd(response) ?? 0 };
}

/**
 * `PUT <location>?digest=<digest>`: closes the upload, with the whole blob as body (monolithic
 * upload) or none (after the chunks). The registry hashes what it holds and refuses a mismatch.
 */
export async function finishUpload(
  http: RepositoryHttp,
  session: UploadSession,
  digest: Digest,
  content: { length: number; body: BodySource } | undefined,
  options?: CallOptions,
): Promise<void> {
  const url = new URL(session.location);
  url.searchParams.set("digest", digest);
  const response = await http.send({
    method: "PUT",
    url,
    headers: { "content-type": OCTET_STREAM, "content-length": String(content?.length ?? 0) },
    ...(content ? { body: content.body } : {}),
    retry: false,
    ...signalOf(options),
  });
  if (response.status !== 201 && response.status !== 204) throw await http.fail(response, "PUT", `blob ${digest}`, "blob");
  await response.body.dump().catch(() => undefined);
  const stored = header(response, "docker-content-digest");
  if (stored && stored !== digest) {
    throw new WasmpackError("integrity", "DIGEST_MISMATCH", `${http.registry} stored blob ${digest} as ${stored}`);
  }
}

/** The `Location` to use next, exactly as given (it may carry query state), resolved against the request. */
function sessionLocation(response: HttpResponse, fallback?: URL): URL {
  const location = header(response, "location");
  if (!location) {
    if (fallback) return fallback;
    throw new WasmpackError("registry", "LOCATION_MISSING", `${redactUrl(response.url)} opened an upload without a Location header`);
  }
  return new URL(location, response.url);
}

/** `Range: 0-<end>` (also `bytes=0-<end>`) as the next offset, `end + 1`. */
function rangeEnd(response: HttpResponse): number | undefined {
  const match = /^(?:bytes=)?0-(\d+)$/.exec(header(response, "range")?.trim() ?? "");
  return match ? Number(match[1]) + 1 : undefined;
}
