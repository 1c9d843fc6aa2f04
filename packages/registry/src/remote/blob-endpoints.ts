import type { Digest } from "../oci/index.js";
import { signalOf, type CallOptions, type RepositoryHttp } from "./repository-http.js";
import { header, type ResponseBody } from "./transport.js";

/** `HEAD /v2/<name>/blobs/<digest>`: the blob's size when the repository has it. */
export async function headBlob(http: RepositoryHttp, digest: Digest, options?: CallOptions): Promise<{ size: number } | undefined> {
  const response = await http.send({ method: "HEAD", url: http.url(`blobs/${digest}`), ...signalOf(options) });
  if (response.status !== 200 && response.status !== 404) throw await http.fail(response, "HEAD", `blob ${digest}`, "blob");
  await response.body.dump().catch(() => undefined);
  if (response.status === 404) return undefined;
  return { size: Number(header(response, "content-length") ?? -1) };
}

export interface BlobDownload {
  body: ResponseBody;
  /** Where the body starts: `offset` when the registry honoured the range, else 0. */
  start: number;
  /** Content-Length of this body, when given. */
  length: number | undefined;
}

/**
 * `GET /v2/<name>/blobs/<digest>`, from `offset` with a `Range` request when asked. Registries
 * often redirect to blob storage; the transport follows without the registry's credentials.
 * With `retry: false` it is sent once: the caller retries the whole download (`remoteSource`).
 */
export async function getBlob(http: RepositoryHttp, digest: Digest, offset = 0, options?: CallOptions & { retry?: boolean }): Promise<BlobDownload> {
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  const once = options?.retry === false ? { retry: false } : {};
  const response = await http.send({ method: "GET", url: http.url(`blobs/${digest}`), headers, ...once, ...signalOf(options) });
  if (response.status !== 200 && response.status !== 206) throw await http.fail(response, "GET", `blob ${digest}`, "blob");
  const length = header(response, "content-length");
  return { body: response.body, start: response.status === 206 ? offset : 0, length: length === undefined ? undefined : Number(length) };
}
