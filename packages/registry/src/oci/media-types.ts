/** Media types, from image-spec `media-types.md` and the Wasm formats in shared/docs/formats.md. */
export const MediaType = {
  ImageIndex: "application/vnd.oci.image.index.v1+json",
  ImageManifest: "application/vnd.oci.image.manifest.v1+json",
  ImageConfig: "application/vnd.oci.image.config.v1+json",
  LayerTar: "application/vnd.oci.image.layer.v1.tar",
  LayerTarGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  LayerTarZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  Empty: "application/vnd.oci.empty.v1+json",
  LayoutHeader: "application/vnd.oci.layout.header.v1+json",
  DockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  DockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  DockerConfig: "application/vnd.docker.container.image.v1+json",
  DockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  /** CNCF TAG-runtime Wasm OCI artifact (wkg, runwasi). */
  WasmConfig: "application/vnd.wasm.config.v0+json",
  Wasm: "application/wasm",
  /** Spin OCI artifact (`spin registry push`). */
  SpinWasmLayer: "application/vnd.wasm.content.layer.v1+wasm",
  SpinDataLayer: "application/vnd.wasm.content.layer.v1+data",
  SpinArchiveLayer: "application/vnd.wasm.content.bundle.v1.tar+gzip",
  SpinLockedApp: "application/vnd.fermyon.spin.application.v1+config",
  /** runwasi oci-tar-builder layers. */
  RunwasiComponentLayer: "application/vnd.bytecodealliance.wasm.component.layer.v0+wasm",
} as const;

export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  MediaType.ImageManifest,
  MediaType.ImageIndex,
  MediaType.DockerManifest,
  MediaType.DockerManifestList,
];

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MediaType.ImageIndex || mediaType === MediaType.DockerManifestList;
}

export const Annotation = {
  RefName: "org.opencontainers.image.ref.name",
  Title: "org.opencontainers.image.title",
  Version: "org.opencontainers.image.version",
  Description: "org.opencontainers.image.description",
  Authors: "org.opencontainers.image.authors",
  Source: "org.opencontainers.image.source",
  Url: "org.opencontainers.image.url",
  Licenses: "org.opencontainers.image.licenses",
  Created: "org.opencontainers.image.created",
  /** Read by crun's Wasm handlers from the runtime spec (the pod), see formats.md §1. */
  WasmVariant: "module.wasm.image/variant",
} as const;
