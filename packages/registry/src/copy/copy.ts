import { parseManifest, type Descriptor, type Digest } from "../oci/index.js";
import { createLimiter } from "./limit.js";
import { byteReporter, type ProgressListener } from "./progress.js";
import type { BlobOutcome, SourceStore, TargetStore } from "./store.js";

export interface CopyOptions {
  /** Blobs transferred at once. Default 4. */
  concurrency?: number;
  /** Tags for the root manifest at the target; none writes it by digest only. */
  tags?: readonly string[];
  onProgress?: ProgressListener;
}

export interface CopyResult {
  /** The root manifest's digest. */
  digest: Digest;
  descriptor: Descriptor;
  /** Blobs written to the target, found there already, or mounted from another repository. */
  transferred: number;
  skipped: number;
  mounted: number;
  /** Bytes of the blobs transferred and of the manifests written (once per tag on a registry). */
  bytes: number;
  /** Manifests written (an index and its children count one each). */
  manifests: number;
}

/**
 * Copies the image graph under `root` from `source` to `target` (oras-go `copy.go`): blobs
 * first — a HEAD-style existence check, then transfer, `concurrency` at a time, each digest
 * once — then manifests, children before the index that lists them, each with its exact bytes.
 * The root is written last, under `tags`. A target that can say where the root stands
 * (`findRoot`, a registry) is asked first: tags that already name the root are not written
 * again, and below a manifest the target holds nothing is checked or sent.
 */
export async function copy(source: SourceStore, target: TargetStore, root: Descriptor, options: CopyOptions = {}): Promise<CopyResult> {
  const limit = createLimiter(options.concurrency ?? 4);
  const listener = options.onProgress;
  const result: CopyResult = { digest: root.digest, descriptor: root, transferred: 0, skipped: 0, mounted: 0, bytes: 0, manifests: 0 };
  const blobs = new Map<Digest, Promise<void>>();
  const manifests = new Map<Digest, Promise<void>>();
  // After a failure, queued blobs are not started: the copy is failing anyway.
  let failed = false;

  const skipBlob = (descriptor: Descriptor): Promise<void> => {
    if (!blobs.has(descriptor.digest)) {
      listener?.({ type: "blob-start", descriptor });
      target.notePresent?.(descriptor);
      result.skipped++;
      listener?.({ type: "blob-done", descriptor, outcome: "skipped" });
      blobs.set(descriptor.digest, Promise.resolve());
    }
    return blobs.get(descriptor.digest)!;
  };

  const copyBlob = (descriptor: Descriptor): Promise<void> => {
    let pending = blobs.get(descriptor.digest);
    if (!pending) {
      pending = limit(async () => {
        if (failed) throw STOPPED;
        listener?.({ type: "blob-start", descriptor });
        let outcome: BlobOutcome = "skipped";
        if (!isForeign(descriptor) && !(await target.blobExists(descriptor))) {
          outcome = await target.pushBlob(descriptor, source.blob(descriptor), byteReporter(descriptor, listener));
        }
        if (outcome === "transferred") result.bytes += descriptor.size;
        result[outcome]++;
        listener?.({ type: "blob-done", descriptor, outcome });
      }).catch((error: unknown) => {
        failed = true;
        throw error;
      });
      blobs.set(descriptor.digest, pending);
    }
    return pending;
  };

  /** `present`: the target holds this manifest (and so all below it); `tags`: the root's tags still to write. */
  const copyManifest = async (descriptor: Descriptor, tags: readonly string[], present: boolean): Promise<void> => {
    const bytes = await source.fetchManifest(descriptor);
    const parsed = parseManifest(bytes, descriptor.mediaType, `${source.name} ${descriptor.digest}`);
    const isRoot = descriptor === root;
    if (parsed.kind === "index") {
      await settleAll(parsed.index.manifests.map((child) => copyChild(child, present)));
    } else {
      const children = [parsed.manifest.config, ...parsed.manifest.layers];
      await settleAll(children.map((child) => (present ? skipBlob(child) : copyBlob(child))));
    }
    // A child the target holds was found so before its children; the root is written unless all its tags name it already.
    const write = isRoot ? !present || tags.length > 0 : !present && !(await target.manifestExists(descriptor));
    if (write) {
      // Content-Type must equal the document's own mediaType when it has one (distribution-spec).
      result.bytes += await target.pushManifest({ ...descriptor, mediaType: parsed.mediaType }, bytes, tags);
      result.manifests++;
    }
    listener?.({ type: "manifest-done", descriptor, tags: isRoot ? (options.tags ?? []) : tags, outcome: write ? "transferred" : "skipped" });
  };

  const copyChild = (descriptor: Descriptor, parentPresent: boolean): Promise<void> => {
    let pending = manifests.get(descriptor.digest);
    if (!pending) {
      // On a registry a child is looked up before its blobs: when it is there, they are too.
      pending = (async () => {
        const present = parentPresent || (target.findRoot !== undefined && (await target.manifestExists(descriptor)));
        await copyManifest(descriptor, [], present);
      })();
      manifests.set(descriptor.digest, pending);
    }
    return pending;
  };

  const tags = options.tags ?? [];
  const found = target.findRoot ? await target.findRoot(root, tags) : { exists: false, tagged: new Set<string>() };
  await copyManifest(root, tags.filter((tag) => !found.tagged.has(tag)), found.exists);
  return result;
}

/** Non-distributable ("foreign") layers live at their `urls`, not in registries. */
function isForeign(descriptor: Descriptor): boolean {
  return (descriptor.urls?.length ?? 0) > 0 && /nondistributable|foreign/.test(descriptor.mediaType);
}

const STOPPED = new Error("not started: the copy failed");

/** Waits for every task, then throws the first real failure, so no task is left running unseen. */
async function settleAll(tasks: Promise<void>[]): Promise<void> {
  const settled = await Promise.allSettled(tasks);
  const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected").map((s) => s.reason as unknown);
  if (rejected.length > 0) throw rejected.find((reason) => reason !== STOPPED) ?? rejected[0];
}
