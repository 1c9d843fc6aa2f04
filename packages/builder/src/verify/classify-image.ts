import { Annotation, MediaType, isObject, type ImageManifest, type Platform } from "@wasmpack/registry/oci";
import type { ImageContents } from "./image-contents.js";

const IMAGE_KINDS = ["compat", "compat-smart", "spin-layout", "spin-artifact", "wasm-artifact", "not-wasm"] as const;
/**
 * How an image carries its Wasm (formats.md "Implications"):
 * - `compat`, `compat-smart`: a rootfs whose entrypoint is a module, for crun (section A) and
 *   runwasi's rootfs mode (B), named after the `module.wasm.image/variant` it carries or needs;
 * - `spin-layout`: a rootfs with `/spin.toml` for containerd-shim-spin (D);
 * - `spin-artifact`: what `spin registry push` writes (E), never unpacked;
 * - `wasm-artifact`: raw wasm layers, the CNCF artifact (F) or runwasi's OCI-layer mode (C);
 * - `not-wasm`: none of these.
 */
export type ImageKind = (typeof IMAGE_KINDS)[number];

/** The parts of an image that decide its kind. */
interface ImageShape {
  configMediaType?: string | undefined;
  layerMediaTypes: readonly string[];
  annotations: Record<string, string>;
  labels?: Record<string, string> | undefined;
  platform?: Platform | undefined;
  entrypoint?: readonly string[] | undefined;
  /** Whether the rootfs holds a file; unknown when the layers were not read. */
  hasFile?: ((path: string) => boolean) | undefined;
}

const SPIN_ARTIFACT_LAYERS: readonly string[] = [MediaType.SpinWasmLayer, MediaType.SpinDataLayer, MediaType.SpinArchiveLayer, MediaType.SpinLockedApp];
const RAW_WASM_LAYERS: readonly string[] = [MediaType.Wasm, MediaType.RunwasiComponentLayer];
/** Set by `spin registry push` since Spin 2.4 (formats.md §5(a)). */
const SPIN_LOCKED_APP_LABEL = "com.fermyon.spin.lockedAppDigest";

/**
 * Classifies an image from its manifest and parsed config JSON. Pass `files` (the rootfs paths)
 * when the layers were read; without them an entrypoint of `/`, or none on a Wasm platform,
 * is taken to mean a spin.toml layout (wasmpack and SpinKube write those).
 */
export function classifyImage(manifest: ImageManifest, config: unknown, files?: { has(path: string): boolean }): ImageKind {
  const run = isObject(config) && isObject(config["config"]) ? config["config"] : {};
  const entrypoint = stringArray(run["Entrypoint"]) ?? stringArray(run["Cmd"]);
  const labels = isObject(run["Labels"]) ? (run["Labels"] as Record<string, string>) : undefined;
  const platform =
    isObject(config) && typeof config["os"] === "string" && typeof config["architecture"] === "string"
      ? { os: config["os"], architecture: config["architecture"] }
      : undefined;
  return classifyShape({
    configMediaType: manifest.config.mediaType,
    layerMediaTypes: manifest.layers.map((l) => l.mediaType),
    annotations: manifest.annotations ?? {},
    labels,
    platform,
    entrypoint,
    hasFile: files ? (path) => files.has(path) : undefined,
  });
}

export function classifyContents(contents: ImageContents): ImageKind {
  return classifyShape({ ...contents, hasFile: (path) => contents.files.has(path) });
}

function classifyShape(shape: ImageShape): ImageKind {
  const layers = shape.layerMediaTypes;
  if (shape.configMediaType === MediaType.WasmConfig) return "wasm-artifact";
  if (
    shape.configMediaType === MediaType.SpinLockedApp || // Spin 1.x: the locked app was the config
    layers.some((t) => SPIN_ARTIFACT_LAYERS.includes(t)) ||
    shape.labels?.[SPIN_LOCKED_APP_LABEL] !== undefined
  ) {
    return "spin-artifact";
  }
  if (layers.some((t) => RAW_WASM_LAYERS.includes(t))) return "wasm-artifact";

  if (shape.hasFile?.("spin.toml")) return "spin-layout";
  const variant = shape.annotations[Annotation.WasmVariant];
  if (variant === "compat" || variant === "compat-smart") return variant;
  const first = shape.entrypoint?.[0];
  if (!shape.hasFile && first === "/") return "spin-layout";
  if (!isWasmPlatform(shape.platform)) return "not-wasm";
  if (first === undefined) return shape.hasFile ? "compat" : "spin-layout";
  // Unannotated (Docker, buildah without --annotation): name it by what the pod would need.
  return hasWasmSuffix(first) ? "compat-smart" : "compat";
}

/** `wasi/wasm`, `wasip1/wasm`, `wasip2/wasm`, and the older `wasm32` spelling (formats.md §2). */
export function isWasmPlatform(platform: Platform | undefined): boolean {
  if (!platform) return false;
  return /^wasm(32|64)?$/.test(platform.architecture) || /^wasi(p\d+)?$/.test(platform.os);
}

/** crun's compat-smart test: `process.args[0]` ends in `.wasm` or `.wat` (formats.md §1). */
export function hasWasmSuffix(path: string): boolean {
  return path.endsWith(".wasm") || path.endsWith(".wat");
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string") ? (value as string[]) : undefined;
}
