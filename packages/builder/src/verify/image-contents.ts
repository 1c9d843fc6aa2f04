import type { Platform } from "@wasmpack/registry/oci";

/** A regular file in the image's rootfs. `read()` may go back to the layer, so call it only for files you need. */
export interface ImageFileEntry {
  size: number;
  read(): Promise<Uint8Array>;
}

/**
 * What `verify` looks at: an image seen from the runtime's side, wherever it lives (a plan not yet
 * written, an OCI layout). Paths are relative to `/`, without a leading slash: `app.wasm`,
 * `spin.toml`, `target/wasm32-wasip1/release/app.wasm`.
 */
export interface ImageContents {
  platform: Platform;
  entrypoint?: string[];
  workingDir?: string;
  /** Manifest annotations. */
  annotations: Record<string, string>;
  /** Config labels. */
  labels?: Record<string, string>;
  /** Regular files of the rootfs after applying every layer. */
  files: Map<string, ImageFileEntry>;
  /** Directories of the rootfs, listed or implied by a file below them. */
  directories: Set<string>;
  layerMediaTypes: string[];
  /**
   * The raw wasm layers (`application/wasm`, runwasi's component layer) of an artifact, which no
   * runtime unpacks: read straight from the blob, and only when a check asks.
   */
  wasmLayers?: (ImageFileEntry & { digest: string; title?: string })[];
  configMediaType?: string;
  /** The parsed `application/vnd.wasm.config.v0+json` config of a CNCF Wasm artifact, checked against its layer. */
  wasmConfig?: Record<string, unknown>;
  /** The manifest's layer digests, in order (read from a layout; a plan has none yet). */
  layerDigests?: string[];
  /** Set when the tag named an image index; the contents are then those of the entry picked from it. */
  index?: { manifests: number };
}

/** `/a/./b/` → `a/b`; `..` cannot climb above the root, as in a container. */
export function imagePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

/** Every parent directory of `path` (`a/b/c` → `a`, `a/b`). */
export function parentDirectories(path: string): string[] {
  const parts = path.split("/");
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("/"));
}
