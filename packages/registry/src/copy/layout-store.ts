import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { WasmpackError } from "../errors.js";
import type { OciLayout } from "../layout/oci-layout.js";
import type { Digest } from "../oci/index.js";
import type { BlobContent } from "../remote/blob-upload.js";
import { countingStream } from "../remote/counting-stream.js";
import { retryStep } from "../remote/retryable.js";
import type { RetryOptions } from "../remote/retry-policy.js";
import type { RetryEvent } from "../remote/transport.js";
import { fileChunks } from "./file-chunks.js";
import type { SourceStore, TargetStore } from "./store.js";

/**
 * An OCI layout as the source of a copy (a push). Manifests are read with `OciLayout.readBlob`,
 * which hashes them; blobs are trusted to hold what their content-addressed names say, as crane,
 * oras and containerd trust a layout: each is checked for size against its descriptor (a `stat`)
 * and streamed from its file unhashed. The registry hashes every upload and refuses one whose
 * bytes do not match the digest (DIGEST_INVALID), so a corrupt blob still fails the push.
 */
export function layoutSource(layout: OciLayout): SourceStore {
  return {
    name: layout.dir,
    resolve: (reference) => layout.resolve(reference),
    async fetchManifest(descriptor) {
      const bytes = await layout.readBlob(descriptor.digest);
      if (bytes.byteLength !== descriptor.size) {
        throw new WasmpackError("integrity", "SIZE_MISMATCH", `${layout.dir}: manifest ${descriptor.digest} is ${bytes.byteLength} bytes, its descriptor says ${descriptor.size}`);
      }
      return bytes;
    },
    blob(descriptor): BlobContent {
      const path = layout.blobPath(descriptor.digest);
      const checkSize = async () => {
        let size: number;
        try {
          size = (await stat(path)).size;
        } catch (cause) {
          throw new WasmpackError("input", "BLOB_UNKNOWN", `${layout.dir} has no blob ${descriptor.digest}`, { cause });
        }
        if (size !== descriptor.size) {
          throw new WasmpackError("integrity", "SIZE_MISMATCH", `${path} is ${size} bytes, its descriptor says ${descriptor.size}`);
        }
      };
      return {
        check: checkSize,
        async open(start, end) {
          await checkSize();
          if (end !== undefined && end <= start) return Readable.from([]);
          return createReadStream(path, { start, ...(end !== undefined ? { end: end - 1 } : {}) });
        },
        async openBody(start, end) {
          await checkSize();
          return fileChunks(path, start, end);
        },
      };
    },
  };
}

/**
 * An OCI layout as the target of a copy (a pull). Every blob is streamed through
 * `OciLayout.writeBlob`, which keeps it only once its digest and size match the descriptor; a
 * download that breaks off is started again, up to `retry.attempts` times.
 */
export function layoutTarget(
  layout: OciLayout,
  retry: RetryOptions,
  options: { signal?: AbortSignal; onRetry?: (event: RetryEvent) => void } = {},
): TargetStore {
  // Manifests `manifestExists` found missing, so `pushManifest` need not look for them again.
  const missing = new Set<Digest>();
  return {
    name: layout.dir,
    blobExists: (descriptor) => layout.hasBlob(descriptor.digest, descriptor.size),
    async manifestExists(descriptor) {
      const exists = await layout.hasBlob(descriptor.digest, descriptor.size);
      if (!exists) missing.add(descriptor.digest);
      return exists;
    },
    pushBlob(descriptor, content, onBytes) {
      const download = async () => {
        const stream = countingStream(await content.open(0), 0, onBytes);
        await layout.writeBlob(stream, { digest: descriptor.digest, size: descriptor.size });
        return "transferred" as const;
      };
      const subject = () => ({ method: "GET" as const, url: `blob ${descriptor.digest}` });
      return retryStep(download, { retry, subject, onRetry: options.onRetry, signal: options.signal });
    },
    async pushManifest(descriptor, bytes, tags) {
      // A child manifest comes here after manifestExists found it missing; the root comes unchecked.
      const present = !missing.delete(descriptor.digest) && (await layout.hasBlob(descriptor.digest, descriptor.size));
      if (!present) await layout.writeBlob(Readable.from([bytes]), { digest: descriptor.digest, size: descriptor.size });
      for (const tag of tags) await layout.tag(tag, { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size });
      return present ? 0 : bytes.byteLength;
    },
  };
}
