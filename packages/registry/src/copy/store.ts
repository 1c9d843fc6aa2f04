import type { Descriptor } from "../oci/index.js";
import type { BlobContent } from "../remote/blob-upload.js";

/**
 * Where an image is read from during a copy (oras-go's fetcher + resolver roles): an OCI layout,
 * a remote repository.
 */
export interface SourceStore {
  /** For messages: a directory or `registry/repository`. */
  readonly name: string;
  /** The descriptor a tag or digest names; `undefined` asks for the store's default. */
  resolve(reference: string | undefined): Promise<Descriptor>;
  /** A manifest's exact bytes, verified against `descriptor`. */
  fetchManifest(descriptor: Descriptor): Promise<Uint8Array>;
  /**
   * The blob, re-openable from any offset. A full read has the descriptor's size; a registry
   * source also checks its digest (unless `verifyBlobs` is off), a layout source does not.
   */
  blob(descriptor: Descriptor): BlobContent;
}

/** What happened to one blob of a copy. */
export type BlobOutcome = "transferred" | "mounted" | "skipped";

/** Where an image is written during a copy (pusher + tagger roles). */
export interface TargetStore {
  readonly name: string;
  blobExists(descriptor: Descriptor): Promise<boolean>;
  manifestExists(descriptor: Descriptor): Promise<boolean>;
  /** Writes a blob the target lacks; `onBytes` reports how much has arrived. */
  pushBlob(descriptor: Descriptor, content: BlobContent, onBytes: (bytes: number) => void): Promise<Exclude<BlobOutcome, "skipped">>;
  /**
   * Where the root of a copy stands, asked before anything else: which of `tags` already name it,
   * and whether the target holds it at all. A target that holds a manifest holds everything it
   * references (a registry refuses a manifest whose blobs it lacks), so the copy then checks
   * nothing below it, and looks a child manifest up before its blobs. Targets without this
   * method (a layout) have every blob and manifest checked.
   */
  findRoot?(descriptor: Descriptor, tags: readonly string[]): Promise<{ exists: boolean; tagged: ReadonlySet<string> }>;
  /** Told of a blob the copy knows the target holds without asking (it is below a manifest the target holds). */
  notePresent?(descriptor: Descriptor): void;
  /** Writes manifest bytes as they are, under each of `tags` (none: by digest only); answers the bytes sent. */
  pushManifest(descriptor: Descriptor, bytes: Uint8Array, tags: readonly string[]): Promise<number>;
}
