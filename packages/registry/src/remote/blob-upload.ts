import { Readable } from "node:stream";
import { WasmpackError } from "../errors.js";
import type { Descriptor } from "../oci/index.js";
import { countingChunks, countingStream } from "./counting-stream.js";
import type { RemoteRepository } from "./repository.js";
import { redactUrl } from "./redact.js";
import { RegistryError } from "./registry-error.js";
import { pauseBeforeRetry, retryStep, type StepRetryOptions } from "./retryable.js";
import type { RetryOptions } from "./retry-policy.js";
import type { RetryEvent } from "./transport.js";
import type { UploadSession } from "./upload-endpoints.js";
import type { UploadRecord, UploadRecords } from "./upload-records.js";

/** A blob that can be opened again, from any offset: a file, or a registry that serves ranges. */
export interface BlobContent {
  /** The bytes from `start` (inclusive) to `end` (exclusive; the end of the blob when omitted). */
  open(start: number, end?: number): Readable | Promise<Readable>;
  /**
   * The same bytes as a request body whose chunks may share memory: each chunk is valid only until
   * the next is asked for (see `fileChunks`). Uploads use it when present, instead of `open`.
   */
  openBody?(start: number, end: number): AsyncIterable<Uint8Array> | Promise<AsyncIterable<Uint8Array>>;
  /** Fails when the content cannot be what its descriptor says (a file of another size); called before an upload starts. */
  check?(): Promise<void>;
}

export interface BlobUploadOptions {
  /** Blobs of this size and above are sent in PATCH chunks; smaller ones in one PUT. Default 8 MiB. */
  chunkThreshold?: number;
  /** Bytes per PATCH; raised to the registry's `OCI-Chunk-Min-Length`. Default 32 MiB. */
  chunkSize?: number;
  /** A repository on the same registry to mount the blob from before uploading it. */
  mountFrom?: string;
  /** Bytes of this blob the registry has received so far (it may go back after a failure). */
  onBytes?: (sent: number) => void;
  onRetry?: (event: RetryEvent) => void;
  /** Cuts the upload at once, a request in flight included. */
  signal?: AbortSignal;
  /**
   * Ends the upload at the next chunk boundary: the chunk in flight is completed (and recorded),
   * no new request is started, and the upload fails with the signal's reason. With `records`,
   * a later upload of the blob then resumes where this one stopped.
   */
  stop?: AbortSignal;
  /**
   * Where the open session of a chunked upload is kept, across runs: saved when it opens and
   * after each chunk the registry acknowledges, removed once the blob is stored. An upload that
   * finds a record asks the registry where that session stands (`GET <location>`) and goes on
   * from there; when the registry has dropped it, a new session is opened.
   */
  records?: UploadRecords;
}

export const DEFAULT_CHUNK_THRESHOLD = 8 * 1024 * 1024;
/**
 * Each chunk is streamed from its file, never held in memory, and is the unit a failed upload
 * resumes from. 8 MiB chunks made a 256 MiB push 1.8x slower than one streamed PUT against
 * distribution on loopback; 32 MiB came within 10 % (bench/push.mjs, scenario 3).
 */
export const DEFAULT_CHUNK_SIZE = 32 * 1024 * 1024;

/**
 * Uploads one blob: a cross-repository mount when `mountFrom` is given, else a monolithic
 * POST + PUT below the threshold, else a POST, PATCHes of `chunkSize` streamed from `content`,
 * and a closing PUT. A failed PATCH asks the registry where the upload stands and resumes there;
 * when the registry has lost the session (distribution drops it after a broken PATCH), the
 * upload starts again from a new POST. Each attempt re-opens `content` at the right offset.
 */
export async function uploadBlob(
  repository: RemoteRepository,
  descriptor: Descriptor,
  content: BlobContent,
  retry: RetryOptions,
  options: BlobUploadOptions = {},
): Promise<"pushed" | "mounted"> {
  const steps = stepRetry(repository, descriptor, retry, options);
  return retryStep(() => uploadOnce(repository, descriptor, content, steps, options), steps);
}

async function uploadOnce(
  repository: RemoteRepository,
  descriptor: Descriptor,
  content: BlobContent,
  steps: StepRetryOptions,
  options: BlobUploadOptions,
): Promise<"pushed" | "mounted"> {
  const { digest, size } = descriptor;
  const call = options.signal ? { signal: options.signal } : {};
  stopIfAsked(options);
  const chunked = size >= (options.chunkThreshold ?? DEFAULT_CHUNK_THRESHOLD);
  // Content that cannot be right fails before a session is opened; a mount needs no local bytes.
  if (!options.mountFrom) await content.check?.();
  if (chunked && !options.mountFrom && options.records) {
    const record = await options.records.load(digest);
    const session = record && record.size === size ? await resumeSession(repository, digest, record, call) : undefined;
    if (session) {
      const progress = { acknowledged: false, finishing: false };
      try {
        await sendChunks(repository, descriptor, content, session, steps, options, progress);
        return "pushed";
      } catch (error) {
        if (options.signal?.aborted || options.stop?.aborted || !(error instanceof RegistryError)) throw error;
        // A session that took chunks again is worth resuming on the next attempt (its record is
        // up to date); one the registry refused from the start, or could not close (the bytes it
        // holds are not the blob), is given up for a new one.
        if (progress.acknowledged && !progress.finishing) throw error;
      }
    }
    if (record) await options.records.remove(digest);
  }
  const started = await repository.startUpload(options.mountFrom ? { digest, from: options.mountFrom } : undefined, call);
  if (started.mounted) {
    options.onBytes?.(size);
    return "mounted";
  }
  if (options.mountFrom) await content.check?.();
  const session: UploadSession = started.session;
  options.onBytes?.(0);

  if (!chunked) {
    const body = () => counted(openBody(content, 0, size), 0, options.onBytes);
    await repository.finishUpload(session, digest, { length: size, body }, call);
    return "pushed";
  }
  await options.records?.save(digest, record(session, size));
  await sendChunks(repository, descriptor, content, session, steps, options);
  return "pushed";
}

