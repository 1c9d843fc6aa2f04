import { copy } from "../copy/copy.js";
import { layoutTarget } from "../copy/layout-store.js";
import { remoteSource } from "../copy/remote-store.js";
import { isReferrerEntry, type OciLayout } from "../layout/oci-layout.js";
import { parseManifest, type Descriptor, type Digest } from "../oci/index.js";
import type { RemoteRepository } from "../remote/repository.js";
import type { RetryOptions } from "../remote/retry-policy.js";
import { referrerDescriptor } from "./artifact.js";
import { listReferrers } from "./remote-referrers.js";

/**
 * Copies the referrers of `subject` (API or fallback tag) into a layout, each with everything
 * under it, and lists them in index.json untagged with their artifactType, as `attachInLayout` does.
 */
export async function pullReferrers(repository: RemoteRepository, layout: OciLayout, subject: Digest, retry: RetryOptions, options: { signal?: AbortSignal } = {}): Promise<Descriptor[]> {
  const { referrers } = await listReferrers(repository, subject, options);
  const source = remoteSource(repository, { ...options, verifyBlobs: false });
  const target = layoutTarget(layout, retry, options);
  const entries: Descriptor[] = [];
  for (const referrer of referrers) {
    await copy(source, target, referrer, { tags: [] });
    // A fallback index written by another tool may leave out the artifactType, which the layout entry needs.
    const parsed = parseManifest(await layout.readBlob(referrer.digest), referrer.mediaType, `${layout.dir} ${referrer.digest}`);
    entries.push(parsed.kind === "manifest" ? referrerDescriptor(parsed.manifest, referrer) : referrer);
  }
  const pulled = new Set(entries.map((e) => e.digest));
  await layout.updateIndex((manifests) => [...manifests.filter((m) => !(isReferrerEntry(m) && pulled.has(m.digest))), ...entries]);
  return entries;
}
