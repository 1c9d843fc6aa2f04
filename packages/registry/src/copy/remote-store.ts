import { WasmpackError } from "../errors.js";
import { formatRepository } from "../oci/index.js";
import { uploadBlob, type BlobUploadOptions } from "../remote/blob-upload.js";
import { defaultTarget, type RemoteRepository } from "../remote/repository.js";
import type { RetryOptions } from "../remote/retry-policy.js";
import { blobSlice } from "./remote-blob-stream.js";
import type { BlobLocations } from "../remote/blob-locations.js";
import type { SourceStore, TargetStore } from "./store.js";

export interface RemoteSourceOptions {
  signal?: AbortSignal;
  /**
   * Hash whole-blob reads here (default true). A target that verifies what it stores, like
   * `OciLayout.writeBlob`, can turn this off so every byte is hashed once.
   */
  verifyBlobs?: boolean;
}

/** A remote repository as the source of a copy (a pull). Manifests, and whole blobs unless told otherwise, are verified. */
export function remoteSource(repository: RemoteRepository, options: RemoteSourceOptions = {}): SourceStore {
  const name = formatRepository(repository.reference);
  const call = options.signal ? { signal: options.signal } : {};
  const verify = options.verifyBlobs ?? true;
  // The root is fetched whole to resolve it; its bytes are kept for the copy that follows.
  const fetched = new Map<string, Uint8Array>();
  return {
    name,
    async resolve(reference) {
      await repository.ping(call);
      const { descriptor, bytes } = await repository.fetchManifest(reference ?? defaultTarget(repository.reference), call);
      fetched.set(descriptor.digest, bytes);
      return descriptor;
    },
    async fetchManifest(descriptor) {
      const bytes = fetched.get(descriptor.digest) ?? (await repository.fetchManifest(descriptor.digest, call)).bytes;
      if (bytes.byteLength !== descriptor.size) {
        throw new WasmpackError("integrity", "SIZE_MISMATCH", `${name}: manifest ${descriptor.digest} is ${bytes.byteLength} bytes, its descriptor says ${descriptor.size}`);
      }
      return bytes;
    },
    blob(descriptor) {
      const url = repository.url(`blobs/${descriptor.digest}`);
      return {
        async open(start, end) {
          // Sent once: every reader retries the whole step around it (layoutTarget's download,
          // uploadBlob's session), so a transport retry here would multiply the two budgets.
          const download = await repository.fetchBlob(descriptor.digest, start, { ...call, retry: false });
          return blobSlice(download, descriptor, { name, url, verify }, start, end);
        },
      };
    },
  };
}

export interface RemoteTargetOptions extends Pick<BlobUploadOptions, "chunkThreshold" | "chunkSize" | "mountFrom" | "onRetry" | "signal" | "stop" | "records"> {}

/**
 * A remote repository as the target of a copy (a push): HEAD before upload, a cross-repository
 * mount when `mountFrom` is given or `locations` knows another repository of the registry that
 * holds the blob, manifests PUT with their exact bytes under each tag.
 */
export function remoteTarget(repository: RemoteRepository, retry: RetryOptions, options: RemoteTargetOptions = {}, locations?: BlobLocations): TargetStore {
  const call = options.signal ? { signal: options.signal } : {};
  const { registry, repository: name } = repository.reference;
  return {
    name: formatRepository(repository.reference),
    async blobExists(descriptor) {
      const exists = (await repository.headBlob(descriptor.digest, call)) !== undefined;
      if (exists) locations?.remember(registry, descriptor.digest, name);
      // An upload of it left unfinished is not needed any more.
      if (exists) await options.records?.remove(descriptor.digest);
      return exists;
    },
    async manifestExists(descriptor) {
      return (await repository.headManifest(descriptor.digest, call)) !== undefined;
    },
    // A warm push is then one HEAD per tag (crane's check); a new tag for an image already there adds a HEAD by digest (oras').
    async findRoot(descriptor, tags) {
      const heads = await Promise.all(tags.map((tag) => repository.headManifest(tag, call)));
      const tagged = new Set(tags.filter((_, i) => heads[i]?.digest === descriptor.digest));
      const exists = tagged.size > 0 || (await repository.headManifest(descriptor.digest, call)) !== undefined;
      return { exists, tagged };
    },
    notePresent(descriptor) {
      locations?.remember(registry, descriptor.digest, name);
    },
    async pushBlob(descriptor, content, onBytes) {
      const mountFrom = options.mountFrom ?? locations?.find(registry, descriptor.digest, name);
      const outcome = await uploadBlob(repository, descriptor, content, retry, { ...options, ...(mountFrom ? { mountFrom } : {}), onBytes });
      locations?.remember(registry, descriptor.digest, name);
      if (outcome === "mounted") await options.records?.remove(descriptor.digest);
      return outcome === "mounted" ? "mounted" : "transferred";
    },
    async pushManifest(descriptor, bytes, tags) {
      const manifest = { bytes, mediaType: descriptor.mediaType, digest: descriptor.digest };
      const references = tags.length > 0 ? tags : [descriptor.digest];
      for (const reference of references) await repository.putManifest(reference, manifest, call);
      return bytes.byteLength * references.length;
    },
  };
}
