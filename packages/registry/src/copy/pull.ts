import type { OciLayout } from "../layout/oci-layout.js";
import type { Descriptor, Digest, Reference } from "../oci/index.js";
import { defaultTarget } from "../remote/repository.js";
import { copy } from "./copy.js";
import { pullReferrers } from "../referrers/pull-referrers.js";
import { layoutTarget } from "./layout-store.js";
import { remoteSource } from "./remote-store.js";
import { withClient, type TransferOptions } from "./transfer-options.js";

export interface PullOptions extends TransferOptions {
  /** Names to tag the image with in the layout; default the reference's tag, else its digest. */
  tags?: readonly string[];
  /** Also copies the image's referrers (SBOMs, provenance, signatures), listed untagged in index.json. */
  referrers?: boolean;
}

export interface PullResult {
  digest: Digest;
  descriptor: Descriptor;
  tags: readonly string[];
  /** Blobs downloaded, and blobs the layout already had. */
  pulled: number;
  skipped: number;
  /** Bytes downloaded: blobs and manifests. */
  bytes: number;
  /** The referrers copied with `referrers`. */
  referrers?: Descriptor[];
}

/**
 * Pulls an image (by tag or digest; an index with all its children) into an OCI layout. Every
 * manifest is checked against its digest and every blob streamed through the layout's verified
 * write, so a mismatch is an `integrity` error that leaves nothing under a valid name.
 */
export async function pullToLayout(source: Reference, layout: OciLayout, options: PullOptions = {}): Promise<PullResult> {
  return withClient(options, async (client) => {
    const repository = client.repository(source, "pull");
    // OciLayout.writeBlob hashes and sizes every blob itself.
    const from = remoteSource(repository, { signal: options.signal, verifyBlobs: false });
    const root = await from.resolve(defaultTarget(source));
    const tags = options.tags ?? [source.tag ?? root.digest];
    const target = layoutTarget(layout, client.retry, { signal: options.signal, onRetry: (retry) => options.onProgress?.({ type: "retry", retry }) });
    const result = await copy(from, target, root, { tags, concurrency: options.concurrency, onProgress: options.onProgress });
    const referrers = options.referrers ? await pullReferrers(repository, layout, root.digest, client.retry, { ...(options.signal ? { signal: options.signal } : {}) }) : undefined;
    return { digest: result.digest, descriptor: root, tags, pulled: result.transferred, skipped: result.skipped, bytes: result.bytes, ...(referrers ? { referrers } : {}) };
  });
}
