import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { WasmpackError } from "@wasmpack/registry/errors";
import { INLINE_MAX_SIZE, type SpinMount } from "../formats/spin-artifact/spin-artifact.js";
import { DATA_MODE, type ImageFile } from "../image/image-plan.js";
import { isFile } from "../project/read-project.js";
import type { SpinApp } from "../project/spin-manifest.js";
import { digestFile } from "./digest-file.js";

interface MountedFile {
  /** Relative to the mounted directory, `/`-separated. */
  relative: string;
  fromFile: string;
}

/** The files of a mounted directory, sorted; it must be a directory (containerd-shim-spin mounts only those). */
async function mountedFiles(appDir: string, dir: string, component: string): Promise<{ directories: string[]; files: MountedFile[] }> {
  const root = join(appDir, dir);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new WasmpackError("input", "FILES_NOT_DIRECTORY", `spin.toml component ${component} files entry ${JSON.stringify(dir)} is ${info ? "a single file" : "missing"}; containerd-shim-spin mounts only directories`);
  }
  const directories: string[] = [];
  const files: MountedFile[] = [];
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
export async function spinLayoutFiles(app: SpinApp, appDir: string): Promise<ImageFile[]> {
  const files: ImageFile[] = [];
  for (const component of app.components) {
    for (const mount of component.files) {
      const listed = await mountedFiles(appDir, mount.source, component.id);
      files.push({ path: mount.source, directory: true });
      for (const dir of listed.directories) files.push({ path: `${mount.source}/${dir}`, directory: true });
      for (const file of listed.files) {
        files.push({ path: `${mount.source}/${file.relative}`, mode: DATA_MODE, fromFile: file.fromFile, size: (await stat(file.fromFile)).size });
      }
    }
  }
  const runtimeConfig = join(appDir, "runtime-config.toml");
  if (await isFile(runtimeConfig)) {
    files.push({ path: "runtime-config.toml", mode: DATA_MODE, fromFile: runtimeConfig, size: (await stat(runtimeConfig)).size });
  }
  return [...new Map(files.map((f) => [f.path, f])).values()];
}

/**
 * For the Spin artifact: each component's mounts with their files digested, at guest paths
 * relative to `/` (destination + path in the directory), as Spin's pusher lists them.
 */
export async function spinArtifactMounts(app: SpinApp, appDir: string): Promise<SpinMount[]> {
  const mounts: SpinMount[] = [];
  for (const component of app.components) {
    for (const mount of component.files) {
      const listed = await mountedFiles(appDir, mount.source, component.id);
      const base = mount.destination.replace(/^\/+|\/+$/g, "");
      const files = [];
      for (const file of listed.files) {
        files.push({ path: base ? `${base}/${file.relative}` : file.relative, file: await digestFile(file.fromFile, INLINE_MAX_SIZE) });
      }
      mounts.push({ component: component.id, source: mount.source, files });
    }
  }
  return mounts;
}
