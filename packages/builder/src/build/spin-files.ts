import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { WasmpackError } from "@wasmpack/registry/errors";
import { INLINE_MAX_SIZE, type DigestedFile, type SpinMount } from "../formats/spin-artifact/spin-artifact.js";
import { DATA_MODE, type ImageFile } from "../image/image-plan.js";
import { isFile } from "../project/read-project.js";
import type { SpinApp } from "../project/spin-manifest.js";
import { digestFile } from "./digest-file.js";

/** A file on disk with its size; a `DigestedFile` when it was hashed too. */
type SizedFile = { fromFile: string; size: number } | DigestedFile;

/** One component's `files` mount: its directory, listed once for every format that carries it. */
interface ListedMount {
  component: string;
  /** The directory, relative to the app. */
  source: string;
  /** Where the component sees it. */
  destination: string;
  /** Its subdirectories, relative to it, `/`-separated, sorted. */
  directories: string[];
  /** Its files, relative to it, `/`-separated, sorted. */
  files: { relative: string; file: SizedFile }[];
}

/** What a Spin app's images carry besides spin.toml and the wasm: the mounted directories and runtime-config.toml. */
export interface SpinFiles {
  /** Every component's mounts, in spin.toml order. */
  mounts: ListedMount[];
  runtimeConfig?: { fromFile: string; size: number } | undefined;
}

/**
 * Reads the disk once for the Spin formats: lists every component's mounted directories, each file
 * with its size, and finds runtime-config.toml. With `digests` (for the spin-artifact) each file
 * is hashed too, and a small one kept to inline.
 */
export async function readSpinFiles(app: SpinApp, appDir: string, options: { digests: boolean }): Promise<SpinFiles> {
  const mounts: ListedMount[] = [];
  for (const component of app.components) {
    for (const mount of component.files) {
      const listed = await mountedFiles(appDir, mount.source, component.id);
      const files = [];
      for (const file of listed.files) {
        const sized = options.digests ? await digestFile(file.fromFile, INLINE_MAX_SIZE) : { fromFile: file.fromFile, size: (await stat(file.fromFile)).size };
        files.push({ relative: file.relative, file: sized });
      }
      mounts.push({ component: component.id, source: mount.source, destination: mount.destination, directories: listed.directories, files });
    }
  }
  const runtimeConfig = join(appDir, "runtime-config.toml");
  if (!(await isFile(runtimeConfig))) return { mounts };
  return { mounts, runtimeConfig: { fromFile: runtimeConfig, size: (await stat(runtimeConfig)).size } };
}

/** The files of a mounted directory, sorted; it must be a directory (containerd-shim-spin mounts only those). */
async function mountedFiles(appDir: string, dir: string, component: string): Promise<{ directories: string[]; files: { relative: string; fromFile: string }[] }> {
  const root = join(appDir, dir);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new WasmpackError("input", "FILES_NOT_DIRECTORY", `spin.toml component ${component} files entry ${JSON.stringify(dir)} is ${info ? "a single file" : "missing"}; containerd-shim-spin mounts only directories`);
  }
  const directories: string[] = [];
  const files: { relative: string; fromFile: string }[] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const full = join(entry.parentPath, entry.name);
    const rel = relative(root, full).split("\\").join("/");
    if (entry.isDirectory()) directories.push(rel);
    else if (entry.isFile()) files.push({ relative: rel, fromFile: full });
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { directories: directories.sort(byName), files: files.sort((a, b) => byName(a.relative, b.relative)) };
}

/** For the spin.toml layout: every mounted directory's files at their app paths, plus /runtime-config.toml. */
export function spinLayoutFiles(spinFiles: SpinFiles): ImageFile[] {
  const files: ImageFile[] = [];
  for (const mount of spinFiles.mounts) {
    files.push({ path: mount.source, directory: true });
    for (const dir of mount.directories) files.push({ path: `${mount.source}/${dir}`, directory: true });
    for (const { relative, file } of mount.files) {
      files.push({ path: `${mount.source}/${relative}`, mode: DATA_MODE, fromFile: file.fromFile, size: file.size });
    }
  }
  const { runtimeConfig } = spinFiles;
  if (runtimeConfig) files.push({ path: "runtime-config.toml", mode: DATA_MODE, fromFile: runtimeConfig.fromFile, size: runtimeConfig.size });
  return [...new Map(files.map((f) => [f.path, f])).values()];
}

/**
 * For the Spin artifact: each component's mounts with their files digested, at guest paths
 * relative to `/` (destination + path in the directory), as Spin's pusher lists them.
 */
export function spinArtifactMounts(spinFiles: SpinFiles): SpinMount[] {
  return spinFiles.mounts.map((mount) => {
    const base = mount.destination.replace(/^\/+|\/+$/g, "");
    const files = mount.files.map(({ relative, file }) => {
      if (!("digest" in file)) throw new Error("spin-artifact needs the mounted files read with digests"); // readSpinFiles({ digests: true })
      return { path: base ? `${base}/${relative}` : relative, file };
    });
    return { component: mount.component, source: mount.source, files };
  });
}
