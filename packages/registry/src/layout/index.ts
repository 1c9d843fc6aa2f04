export { OciLayout, isReferrerEntry, type BlobInfo } from "./oci-layout.js";
export { writeOciArchive } from "./oci-archive.js";
export { writeFileAtomic, type WriteFileAtomicOptions } from "./atomic.js";
export { makeDirectories } from "./make-directories.js";
export { createDeterministicTar, type TarEntry, type TarOptions } from "../tar/deterministic-tar.js";
