import type { Runtime } from "../project/settings.js";

/**
 * The image formats one build can write, each as its own tagged manifest (formats.md, closing part):
 * - `compat`: crun + WasmEdge rootfs image (section A), what `--runtime wasmedge` builds;
 * - `spin-layout`: the spin.toml rootfs layout containerd-shim-spin loads (section D), what `--runtime spin` builds;
 * - `spin-artifact`: what `spin registry push` writes (§5(a), section E);
 * - `wasm-artifact`: the CNCF TAG-runtime Wasm OCI artifact of runwasi and wkg (§4, section F).
 */
export const FORMATS = ["compat", "spin-layout", "spin-artifact", "wasm-artifact"] as const;
export type Format = (typeof FORMATS)[number];

/** The format a `--runtime` stands for when no `--format` is given. */
export const RUNTIME_FORMAT: Record<Runtime, Format> = { wasmedge: "compat", spin: "spin-layout" };

/** `TAG-<suffix>` for every format but the first, unless `--tag-suffix FORMAT=SUFFIX` says otherwise. */
export const DEFAULT_TAG_SUFFIX: Record<Format, string> = {
  compat: "compat",
  "spin-layout": "spin-layout",
  "spin-artifact": "spin",
  "wasm-artifact": "wasm",
};

/** Formats that need a spin.toml. */
export const SPIN_FORMATS: readonly Format[] = ["spin-layout", "spin-artifact"];

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}
