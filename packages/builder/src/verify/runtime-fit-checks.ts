import { Annotation, formatPlatform } from "@wasmpack/registry/oci";
import type { ClusterRuntime } from "../kubernetes/cluster-runtime.js";
import { isWasmPlatform, type ImageKind } from "./classify-image.js";
import type { ImageContents } from "./image-contents.js";
import { READABLE_LAYERS } from "./layer-files.js";
import { fail, pass, warn, type VerifyCheck } from "./verify-report.js";

/** The runtime an image is for when none is named. */
export function defaultRuntime(kind: ImageKind): ClusterRuntime {
  return runtimesForKind(kind)[0] ?? "wasmedge";
}

/** The runtimes that load this kind of image, the one it is built for first. */
export function runtimesForKind(kind: ImageKind): ClusterRuntime[] {
  switch (kind) {
    case "compat":
    case "compat-smart":
      return ["wasmedge", "wasmtime"];
    case "spin-layout":
    case "spin-artifact":
      return ["spin"];
    case "wasm-artifact":
      return ["wasmtime", "spin"];
    case "not-wasm":
      return [];
  }
}

/** Whether the tag names one manifest: containerd picks no wasi/wasm entry out of an index on a Linux node. */
export function manifestCheck(image: ImageContents): VerifyCheck[] {
  if (!image.index) return [];
  return [
    fail(
      "manifest",
      `the tag names an image index (${image.index.manifests} entries); containerd matches index entries to the node's linux platform and fails with "no match for platform in manifest" (containerd-wasm-platform.md §1.2): tag the manifest itself`,
    ),
  ];
}

/** Whether the runtime loads this kind of image at all (formats.md "Implications" A–F). */
export function kindCheck(kind: ImageKind, runtime: ClusterRuntime): VerifyCheck {
  const name = "image";
  if (kind === "not-wasm") return fail(name, "not a Wasm image: no module.wasm.image/variant, no /spin.toml, no wasm layers, and not a wasi/wasm platform");
  switch (runtime) {
    case "wasmedge":
      if (kind === "compat" || kind === "compat-smart") return pass(name, `${kind} rootfs image; crun runs its entrypoint module with WasmEdge`);
      if (kind === "spin-layout") return fail(name, "a spin.toml image runs on containerd-shim-spin (--runtime spin); crun's WasmEdge handler runs one entrypoint module");
      return fail(name, `a ${kind} has no rootfs for crun: its wasm layers are never unpacked; build a compat image`);
    case "spin":
      if (kind === "spin-layout") return pass(name, "spin.toml layout; containerd-shim-spin loads /spin.toml from the rootfs");
      if (kind === "spin-artifact") return pass(name, "Spin OCI artifact; containerd-shim-spin reads its layers, nothing is unpacked");
      if (kind === "wasm-artifact") return warn(name, "a single application/wasm layer runs as one HTTP component on route /... with containerd-shim-spin ≥ 0.24 only");
      return fail(name, "no /spin.toml: containerd-shim-spin loads /spin.toml from the rootfs (build with --runtime spin)");
    case "wasmtime":
      if (kind === "compat" || kind === "compat-smart") return pass(name, "rootfs image; runwasi's wasmtime shim runs its entrypoint module");
      if (kind === "wasm-artifact") return pass(name, "raw wasm layer; runwasi's wasmtime shim reads it from the content store");
      return fail(name, `a ${kind} image needs containerd-shim-spin (--runtime spin); runwasi's wasmtime shim runs one module`);
  }
}

/** `module.wasm.image/variant` against the runtime: crun needs it (on the pod, copied from the image by `wasmpack k8s`); nothing else reads it. */
export function annotationCheck(image: ImageContents, kind: ImageKind, runtime: ClusterRuntime): VerifyCheck {
  const name = "annotation";
  const variant = image.annotations[Annotation.WasmVariant];
  if (runtime === "wasmedge") {
    if (variant === undefined) {
      return fail(name, `no ${Annotation.WasmVariant} on the manifest: crun picks its Wasm handler only from that annotation on the pod, and wasmpack k8s copies it from the image (build with --runtime wasmedge)`);
    }
    if (variant !== "compat" && variant !== "compat-smart") return fail(name, `${Annotation.WasmVariant}=${JSON.stringify(variant)} is neither compat nor compat-smart; crun ignores it`);
    return pass(name, `${Annotation.WasmVariant}=${variant}`);
  }
  if (variant !== undefined && (kind === "compat" || kind === "compat-smart")) {
    return pass(name, `${Annotation.WasmVariant}=${variant}; ${runtime} does not read it`);
  }
  if (variant !== undefined) {
    return warn(name, `${Annotation.WasmVariant}=${variant} on a ${kind} image: only crun reads it, and ${runtime} cannot run this image through crun; was it built for --runtime wasmedge?`);
  }
  return pass(name, `no ${Annotation.WasmVariant}, as ${runtime} needs none`);
}

/** The config platform; runtimes ignore it for single manifests, but image tools route by it. */
export function platformCheck(image: ImageContents, kind: ImageKind): VerifyCheck {
  const name = "platform";
  const platform = formatPlatform(image.platform) || "(none)";
  if (kind === "wasm-artifact" && image.platform.architecture !== "wasm") {
    return fail(name, `${platform}: runwasi reads wasm layers only when the config architecture is "wasm" (formats.md §3)`);
  }
  if (isWasmPlatform(image.platform)) return pass(name, platform);
  return warn(name, `${platform} is not a Wasm platform: crun and the shims run it, but it mislabels the image and Podman or CRI-O platform_runtime_paths will not route it to crun-wasm`);
}

/** Rootfs layers verify cannot read (zstd): their files stay unchecked. */
export function layerCheck(image: ImageContents): VerifyCheck[] {
  const unread = image.layerMediaTypes.filter((t) => t.includes(".tar") && !READABLE_LAYERS.includes(t));
  return unread.length === 0 ? [] : [warn("layers", `cannot read ${[...new Set(unread)].join(", ")} layers; files in them were not checked`)];
}