/** PATCHes from `session.offset` to the end of the blob, then the closing PUT. */
async function sendChunks(
  repository: RemoteRepository,
  descriptor: Descriptor,
  content: BlobContent,
  opened: UploadSession,
  steps: StepRetryOptions,
  options: BlobUploadOptions,
  progress: { acknowledged: boolean; finishing: boolean } = { acknowledged: false, finishing: false },
): Promise<void> {
  const { digest, size } = descriptor;
  const call = options.signal ? { signal: options.signal } : {};
  let session = opened;
  options.onBytes?.(session.offset);
  const chunkSize = Math.max(options.chunkSize ?? DEFAULT_CHUNK_SIZE, session.minChunkLength ?? 1);
  let failures = 0;
  while (session.offset < size) {
    stopIfAsked(options);
    const start = session.offset;
    const length = Math.min(chunkSize, size - start);
    try {
      const body = () => counted(openBody(content, start, start + length), start, options.onBytes);
      const next = await repository.patchUpload(session, digest, { start, length, body }, call);
      // The registry's Range is the truth; beyond what we sent means the session is confused.
      if (next.offset > start + length || next.offset <= start) {
        throw new WasmpackError("registry", "RANGE_INVALID", `${repository.reference.registry} reported ${next.offset} bytes of blob ${digest} after a chunk ending at ${start + length}`);
      }
      session = next;
      progress.acknowledged = true;
      await options.records?.save(digest, record(session, size));
      options.onBytes?.(session.offset);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      await pauseBeforeRetry(error, ++failures, steps);
      // Resume where the registry stands; when it cannot say (or says 0-0, which may mean 0 or
      // 1 byte), the session is given up and the outer loop opens a new one.
      const status = await repository.uploadStatus(session, digest, call).catch(() => undefined);
      if (!status || status.offset <= 1 || status.offset > size) throw error;
      session = status;
      await options.records?.save(digest, record(session, size));
      options.onBytes?.(session.offset);
    }
  }
  stopIfAsked(options);
  progress.finishing = true;
  await repository.finishUpload(session, digest, undefined, call);
  await options.records?.remove(digest);
}

/**
 * Where a recorded session stands, by `GET <location>` (distribution-spec "Get blob upload
 * status"): `204` with `Range`, go on from there. A registry that says the upload is unknown
 * (distribution also says BLOB_UPLOAD_INVALID for a session whose last PATCH broke off) or
 * cannot be reached there: `undefined`, start over. A registry without the status endpoint
 * (go-containerregistry's answers 400) gets the recorded offset: the next PATCH carries it in
 * `Content-Range`, which such a registry checks against what it holds (416 when they differ).
 */
async function resumeSession(repository: RemoteRepository, digest: Descriptor["digest"], record: UploadRecord, call: { signal?: AbortSignal }): Promise<UploadSession | undefined> {
  let recorded: UploadSession;
  try {
    recorded = { location: new URL(record.location), offset: record.offset };
  } catch {
    return undefined;
  }
  try {
    const status = await repository.uploadStatus(recorded, digest, call);
    return status.offset > 1 && status.offset <= record.size ? status : undefined;
  } catch (error) {
    if (call.signal?.aborted) throw error;
    if (!(error instanceof RegistryError)) return undefined;
    const unknown = error.status === 404 && error.errors.some((e) => e.code === "BLOB_UPLOAD_UNKNOWN" || e.code === "BLOB_UPLOAD_INVALID");
    const noStatusEndpoint = !unknown && [400, 404, 405, 501].includes(error.status) && record.offset > 0;
    return noStatusEndpoint ? recorded : undefined;
  }
}

function record(session: UploadSession, size: number): UploadRecord {
  return { location: session.location.href, offset: session.offset, size };
}

function stopIfAsked(options: BlobUploadOptions): void {
  if (options.stop?.aborted) throw options.stop.reason;
}

/** Retries of an upload are reported against the blob's URL, with the method that failed. */
function stepRetry(repository: RemoteRepository, descriptor: Descriptor, retry: RetryOptions, options: BlobUploadOptions): StepRetryOptions {
  const url = redactUrl(repository.url(`blobs/${descriptor.digest}`));
  return {
    retry,
    subject: (error) => ({ method: error instanceof RegistryError ? error.method : "PATCH", url }),
    onRetry: options.onRetry,
    signal: options.signal,
  };
}

function openBody(content: BlobContent, start: number, end: number): Readable | AsyncIterable<Uint8Array> | Promise<Readable | AsyncIterable<Uint8Array>> {
  return content.openBody ? content.openBody(start, end) : content.open(start, end);
}

async function counted(
  body: Readable | AsyncIterable<Uint8Array> | Promise<Readable | AsyncIterable<Uint8Array>>,
  base: number,
  onBytes: ((sent: number) => void) | undefined,
): Promise<Readable | AsyncIterable<Uint8Array>> {
  const source = await body;
  if (!onBytes) return source;
  return source instanceof Readable ? countingStream(source, base, onBytes) : countingChunks(source, base, onBytes);
}
