import { createReadStream } from "node:fs";
import { OciLayout } from "@wasmpack/registry/layout";
import { sha256, type Descriptor } from "@wasmpack/registry/oci";
import type { BlobContent } from "./manifest-plan.js";

/**
 * Stores content as one raw layer. A file is streamed and, when its digest was computed while
 * planning, checked against it, so a file that changed in between fails instead of being
 * described wrongly.
 */
export async function writeBlobLayer(layout: OciLayout, mediaType: string, content: BlobContent): Promise<Descriptor> {
  if ("bytes" in content) {
    const descriptor: Descriptor = { mediaType, digest: sha256(content.bytes), size: content.bytes.byteLength };
    await layout.writeEncoded({ descriptor, bytes: content.bytes });
    return descriptor;
  }
  const expected = content.digest ? { digest: content.digest, size: content.size } : undefined;
  if (expected && (await layout.hasBlob(expected.digest, expected.size))) return { mediaType, ...expected };
  const info = await layout.writeBlob(createReadStream(content.fromFile), expected);
  return { mediaType, ...info };
}
