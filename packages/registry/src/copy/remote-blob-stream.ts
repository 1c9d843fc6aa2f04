import { Readable } from "node:stream";
import { WasmpackError } from "../errors.js";
import type { Descriptor } from "../oci/index.js";
import { BlobVerifier } from "../oci/verifier.js";
import type { BlobDownload } from "../remote/blob-endpoints.js";
import { networkError } from "../remote/network-error.js";

/**
 * The bytes `start`..`end` of a downloaded blob. A registry that ignored the `Range` request
 * sent from 0, so the bytes before `start` are skipped here. With `verify`, a whole-blob read is
 * hashed as it passes and fails with an `integrity` error when digest or size differ from
 * `descriptor`; a connection that breaks off is a `network` error.
 */
export function blobSlice(
  download: BlobDownload,
  descriptor: Descriptor,
  from: { name: string; url: URL; verify: boolean },
  start: number,
  end: number | undefined,
): Readable {
  const mismatch = (what: string) =>
    new WasmpackError("integrity", "DIGEST_MISMATCH", `blob ${descriptor.digest} from ${from.name} (${descriptor.size} bytes) arrived as ${what}`);
  const whole = from.verify && start === 0 && end === undefined;
  const verifier = whole
    ? new BlobVerifier({
        digest: descriptor.digest,
        size: descriptor.size,
        tooLarge: () => mismatch(`more than ${descriptor.size} bytes`),
        mismatch: (actual) => mismatch(`${actual.size} bytes hashing to ${actual.digest}`),
      })
    : undefined;
  const stop = end ?? descriptor.size;
  async function* slice(): AsyncGenerator<Uint8Array> {
    let position = download.start;
    try {
      for await (const chunk of download.body as AsyncIterable<Buffer>) {
        const first = Math.max(0, start - position);
        const last = Math.min(chunk.byteLength, stop - position);
        position += chunk.byteLength;
        verifier?.update(chunk);
        if (last > first) yield chunk.subarray(first, last);
        if (!verifier && position >= stop) return;
      }
    } catch (error) {
      if (error instanceof WasmpackError) throw error;
      throw networkError(error, "GET", from.url, 1);
    } finally {
      download.body.destroy();
    }
    if (verifier) {
      verifier.finish();
    } else if (position < stop) {
      // A body that ends cleanly but short is what the registry holds, not a dropped connection.
      throw mismatch(`only ${position} bytes`);
    }
  }
  return Readable.from(slice(), { objectMode: false });
}
