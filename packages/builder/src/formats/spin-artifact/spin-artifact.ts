import { MediaType, encodeImageConfig, encodeJson, type Digest } from "@wasmpack/registry/oci";
import { DATA_MODE, type ImageFile } from "../../image/image-plan.js";
import type { LayerPlan, ManifestPlan } from "../../image/manifest-plan.js";
import type { TomlTable } from "../../project/toml.js";
import { lockedApp, type ContentRef } from "./locked-app.js";

/** Spin's `DEFAULT_CONTENT_REF_INLINE_MAX_SIZE`: content this small is also inlined in the locked app. */
export const INLINE_MAX_SIZE = 128;
/** Spin's `MAX_LAYER_COUNT` (the ECR limit); the locked app takes one of them. */
export const MAX_LAYER_COUNT = 500;
export const LOCKED_APP_DIGEST_LABEL = "com.fermyon.spin.lockedAppDigest";

/** A file whose digest is known; `bytes` is set when it is small enough to inline. */
export interface DigestedFile {
  fromFile: string;
  size: number;
  digest: Digest;
  bytes?: Uint8Array;
}

export interface SpinMount {
  component: string;
  /** The directory, relative to the app. */
  source: string;
  /** Its files, with their guest paths relative to `/`. */
  files: { path: string; file: DigestedFile }[];
}

export interface SpinArtifactInput {
  manifest: TomlTable;
  manifestPath: string;
  /** Local components in spin.toml order, with the wasm to package. */
  components: { id: string; wasm: DigestedFile }[];
  mounts: SpinMount[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** mtime of archive-bundle entries. */
  sourceDateEpoch: number;
}

/**
 * What `spin registry push` writes (formats.md §5(a), section E): per component its wasm layer and
 * its file layers (small files only inlined), deduplicated by digest; past the layer limit one
 * tar+gzip bundle per mounted directory instead; the locked app last; an OCI image config with
 * empty diff_ids labelled with the locked app's digest.
 */
export function planSpinArtifact(input: SpinArtifactInput): ManifestPlan {
  const ref = (file: DigestedFile): ContentRef => file.bytes && file.size <= INLINE_MAX_SIZE
    ? { inline: Buffer.from(file.bytes).toString("base64"), digest: file.digest }
    : { digest: file.digest };
  const wasm = new Map(input.components.map((c) => [c.id, ref(c.wasm)]));
  const files = new Map<string, { path: string; ref: ContentRef }[]>();
  for (const mount of input.mounts) {
    const list = files.get(mount.component) ?? [];
    for (const f of mount.files) list.push({ path: f.path, ref: ref(f.file) });
    files.set(mount.component, list);
  }

  const simple = layersFor(input, "files");
  const layers = simple.length > MAX_LAYER_COUNT - 1 ? layersFor(input, "archives") : simple;
  const locked = encodeJson(MediaType.SpinLockedApp, lockedApp(input.manifest, input.manifestPath, { wasm, files }));
  layers.push({ kind: "blob", mediaType: MediaType.SpinLockedApp, content: { bytes: locked.bytes } });
  const config = encodeImageConfig({
    platform: { architecture: "wasm", os: "wasip1" },
    diffIds: [],
    labels: { ...input.labels, [LOCKED_APP_DIGEST_LABEL]: locked.descriptor.digest },
  });
  return { layers, config: { kind: "encoded", blob: config }, annotations: input.annotations };
}

/** Layers in Spin's order: per component its wasm, then its files (or its mounts' archives); first of each digest kept. */
function layersFor(input: SpinArtifactInput, mode: "files" | "archives"): LayerPlan[] {
  const layers: LayerPlan[] = [];
  const seen = new Set<string>();
  const add = (key: string, layer: LayerPlan) => {
    if (seen.has(key)) return;
    seen.add(key);
    layers.push(layer);
  };
  for (const component of input.components) {
    const { wasm } = component;
    add(wasm.digest, { kind: "blob", mediaType: MediaType.SpinWasmLayer, content: { fromFile: wasm.fromFile, size: wasm.size, digest: wasm.digest } });
    for (const mount of input.mounts.filter((m) => m.component === component.id)) {
      if (mode === "archives") {
        if (mount.files.length === 0) continue;
        const entries: ImageFile[] = mount.files.map(({ path, file }) => ({ path, mode: DATA_MODE, fromFile: file.fromFile, size: file.size }));
        // Same directory at the same guest paths gives the same bundle: write it once.
        add(`archive:${JSON.stringify(mount.files.map((f) => [f.path, f.file.digest]))}`, {
          kind: "tar-gzip",
          mediaType: MediaType.SpinArchiveLayer,
          files: entries,
          mtime: input.sourceDateEpoch,
        });
        continue;
      }
      for (const { file } of mount.files) {
        if (file.size <= INLINE_MAX_SIZE) continue; // inlined, and not pushed: registries reject tiny blobs
        add(file.digest, { kind: "blob", mediaType: MediaType.SpinDataLayer, content: { fromFile: file.fromFile, size: file.size, digest: file.digest } });
      }
    }
  }
  return layers;
}
