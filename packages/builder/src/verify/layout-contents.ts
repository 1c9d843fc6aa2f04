import { WasmpackError } from "@wasmpack/registry/errors";
import { OciLayout } from "@wasmpack/registry/layout";
import { Annotation, MediaType, formatPlatform, isObject, parseManifest, type Descriptor, type Digest, type ImageManifest } from "@wasmpack/registry/oci";
import { classifyImage, isWasmPlatform, type ImageKind } from "./classify-image.js";
import { imagePath, parentDirectories, type ImageContents, type ImageFileEntry } from "./image-contents.js";
import { READABLE_LAYERS, readLayerEntries, type LayerEntry } from "./layer-files.js";

/** An image read from an OCI layout: its manifest and config as stored, and the rootfs they describe. */
export interface LayoutImage {
  layout: string;
  /** Digest of the manifest the tag names (of the index, when it names one). */
  digest: Digest;
  manifest: ImageManifest;
  /** The parsed config JSON. */
  config: Record<string, unknown>;
  kind: ImageKind;
  contents: ImageContents;
}

/**
 * Reads the image tagged `tag` (or the layout's only image): manifest and config whole, then each
 * tar layer streamed once (wasm, `/spin.toml` and the entrypoint are kept; other files are read
 * again from their layer if a check asks for them).
 */
export async function openLayoutImage(dir: string, tag?: string): Promise<LayoutImage> {
  const layout = await OciLayout.open(dir);
  const top = await layout.resolve(tag);
  const where = `${dir}${tag ? `:${tag}` : ""}`;
  let parsed = parseManifest(await layout.readBlob(top.digest), top.mediaType, where);
  let index: ImageContents["index"];
  if (parsed.kind === "index") {
    const entries = parsed.index.manifests;
    index = { manifests: entries.length };
    const pick = entries.find((m) => isWasmPlatform(m.platform)) ?? (entries.length === 1 ? entries[0] : undefined);
    if (!pick) {
      const platforms = entries.map((m) => (m.platform ? formatPlatform(m.platform) : "no platform")).join(", ");
      throw new WasmpackError("input", "INDEX_NO_WASM", `${where} is an image index with no Wasm entry (${platforms})`);
    }
    parsed = parseManifest(await layout.readBlob(pick.digest), pick.mediaType, `${where} ${pick.digest}`);
    if (parsed.kind !== "manifest") throw new WasmpackError("input", "MANIFEST_INVALID", `${where}: index entry ${pick.digest} is itself an index`);
  }
  const manifest = parsed.manifest;
  const config = await readConfig(layout, manifest.config, where);
  const run = isObject(config["config"]) ? config["config"] : {};
  const entrypoint = [...strings(run["Entrypoint"]), ...strings(run["Cmd"])];
  const workingDir = typeof run["WorkingDir"] === "string" && run["WorkingDir"] ? run["WorkingDir"] : undefined;
  const labels = isObject(run["Labels"]) ? (run["Labels"] as Record<string, string>) : undefined;

  const keepPaths = new Set(["spin.toml", ...(entrypoint[0] ? [imagePath(`${workingDir ?? "/"}/${entrypoint[0]}`)] : [])]);
  const rootfs = await readRootfs(layout, manifest.layers, (path, head) => keepPaths.has(path) || isWasmHead(head));

  const contents: ImageContents = {
    platform: {
      os: typeof config["os"] === "string" ? config["os"] : "",
      architecture: typeof config["architecture"] === "string" ? config["architecture"] : "",
    },
    ...(entrypoint.length > 0 ? { entrypoint } : {}),
    ...(workingDir ? { workingDir } : {}),
    annotations: manifest.annotations ?? {},
    ...(labels ? { labels } : {}),
    files: rootfs.files,
    directories: rootfs.directories,
    layerMediaTypes: manifest.layers.map((l) => l.mediaType),
    ...wasmLayersOf(layout, manifest.layers),
    configMediaType: manifest.config.mediaType,
    ...(manifest.config.mediaType === MediaType.WasmConfig ? { wasmConfig: config } : {}),
    layerDigests: manifest.layers.map((l) => l.digest),
    ...(index ? { index } : {}),
  };
  return { layout: dir, digest: top.digest, manifest, config, kind: classifyImage(manifest, config, rootfs.files), contents };
}

export async function imageContentsFromLayout(dir: string, tag?: string): Promise<ImageContents> {
  return (await openLayoutImage(dir, tag)).contents;
}

const RAW_WASM_LAYERS: readonly string[] = [MediaType.Wasm, MediaType.RunwasiComponentLayer];

