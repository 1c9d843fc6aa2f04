import { buffer } from "node:stream/consumers";
import { MediaType, parseManifest, type Descriptor, type ParsedManifest } from "../oci/index.js";
import type { SourceStore } from "./store.js";

/** Configs are small JSON documents; anything larger is not one wasmpack should parse. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export interface ImageView {
  /** The store it was read from: a directory or `registry/repository`. */
  store: string;
  descriptor: Descriptor;
  manifest: ParsedManifest;
  /**
   * The config JSON of an image manifest (not of an index). It has its descriptor's size; only a
   * registry source (with `verifyBlobs`, the default) also checks its digest, a layout does not.
   */
  config?: unknown;
}

/** Reads the manifest (or index) a tag or digest names, and an image's config, from any store. */
export async function readImage(source: SourceStore, reference?: string): Promise<ImageView> {
  const descriptor = await source.resolve(reference);
  const bytes = await source.fetchManifest(descriptor);
  const manifest = parseManifest(bytes, descriptor.mediaType, source.name);
  if (manifest.kind !== "manifest") return { store: source.name, descriptor, manifest };
  const configDescriptor = manifest.manifest.config;
  if (configDescriptor.size > MAX_CONFIG_BYTES || configDescriptor.mediaType === MediaType.Empty) {
    return { store: source.name, descriptor, manifest };
  }
  const configBytes = await buffer(await source.blob(configDescriptor).open(0));
  let config: unknown;
  try {
    config = JSON.parse(configBytes.toString("utf8"));
  } catch {
    // Not every artifact's config is JSON; show the manifest without it.
    return { store: source.name, descriptor, manifest };
  }
  return { store: source.name, descriptor, manifest, config };
}
