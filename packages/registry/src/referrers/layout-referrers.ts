import { WasmpackError } from "../errors.js";
import { isReferrerEntry, type OciLayout } from "../layout/oci-layout.js";
import type { Descriptor, Digest } from "../oci/index.js";
import { artifactDescriptor, subjectOf, type Artifact } from "./artifact.js";
import { parseManifest } from "../oci/index.js";

/**
 * Writes artifacts into a layout as referrers of their subjects: blobs and manifest, and an
 * untagged index.json entry carrying the artifactType (what `oras attach --oci-layout` keeps).
 * `replace` first drops the named subjects' referrers of the named artifactTypes: a rebuild's
 * SBOM takes the place of the last one, and a build with `--no-sbom` leaves none behind.
 */
export async function attachInLayout(
  layout: OciLayout,
  artifacts: readonly Artifact[],
  options: { replace?: { subjects: readonly Digest[]; artifactTypes: readonly string[] } } = {},
): Promise<Descriptor[]> {
  for (const artifact of artifacts) {
    for (const blob of [...artifact.blobs, artifact.manifest]) await layout.writeEncoded(blob);
  }
  const entries = artifacts.map(artifactDescriptor);
  const replace = options.replace;
  const replaced = replace
    ? await referrersIn(layout, (descriptor, subject) => subject !== undefined && replace.subjects.includes(subject) && replace.artifactTypes.includes(descriptor.artifactType ?? ""))
    : [];
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

/** A referrer the layout holds, read back whole (its blobs are small: SBOMs, statements, signatures). */
export async function readLayoutArtifact(layout: OciLayout, descriptor: Descriptor): Promise<Artifact> {
  const bytes = await layout.readBlob(descriptor.digest);
  const where = `${layout.dir} ${descriptor.digest}`;
  const parsed = parseManifest(bytes, descriptor.mediaType, where);
  if (parsed.kind !== "manifest" || !parsed.manifest.subject) throw new WasmpackError("input", "REFERRER_INVALID", `${where} is listed as a referrer but has no subject`);
  const { manifest } = parsed;
  const blobs = [];
  for (const blob of [manifest.config, ...manifest.layers]) blobs.push({ descriptor: blob, bytes: await layout.readBlob(blob.digest) });
  return {
    artifactType: manifest.artifactType ?? manifest.config.mediaType,
    subject: manifest.subject!,
    manifest: { descriptor: { mediaType: parsed.mediaType, digest: descriptor.digest, size: bytes.byteLength }, bytes },
    blobs,
  };
}