/** An artifact's raw wasm layers, each read (and checked against its digest) only when asked. */
function wasmLayersOf(layout: OciLayout, layers: readonly Descriptor[]): Pick<ImageContents, "wasmLayers"> {
  const wasm = layers.filter((l) => RAW_WASM_LAYERS.includes(l.mediaType));
  if (wasm.length === 0) return {};
  return {
    wasmLayers: wasm.map((l) => {
      const title = l.annotations?.[Annotation.Title];
      return { digest: l.digest, size: l.size, ...(title ? { title } : {}), read: () => layout.readBlob(l.digest as Digest) };
    }),
  };
}

async function readConfig(layout: OciLayout, descriptor: Descriptor, where: string): Promise<Record<string, unknown>> {
  let config: unknown;
  try {
    config = JSON.parse((await layout.readBlob(descriptor.digest)).toString("utf8"));
  } catch (cause) {
    if (cause instanceof WasmpackError) throw cause;
    throw new WasmpackError("input", "CONFIG_INVALID", `${where}: config ${descriptor.digest} is not JSON`, { cause });
  }
  if (!isObject(config)) throw new WasmpackError("input", "CONFIG_INVALID", `${where}: config ${descriptor.digest} is not a JSON object`);
  return config;
}

interface FileRecord {
  size: number;
  bytes?: Uint8Array;
  layer: Descriptor;
  /** The path inside its layer (differs from the rootfs path for hard links). */
  layerPath: string;
}

/** Applies the tar layers in order (whiteouts included) and resolves links into plain file entries. */
async function readRootfs(
  layout: OciLayout,
  layers: readonly Descriptor[],
  keep: (path: string, head: Uint8Array) => boolean,
): Promise<{ files: Map<string, ImageFileEntry>; directories: Set<string> }> {
  const records = new Map<string, FileRecord>();
  const symlinks = new Map<string, string>();
  const directories = new Set<string>();
  const whiteout = (path: string, opaque: boolean) => {
    const below = (p: string) => path === "" || p.startsWith(`${path}/`) || (!opaque && p === path);
    for (const map of [records, symlinks]) for (const p of [...map.keys()]) if (below(p)) map.delete(p);
    for (const p of [...directories]) if (below(p)) directories.delete(p);
  };
  for (const layer of layers) {
    if (!READABLE_LAYERS.includes(layer.mediaType)) continue;
    const entries: LayerEntry[] = await readLayerEntries(layer, layout.openBlob(layer.digest), keep);
    // A whiteout hides what the layers below hold, never its own layer's entries (image-spec `layer.md`).
    for (const entry of entries) if (entry.type === "whiteout") whiteout(entry.path, entry.opaque);
    for (const entry of entries) {
      if (entry.type === "whiteout") continue;
      parentDirectories(entry.path).forEach((dir) => directories.add(dir));
      if (entry.type === "directory") directories.add(entry.path);
      else if (entry.type === "file") records.set(entry.path, { size: entry.size, ...(entry.bytes ? { bytes: entry.bytes } : {}), layer, layerPath: entry.path });
      else if (entry.symbolic) symlinks.set(entry.path, entry.target);
      else {
        const target = records.get(imagePath(entry.target));
        if (target) records.set(entry.path, target);
      }
    }
  }
  for (const [path, target] of symlinks) {
    const resolved = resolveSymlink(path, target, symlinks);
    const record = resolved === undefined ? undefined : records.get(resolved);
    if (record) records.set(path, record);
  }
  const files = new Map<string, ImageFileEntry>();
  for (const [path, record] of records) {
    files.set(path, { size: record.size, read: () => (record.bytes ? Promise.resolve(record.bytes) : rereadFile(layout, record)) });
  }
  return { files, directories };
}

function resolveSymlink(path: string, target: string, symlinks: Map<string, string>): string | undefined {
  let current = path;
  let next = target;
  for (let hops = 0; hops < 16; hops++) {
    const dir = current.slice(0, Math.max(0, current.lastIndexOf("/")));
    const resolved = imagePath(next.startsWith("/") ? next : `${dir}/${next}`);
    const further = symlinks.get(resolved);
    if (further === undefined) return resolved;
    current = resolved;
    next = further;
  }
  return undefined;
}

/** Reads one file out of its layer again; only for files not kept on the first pass. */
async function rereadFile(layout: OciLayout, record: FileRecord): Promise<Uint8Array> {
  const entries = await readLayerEntries(record.layer, layout.openBlob(record.layer.digest), (path) => path === record.layerPath);
  const found = entries.find((e) => e.type === "file" && e.path === record.layerPath);
  if (found?.type !== "file" || !found.bytes) {
    throw new WasmpackError("input", "LAYER_UNREADABLE", `layer ${record.layer.digest} no longer holds ${record.layerPath}`);
  }
  return found.bytes;
}

function isWasmHead(head: Uint8Array): boolean {
  return head[0] === 0 && head[1] === 0x61 && head[2] === 0x73 && head[3] === 0x6d;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : [];
}
