import { WasmpackError } from "../errors.js";
import type { OciLayout } from "../layout/oci-layout.js";
import { isValidTag, type Descriptor, type Digest, type Reference } from "../oci/index.js";
import type { BlobUploadOptions } from "../remote/blob-upload.js";
import { uploadRecordsIn } from "../remote/upload-records.js";
import { copy } from "./copy.js";
import { layoutSource } from "./layout-store.js";
import { remoteTarget, type RemoteTargetOptions } from "./remote-store.js";
import { withClient, type TransferOptions } from "./transfer-options.js";

export interface PushOptions extends TransferOptions, Pick<BlobUploadOptions, "chunkThreshold" | "chunkSize"> {
  /** The image in the layout, by tag or digest; default the layout's only image. */
  source?: string;
  /** Tags to write; default the target's tag, or `latest`. A target that names only a digest is pushed by digest. */
  tags?: readonly string[];
  /** A repository on the target's registry (e.g. the base image's) whose blobs are mounted instead of uploaded. */
  mountFrom?: Reference;
  /**
   * A directory where the open sessions of chunked uploads are kept (per registry, repository and
   * blob), so that a push stopped half-way — by `stop`, `signal` or a killed process — resumes
   * them the next time instead of sending the blob again. None by default.
   */
  uploadRecords?: string;
  /** Ends the push at the next chunk boundary of each upload, so that the sessions it leaves can be resumed; `signal` cuts at once. */
  stop?: AbortSignal;
}

export interface PushResult {
  /** Digest of the pushed manifest (or index). */
  digest: Digest;
  descriptor: Descriptor;
  tags: readonly string[];
  /** Blobs uploaded, already present, and mounted from `mountFrom`. */
  pushed: number;
  skipped: number;
  mounted: number;
  /** Bytes uploaded: blobs and manifests. */
  bytes: number;
}

/**
 * Pushes an image from an OCI layout to a remote repository: a copy from the layout to the
 * registry. Blobs stream from their files, are skipped when the registry has them, and go up
 * before the manifest, which is sent with its exact bytes under each tag.
 */
export async function pushFromLayout(layout: OciLayout, target: Reference, options: PushOptions = {}): Promise<PushResult> {
  const root = await layout.resolve(options.source);
  if (target.digest && target.digest !== root.digest) {
    throw new WasmpackError("usage", "DIGEST_MISMATCH", `the image in ${layout.dir} is ${root.digest}, not ${target.digest} as the target names`);
  }
  const tags = checkedTags(options.tags ?? (target.tag ? [target.tag] : target.digest ? [] : ["latest"]));
  const mountFrom = mountRepository(target, options.mountFrom);
  return withClient(options, async (client) => {
    const repository = client.repository(target, "push");
    await repository.ping({ signal: options.signal });
    const records = options.uploadRecords ? uploadRecordsIn(options.uploadRecords, target.registry, target.repository) : undefined;
    const destination = remoteTarget(repository, client.retry, { ...uploadOptions(options, mountFrom), ...(records ? { records } : {}) }, client.blobLocations);
    const result = await copy(layoutSource(layout), destination, root, { tags, concurrency: options.concurrency, onProgress: options.onProgress });
    return { digest: result.digest, descriptor: root, tags, pushed: result.transferred, skipped: result.skipped, mounted: result.mounted, bytes: result.bytes };
  });
}

/** The upload settings of a push, with retries reported as progress. */
export function uploadOptions(options: PushOptions, mountFrom: string | undefined): RemoteTargetOptions {
  return {
    chunkThreshold: options.chunkThreshold,
    chunkSize: options.chunkSize,
    mountFrom,
    signal: options.signal,
    stop: options.stop,
    onRetry: (retry) => options.onProgress?.({ type: "retry", retry }),
  };
}

export function checkedTags(tags: readonly string[]): readonly string[] {
  const bad = tags.find((tag) => !isValidTag(tag));
  if (bad !== undefined) throw new WasmpackError("usage", "TAG_INVALID", `tag ${JSON.stringify(bad)} must match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}`);
  return tags;
}

/** The repository name to mount from, which must live on the target's registry. */
export function mountRepository(target: Reference, from: Reference | undefined): string | undefined {
  if (!from) return undefined;
  if (from.registry !== target.registry) {
    throw new WasmpackError("usage", "MOUNT_REGISTRY", `cannot mount blobs from ${from.registry} into ${target.registry}: a mount works within one registry`);
  }
  return from.repository === target.repository ? undefined : from.repository;
}
