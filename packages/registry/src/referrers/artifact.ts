import { MediaType, cleanDescriptor, encodeJson, encodeManifest, parseManifest, sha256, type Descriptor, type EncodedBlob, type ImageManifest } from "../oci/index.js";

/** Artifact types of what wasmpack attaches to an image (image-spec `manifest.md`, artifactType). */
export const ArtifactType = {
  Spdx: "application/spdx+json",
  CycloneDx: "application/vnd.cyclonedx+json",
  InToto: "application/vnd.in-toto+json",
  /** cosign v3's signature: a Sigstore bundle. */
  SigstoreBundle: "application/vnd.dev.sigstore.bundle.v0.3+json",
} as const;

/** The `{}` blob image-spec names for an artifact without a config (`manifest.md`, guidance for an empty descriptor). */
export const EMPTY_CONFIG: EncodedBlob = encodeJson(MediaType.Empty, {});

/** One file an artifact carries. */
export interface ArtifactFile {
  mediaType: string;
  bytes: Uint8Array;
  annotations?: Record<string, string>;
}

/**
 * A referrer: an image manifest with `artifactType`, the empty config, its files as layers and
 * `subject` pointing at the image it is about (image-spec 1.1, as `oras attach` writes it).
 */
export interface Artifact {
  artifactType: string;
  subject: Descriptor;
  manifest: EncodedBlob;
  /** The config and the layers, each once. */
  blobs: EncodedBlob[];
}

export function createArtifact(input: {
  artifactType: string;
  subject: Descriptor;
  files: readonly ArtifactFile[];
  annotations?: Record<string, string>;
  config?: EncodedBlob;
}): Artifact {
  const config = input.config ?? EMPTY_CONFIG;
  const layers = input.files.map((file) => ({
    bytes: file.bytes,
    descriptor: cleanDescriptor({ mediaType: file.mediaType, digest: sha256(file.bytes), size: file.bytes.byteLength, ...(file.annotations ? { annotations: file.annotations } : {}) }),
  }));
  const subject = { mediaType: input.subject.mediaType, digest: input.subject.digest, size: input.subject.size };
  const manifest = encodeManifest({
    artifactType: input.artifactType,
    config: config.descriptor,
    layers: layers.map((layer) => layer.descriptor),
    subject,
    ...(input.annotations ? { annotations: input.annotations } : {}),
  });
  const blobs = [config, ...layers].filter((blob, i, all) => all.findIndex((b) => b.descriptor.digest === blob.descriptor.digest) === i);
  return { artifactType: input.artifactType, subject, manifest, blobs };
}

/**
 * The descriptor of a referrer as a referrers list holds it (distribution-spec, "Listing
 * Referrers"): its artifactType (else its config's media type) and its manifest's annotations.
 */
export function referrerDescriptor(manifest: ImageManifest, descriptor: Descriptor): Descriptor {
  return cleanDescriptor({
    mediaType: manifest.mediaType ?? MediaType.ImageManifest,
    digest: descriptor.digest,
    size: descriptor.size,
    artifactType: manifest.artifactType ?? manifest.config.mediaType,
    ...(manifest.annotations ? { annotations: manifest.annotations } : {}),
  });
}

/** The referrer descriptor of an artifact made here. */
export function artifactDescriptor(artifact: Artifact): Descriptor {
  const parsed = parseManifest(artifact.manifest.bytes, MediaType.ImageManifest, "artifact");
  if (parsed.kind !== "manifest") throw new Error("an artifact is an image manifest");
  return referrerDescriptor(parsed.manifest, artifact.manifest.descriptor);
}

/** The referrers tag schema's tag for a subject (distribution-spec): `sha256-<hex>`. */
export function fallbackTag(subject: string): string {
  return subject.replace(":", "-").slice(0, 128);
}
