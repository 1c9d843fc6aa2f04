import { WasmpackError } from "../errors.js";
import { isReferrerEntry, type OciLayout } from "../layout/oci-layout.js";
import { parseManifest, type Descriptor, type Digest } from "../oci/index.js";
import { artifactDescriptor, type Artifact } from "./artifact.js";

/**
 * Writes artifacts into a layout as referrers of their subjects: blobs and manifest, and an
 * untagged index.json entry carrying the artifactType (what `oras attach --oci-layout` keeps).
 * `replace` first drops the named subjects' referrers of the named artifactTypes: a rebuild's
 * SBOM takes the place of the last one, and a build with `--no-sbom` leaves none behind. Entries
 * whose subject the layout no longer lists (an image a rebuild re-tagged away), and the referrers
 * of those, go too; their blobs stay, like any unreferenced blob.
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
  const existing = await storedReferrers(layout);
  const { replace } = options;
  const dropped = new Set([
    ...entries.map((entry) => entry.digest),
    ...existing.filter(({ entry, subject }) => replace && subject && replace.subjects.includes(subject) && replace.artifactTypes.includes(entry.artifactType ?? "")).map(({ entry }) => entry.digest),
  ]);
  const subjects = new Map<Digest, Digest | undefined>([
    ...existing.map(({ entry, subject }): [Digest, Digest | undefined] => [entry.digest, subject]),
    ...artifacts.map((artifact): [Digest, Digest] => [artifact.manifest.descriptor.digest, artifact.subject.digest]),
  ]);
  await layout.updateIndex((manifests) => withoutOrphans([...manifests.filter((m) => !(isReferrerEntry(m) && dropped.has(m.digest))), ...entries], subjects));
  return entries;
}

/** The referrers a layout holds for `subject` (optionally of one artifactType), in index order. */
export async function layoutReferrers(layout: OciLayout, subject: Digest, artifactType?: string): Promise<Descriptor[]> {
  return (await storedReferrers(layout, subject, artifactType)).map(({ entry }) => entry);
}

/** The referrers a layout holds for `subject`, read back whole (their blobs are small: SBOMs, statements, signatures). */
export async function layoutArtifacts(layout: OciLayout, subject: Digest): Promise<Artifact[]> {
  const artifacts: Artifact[] = [];
  for (const { entry, bytes } of await storedReferrers(layout, subject)) {
    const where = `${layout.dir} ${entry.digest}`;
    const parsed = parseManifest(bytes!, entry.mediaType, where);
    if (parsed.kind !== "manifest") throw new WasmpackError("input", "REFERRER_INVALID", `${where} is listed as a referrer but is an index`);
    const { manifest } = parsed;
    const blobs = [];
    for (const blob of [manifest.config, ...manifest.layers]) blobs.push({ descriptor: blob, bytes: await layout.readBlob(blob.digest) });
    artifacts.push({
      artifactType: manifest.artifactType ?? manifest.config.mediaType,
      subject: manifest.subject!,
      manifest: { descriptor: { mediaType: parsed.mediaType, digest: entry.digest, size: bytes!.byteLength }, bytes: bytes! },
      blobs,
    });
  }
  return artifacts;
}

interface StoredReferrer {
  entry: Descriptor;
  /** The manifest's subject; undefined when its blob is missing or it has none. */
  subject: Digest | undefined;
  bytes: Uint8Array | undefined;
}

/** The index's referrer entries (of one subject and artifactType when given), each manifest read once. */
async function storedReferrers(layout: OciLayout, subject?: Digest, artifactType?: string): Promise<StoredReferrer[]> {
  const { manifests } = await layout.readIndex();
  const found: StoredReferrer[] = [];
  for (const entry of manifests.filter(isReferrerEntry)) {
    if (artifactType !== undefined && entry.artifactType !== artifactType) continue;
    const bytes = (await layout.hasBlob(entry.digest)) ? await layout.readBlob(entry.digest) : undefined;
    const parsed = bytes && parseManifest(bytes, entry.mediaType, `${layout.dir} ${entry.digest}`);
    const of = parsed ? (parsed.kind === "manifest" ? parsed.manifest.subject : parsed.index.subject)?.digest : undefined;
    if (subject === undefined || of === subject) found.push({ entry, subject: of, bytes });
  }
  return found;
}

/** The entries whose referrers chain (through `subjects`) reaches an image the index lists. */
function withoutOrphans(manifests: Descriptor[], subjects: ReadonlyMap<Digest, Digest | undefined>): Descriptor[] {
  const kept = new Set(manifests.filter((m) => !isReferrerEntry(m)).map((m) => m.digest));
  for (let grew = true; grew; ) {
    grew = false;
    for (const m of manifests) {
      const subject = subjects.get(m.digest);
      if (!kept.has(m.digest) && subject && kept.has(subject)) {
        kept.add(m.digest);
        grew = true;
      }
    }
  }
  return manifests.filter((m) => kept.has(m.digest));
}
