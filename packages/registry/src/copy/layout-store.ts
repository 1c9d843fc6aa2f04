import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { WasmpackError } from "../errors.js";
import type { OciLayout } from "../layout/oci-layout.js";
import type { Descriptor } from "../oci/index.js";
import type { BlobContent } from "../remote/blob-upload.js";
import { countingStream } from "../remote/counting-stream.js";
import { isRetryableFailure, requestedDelay } from "../remote/retryable.js";
import { backoffDelay, sleep, type RetryOptions } from "../remote/retry-policy.js";
import type { RetryEvent } from "../remote/transport.js";
import type { SourceStore, TargetStore } from "./store.js";

/** An OCI layout as the source of a copy (a push). Blobs stream from their files. */
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
      return {
        async open(start, end) {
          let size: number;
          try {
            size = (await stat(path)).size;
          } catch (cause) {
            throw new WasmpackError("input", "BLOB_UNKNOWN", `${layout.dir} has no blob ${descriptor.digest}`, { cause });
          }
          if (size !== descriptor.size) {
            throw new WasmpackError("integrity", "SIZE_MISMATCH", `${path} is ${size} bytes, its descriptor says ${descriptor.size}`);
          }
          if (end !== undefined && end <= start) return Readable.from([]);
          return createReadStream(path, { start, ...(end !== undefined ? { end: end - 1 } : {}) });
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
  return {
    name: layout.dir,
    blobExists: (descriptor) => layout.hasBlob(descriptor.digest, descriptor.size),
    manifestExists: (descriptor) => layout.hasBlob(descriptor.digest, descriptor.size),
    async pushBlob(descriptor, content, onBytes) {
      for (let attempt = 1; ; attempt++) {
        try {
          const stream = countingStream(await content.open(0), 0, onBytes);
          await layout.writeBlob(stream, { digest: descriptor.digest, size: descriptor.size });
          return "transferred";
        } catch (error) {
          if (!isRetryableFailure(error) || attempt >= retry.attempts) throw error;
          const delayMs = requestedDelay(error) ?? backoffDelay(retry, attempt);
          options.onRetry?.({ method: "GET", url: `blob ${descriptor.digest}`, attempt, delayMs, reason: (error as Error).message });
          await sleep(delayMs, options.signal);
        }
      }
    },
    async pushManifest(descriptor, bytes, tags) {
      let written = 0;
      if (!(await layout.hasBlob(descriptor.digest, descriptor.size))) {
        await layout.writeBlob(Readable.from([bytes]), { digest: descriptor.digest, size: descriptor.size });
        written = bytes.byteLength;
      }
      for (const tag of tags) await layout.tag(tag, { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size });
      return written;
    },
  };
}
