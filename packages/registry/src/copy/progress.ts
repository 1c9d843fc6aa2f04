import type { Descriptor } from "../oci/index.js";
import type { RetryEvent } from "../remote/transport.js";
import type { BlobOutcome } from "./store.js";

/** What a copy reports as it goes; libraries never print, the CLI renders these. */
export type ProgressEvent =
  | { type: "blob-start"; descriptor: Descriptor }
  /** `bytes` of `descriptor.size` have arrived; may go back after a retry. */
  | { type: "blob-bytes"; descriptor: Descriptor; bytes: number }
  | { type: "blob-done"; descriptor: Descriptor; outcome: BlobOutcome }
  | { type: "manifest-done"; descriptor: Descriptor; tags: readonly string[]; outcome: "transferred" | "skipped" }
  | { type: "retry"; retry: RetryEvent };

export type ProgressListener = (event: ProgressEvent) => void;

const STEP = 256 * 1024;

/** `blob-bytes` events at most every 256 KiB, and always at the end. */
export function byteReporter(descriptor: Descriptor, listener: ProgressListener | undefined): (bytes: number) => void {
  let last = -STEP;
  return (bytes) => {
    if (!listener) return;
    if (Math.abs(bytes - last) >= STEP || bytes === descriptor.size) {
      last = bytes;
      listener({ type: "blob-bytes", descriptor, bytes });
    }
  };
}
