import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { WasmpackError } from "@wasmpack/registry/errors";
import { OciLayout } from "@wasmpack/registry/layout";
import { loadBuildRecord } from "./last-build.js";

export interface LocatedLayout {
  layout: string;
  tag?: string;
}

/**
 * Whether a command's image argument names something on disk (a layout, `LAYOUT:TAG`, a project
 * directory) rather than a registry reference: the one place that decides it.
 */
export function isLocalImage(argument: string): boolean {
  const colon = argument.lastIndexOf(":");
  return existsSync(argument) || (colon > 0 && existsSync(argument.slice(0, colon)));
}

/**
 * Finds the image a command means: an OCI layout (`LAYOUT` or `LAYOUT:TAG`), or a project
 * directory, whose last `wasmpack build` from here (or default layout) holds it.
 */
export async function locateLayoutImage(argument: string, env: Record<string, string | undefined>): Promise<LocatedLayout> {
  if (await OciLayout.isLayout(argument)) return { layout: argument };
  const colon = argument.lastIndexOf(":");
  if (colon > 0 && !argument.slice(colon + 1).includes("/") && (await OciLayout.isLayout(argument.slice(0, colon)))) {
    return { layout: argument.slice(0, colon), tag: argument.slice(colon + 1) };
  }
  if (await isDirectory(argument)) {
    const record = await loadBuildRecord(process.cwd(), env);
    if (record && resolve(record.project) === resolve(argument) && (await OciLayout.isLayout(record.layout))) return { layout: record.layout, ...(record.images[0] ? { tag: record.images[0].tag } : {}) };
    const fallback = join(argument, "target", "wasmpack", "oci");
    if (await OciLayout.isLayout(fallback)) return { layout: fallback };
    throw new WasmpackError("input", "IMAGE_NOT_BUILT", `${argument} holds no built image (no ${fallback}); run wasmpack build ${argument} first, or name a layout`);
  }
  throw new WasmpackError("usage", "ARGUMENT_INVALID", `${argument} is neither an OCI layout (LAYOUT[:TAG]) nor a project directory`);
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
