import type { Descriptor, Digest, Reference } from "../oci/index.js";
import { getBlob, headBlob, type BlobDownload } from "./blob-endpoints.js";
import { getManifest, headManifest, putManifest, type FetchedManifest } from "./manifest-endpoints.js";
import { getReferrers } from "./referrers-endpoints.js";
import type { CallOptions, RepositoryHttp } from "./repository-http.js";
import { finishUpload, patchUpload, startUpload, uploadStatus, type UploadSession, type UploadStart } from "./upload-endpoints.js";
import type { BodySource } from "./transport.js";

/**
 * One repository on a registry, one method per distribution-spec endpoint. Methods answer with
 * plain values and throw `WasmpackError`s (`RegistryError` for error statuses). Made by
 * `RegistryClient.repository` or `openRemote`.
 */
export class RemoteRepository {
  readonly #http: RepositoryHttp;
  readonly #ping: (options?: CallOptions) => Promise<void>;
  readonly #close: () => Promise<void>;

  /** @internal */
  constructor(http: RepositoryHttp, ping: (options?: CallOptions) => Promise<void>, close: () => Promise<void>) {
    this.#http = http;
    this.#ping = ping;
    this.#close = close;
  }

  get reference(): Reference {
    return this.#http.reference;
  }

  /** `/v2/<name>/<path>` on the registry, e.g. for messages. */
  url(path: string): URL {
    return this.#http.url(path);
  }

  /** `GET /v2/`: checks the registry answers and learns how it wants to be authenticated. Done once per client and registry. */
  ping(options?: CallOptions): Promise<void> {
    return this.#ping(options);
  }

  /** `HEAD` blob: its size when present, `undefined` when not. */
  headBlob(digest: Digest, options?: CallOptions): Promise<{ size: number } | undefined> {
    return headBlob(this.#http, digest, options);
  }

  /**
   * `GET` blob as a stream, from `offset` when the registry supports ranges. Not verified: see `copy`.
   * `retry: false` sends it once, for a caller that retries the whole download itself.
   */
  fetchBlob(digest: Digest, offset = 0, options?: CallOptions & { retry?: boolean }): Promise<BlobDownload> {
    return getBlob(this.#http, digest, offset, options);
  }

  /** `POST` an upload, or a cross-repository mount from `mount.from` (a repository on this registry). */
  startUpload(mount?: { digest: Digest; from: string }, options?: CallOptions): Promise<UploadStart> {
    return startUpload(this.#http, mount, options);
  }

  /** `PATCH` one chunk at `chunk.start`. */
  patchUpload(session: UploadSession, digest: Digest, chunk: { start: number; length: number; body: BodySource }, options?: CallOptions): Promise<UploadSession> {
    return patchUpload(this.#http, session, digest, chunk, options);
  }

  /** `GET` the upload's state. */
  uploadStatus(session: UploadSession, digest: Digest, options?: CallOptions): Promise<UploadSession> {
    return uploadStatus(this.#http, session, digest, options);
  }

  /** Final `PUT ?digest=`, with the whole blob (monolithic) or nothing (after chunks). */
  finishUpload(session: UploadSession, digest: Digest, content?: { length: number; body: BodySource }, options?: CallOptions): Promise<void> {
    return finishUpload(this.#http, session, digest, content, options);
  }

  /** `HEAD` manifest by tag or digest: the registry's descriptor, unverified. */
  headManifest(reference: string, options?: CallOptions): Promise<Descriptor | undefined> {
    return headManifest(this.#http, reference, options);
  }

  /** `GET` manifest by tag or digest, with its bytes verified against the digests. */
  fetchManifest(reference: string, options?: CallOptions): Promise<FetchedManifest> {
    return getManifest(this.#http, reference, options);
  }

  /** `PUT` manifest bytes under a tag or their digest; answers the registry's `OCI-Subject`, if any. */
  putManifest(reference: string, manifest: { bytes: Uint8Array; mediaType: string; digest: Digest }, options?: CallOptions): Promise<{ ociSubject?: string }> {
    return putManifest(this.#http, reference, manifest, options);
  }

  /** `GET /v2/<name>/referrers/<digest>`: the referrers list, or `undefined` when the registry has no referrers API (404). */
  fetchReferrers(digest: Digest, options?: CallOptions): Promise<Descriptor[] | undefined> {
    return getReferrers(this.#http, digest, options);
  }

  /** Releases the connections when this repository owns its client (`openRemote`). */
  close(): Promise<void> {
    return this.#close();
  }
}

/** The digest of a reference, else its tag, else `latest`. */
export function defaultTarget(reference: Reference): string {
  return reference.digest ?? reference.tag ?? "latest";
}
