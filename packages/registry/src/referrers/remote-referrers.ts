import { Readable } from "node:stream";
import { WasmpackError } from "../errors.js";
import { MediaType, encodeIndex, formatRepository, parseManifest, type Descriptor, type Digest, type EncodedBlob } from "../oci/index.js";
import { uploadBlob } from "../remote/blob-upload.js";
import { RegistryError } from "../remote/registry-error.js";
import type { CallOptions } from "../remote/repository-http.js";
import type { RemoteRepository } from "../remote/repository.js";
import type { RetryOptions } from "../remote/retry-policy.js";
import { artifactDescriptor, fallbackTag, type Artifact } from "./artifact.js";

/** How a registry keeps referrers: its referrers API, or an index under the `sha256-<hex>` tag. */
export type ReferrersVia = "api" | "tag";

export interface ReferrersList {
  referrers: Descriptor[];
  via: ReferrersVia;
}

/**
 * The referrers of `subject` in a repository (optionally of one artifactType): through the
 * referrers API, else — on a 404, as distribution-spec asks — the index the referrers tag
 * schema keeps under `sha256-<hex>`.
 */
export async function listReferrers(repository: RemoteRepository, subject: Digest, options: CallOptions & { artifactType?: string } = {}): Promise<ReferrersList> {
  const fromApi = await repository.fetchReferrers(subject, options);
  const { referrers, via } = fromApi ? { referrers: fromApi, via: "api" as const } : { referrers: (await fallbackIndex(repository, subject, options)) ?? [], via: "tag" as const };
  const wanted = options.artifactType;
  return { referrers: wanted ? referrers.filter((r) => r.artifactType === wanted) : referrers, via };
}

/**
 * How referrers of `subjects` will be pushed to a repository, found out before anything is
 * pushed: does the registry have the referrers API, and else is each subject's `sha256-<hex>` tag
 * absent or an index we can add to. A refusal here leaves nothing pushed.
 */
export interface ReferrersPlan {
  api: boolean;
  /** Each subject's referrers as the registry lists them now (API or fallback index). */
  listed: Map<Digest, Descriptor[]>;
}

export async function planReferrers(repository: RemoteRepository, subjects: readonly Digest[], options: CallOptions = {}): Promise<ReferrersPlan> {
  const listed = new Map<Digest, Descriptor[]>();
  let api: boolean | undefined;
  for (const subject of new Set(subjects)) {
    const fromApi = api === false ? undefined : await repository.fetchReferrers(subject, options);
    api ??= fromApi !== undefined;
    listed.set(subject, fromApi ?? (await fallbackIndex(repository, subject, options)) ?? []);
  }
  return { api: api ?? false, listed };
}

/**
 * Pushes artifacts whose subjects the repository holds (distribution-spec, "Pushing Manifests
 * with Subject"): each artifact's blobs, then its manifest by digest. A registry that answers
 * with `OCI-Subject` keeps the list itself; for any other, the subject's fallback index gets the
 * new descriptors appended, the entries other tools put there kept and none listed twice. An
 * artifact the registry already lists for its subject is not sent again (a re-push is two GETs).
 */
export async function pushReferrers(
  repository: RemoteRepository,
  artifacts: readonly Artifact[],
  retry: RetryOptions,
  options: CallOptions & { plan?: ReferrersPlan } = {},
): Promise<{ pushed: Descriptor[]; via: ReferrersVia }> {
  if (artifacts.length === 0) return { pushed: [], via: "api" };
  const plan = options.plan ?? (await planReferrers(repository, artifacts.map((a) => a.subject.digest), options));
  const updates = new Map<Digest, Descriptor[]>();
  const pushed: Descriptor[] = [];
  const sent = new Set<Digest>();
  for (const artifact of artifacts) {
    const entry = artifactDescriptor(artifact);
    const subject = artifact.subject.digest;
    pushed.push(entry);
    if (plan.listed.get(subject)?.some((listed) => listed.digest === entry.digest)) continue;
    for (const blob of artifact.blobs) {
      if (sent.has(blob.descriptor.digest)) continue;
      await pushSmallBlob(repository, blob, retry, options);
      sent.add(blob.descriptor.digest);
    }
    const { descriptor, bytes } = artifact.manifest;
    const answer = await repository.putManifest(descriptor.digest, { bytes, mediaType: descriptor.mediaType, digest: descriptor.digest }, options);
    // The registry found the subject and lists the referrer itself; anything else needs the tag.
    if (answer.ociSubject === subject) continue;
    const known = plan.api ? ((await fallbackIndex(repository, subject, options)) ?? []) : (plan.listed.get(subject) ?? []);
    updates.set(subject, [...(updates.get(subject) ?? known), entry]);
  }
  for (const [subject, entries] of updates) {
    const merged = entries.filter((entry, i) => entries.findIndex((e) => e.digest === entry.digest) === i);
    const index = encodeIndex(merged);
    await repository.putManifest(fallbackTag(subject), { bytes: index.bytes, mediaType: MediaType.ImageIndex, digest: index.descriptor.digest }, options);
  }
  return { pushed, via: plan.api && updates.size === 0 ? "api" : "tag" };
}

/** The descriptors under the subject's `sha256-<hex>` tag, `undefined` when there is no such tag; anything but an index there is refused. */
async function fallbackIndex(repository: RemoteRepository, subject: Digest, options: CallOptions): Promise<Descriptor[] | undefined> {
  const tag = fallbackTag(subject);
  let fetched;
  try {
    fetched = await repository.fetchManifest(tag, options);
  } catch (error) {
    if (error instanceof RegistryError && error.status === 404) return undefined;
    throw error;
  }
  const where = `${formatRepository(repository.reference)}:${tag}`;
  const parsed = parseManifest(fetched.bytes, fetched.descriptor.mediaType, where);
  if (parsed.kind !== "index") {
    throw new WasmpackError("registry", "REFERRERS_TAG_NOT_INDEX", `${where} is the referrers tag of ${subject} but holds a ${parsed.mediaType}, not an image index; nothing was pushed (remove or retag it)`);
  }
  return parsed.index.manifests;
}

async function pushSmallBlob(repository: RemoteRepository, blob: EncodedBlob, retry: RetryOptions, options: CallOptions): Promise<void> {
  if ((await repository.headBlob(blob.descriptor.digest, options)) !== undefined) return;
  const content = { open: (start: number, end?: number) => Readable.from([blob.bytes.subarray(start, end)]) };
  await uploadBlob(repository, blob.descriptor, content, retry, options.signal ? { signal: options.signal } : {});
}
