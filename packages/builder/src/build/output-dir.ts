import { constants } from "node:fs";
import { access, readdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { WasmpackError } from "@wasmpack/registry/errors";
import { OciLayout } from "@wasmpack/registry/layout";

/**
 * Fails before any build work when the layout could not be written: the nearest existing
 * ancestor must be a writable directory, and an existing `dir` must be empty or a layout.
 */
export async function checkLayoutDir(dir: string): Promise<void> {
  const existing = await checkWritable(dir, `the image layout to ${dir}`);
  if (existing === dir && !(await OciLayout.isLayout(dir)) && (await readdir(dir)).length > 0) {
    throw unwritable(`the image layout to ${dir}`, "it is a non-empty directory that is not an OCI layout");
  }
}

/** Fails early when `file` could not be created: its nearest existing ancestor must be a writable directory. */
export async function checkFileWritable(file: string): Promise<void> {
  if ((await stat(file).catch(() => undefined))?.isDirectory()) throw unwritable(file, "it is a directory");
  await checkWritable(dirname(file), file);
}

async function checkWritable(dir: string, what: string): Promise<string> {
  let path = dir;
  for (;;) {
    const info = await stat(path).catch(() => undefined);
    if (info) {
      if (!info.isDirectory()) throw unwritable(what, `${path} is not a directory`);
      await access(path, constants.W_OK).catch(() => {
        throw unwritable(what, `${path} is not writable`);
      });
      return path;
    }
    const parent = dirname(path);
    if (parent === path) throw unwritable(what, "no existing parent directory");
    path = parent;
  }
}

function unwritable(what: string, why: string): WasmpackError {
  return new WasmpackError("io", "OUTPUT_UNWRITABLE", `cannot write ${what}: ${why}`);
}
