export * from "./errors.js";
export * from "./oci/index.js";
export { OciLayout, type BlobInfo } from "./layout/oci-layout.js";
export { writeOciArchive } from "./layout/oci-archive.js";
export { writeFileAtomic } from "./layout/atomic.js";
export { createDeterministicTar, type TarEntry, type TarOptions } from "./tar/deterministic-tar.js";
