import { isReferrerEntry, type OciLayout } from "../layout/oci-layout.js";
import type { Descriptor, Digest } from "../oci/index.js";
import { artifactDescriptor, subjectOf, type Artifact } from "./artifact.js";

/**
 * Writes artifacts into a layout as referrers of their subjects: blobs and manifest, and an
 * untagged index.json entry carrying the artifactType (what `oras attach --oci-layout` keeps).
 * With `replace`, a subject's earlier referrers of the same artifactType go: a rebuild's SBOM
 * takes the place of the last one instead of piling up.
 */
export async function attachInLayout(layout: OciLayout, artifacts: readonly Artifact[], options: { replace?: boolean } = {}): Promise<Descriptor[]> {
  for (const artifact of artifacts) {
    for (const blob of [...artifact.blobs, artifact.manifest]) await layout.writeEncoded(blob);
  }
  const entries = artifacts.map(artifactDescriptor);
  const replaced = options.replace ? await referrersIn(layout, (descriptor, subject) => artifacts.some((a) => a.subject.digest === subject && a.artifactType === descriptor.artifactType)) : [];
  const drop = new Set([...replaced.map((d) => d.digest), ...entries.map((d) => d.digest)]);
  await layout.updateIndex((manifests) => [...manifests.filter((m) => !(isReferrerEntry(m) && drop.has(m.digest))), ...entries]);
  return entries;
}

/** The referrers a layout holds for `subject` (optionally of one artifactType), in index order. */
export function layoutReferrers(layout: OciLayout, subject: Digest, artifactType?: string): Promise<Descriptor[]> {
  return referrersIn(layout, (descriptor, of) => of === subject && (artifactType === undefined || descriptor.artifactType === artifactType));
}

/**
 * Drops referrer entries whose subject the layout no longer lists (an image a rebuild re-tagged
 * away), and the referrers of those, and so on. Their blobs stay, like any unreferenced blob.
 */
export async function pruneLayoutReferrers(layout: OciLayout): Promise<void> {
  const { manifests } = await layout.readIndex();
  const subjects = new Map<Digest, Digest | undefined>();
  for (const entry of manifests.filter(isReferrerEntry)) subjects.set(entry.digest, await subjectDigest(layout, entry));
  const kept = new Set(manifests.filter((m) => !isReferrerEntry(m)).map((m) => m.digest));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [digest, subject] of subjects) {
      if (!kept.has(digest) && subject && kept.has(subject)) {
        kept.add(digest);
        grew = true;
      }
    }
  }
  if ([...subjects.keys()].every((digest) => kept.has(digest))) return;
  await layout.updateIndex((entries) => entries.filter((m) => !isReferrerEntry(m) || kept.has(m.digest)));
}

async function referrersIn(layout: OciLayout, wanted: (descriptor: Descriptor, subject: Digest | undefined) => boolean): Promise<Descriptor[]> {
  const { manifests } = await layout.readIndex();
  const found: Descriptor[] = [];
  for (const entry of manifests.filter(isReferrerEntry)) {
    if (wanted(entry, await subjectDigest(layout, entry))) found.push(entry);
  }
  return found;
}

async function subjectDigest(layout: OciLayout, entry: Descriptor): Promise<Digest | undefined> {
  if (!(await layout.hasBlob(entry.digest))) return undefined;
  return subjectOf(await layout.readBlob(entry.digest), `${layout.dir} ${entry.digest}`)?.digest;
}
