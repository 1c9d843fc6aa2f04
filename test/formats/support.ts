// Reads what the real CLI built (test/support/build.ts) straight from the OCI layout it wrote.

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { expect } from "vitest";
import { layoutDescriptor, type LayoutDescriptor } from "../support/judges.js";

export interface Manifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config: LayoutDescriptor;
  layers: LayoutDescriptor[];
  annotations?: Record<string, string>;
}

/** A blob of the layout, checked against its digest. */
export async function readBlob(layout: string, digest: string): Promise<Buffer> {
  const bytes = await readFile(join(layout, "blobs", "sha256", digest.replace(/^sha256:/, "")));
  expect(`sha256:${createHash("sha256").update(bytes).digest("hex")}`).toBe(digest);
  return bytes;
}

export async function readJsonBlob<T>(layout: string, digest: string): Promise<T> {
  return JSON.parse((await readBlob(layout, digest)).toString("utf8")) as T;
}

/** The manifest `index.json` tags `tag`, which must be a manifest, never an index. */
export async function manifestOf(layout: string, tag: string): Promise<{ descriptor: LayoutDescriptor; manifest: Manifest }> {
  const descriptor = await layoutDescriptor(layout, tag);
  if (!descriptor) throw new Error(`${layout} has no tag ${tag}`);
  expect(descriptor.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
  return { descriptor, manifest: await readJsonBlob<Manifest>(layout, descriptor.digest) };
}

export function sha256Hex(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

// Node's WebAssembly, typed as far as these tests use it (no DOM types in this repo).
export { webAssembly } from "../../packages/builder/src/wasm/webassembly.js";
