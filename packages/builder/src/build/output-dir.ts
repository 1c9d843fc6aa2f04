import { constants } from "node:fs";
import { access, readdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { OciLayout, WasmpackError } from "@wasmpack/registry";

/**
 * Fails before any build work when the layout could not be written: the nearest existing
 * ancestor must be a writable directory, and an existing `dir` must be empty or a layout.
 */
export async function checkOutputDir(dir: string): Promise<void> {
  const fail = (why: string): never => {
    throw new WasmpackError("io", "OUTPUT_UNWRITABLE", `cannot write the image layout to ${dir}: ${why}`);
  };
  let path = dir;
  for (;;) {
    const info = await stat(path).catch(() => undefined);
    if (info) {
      if (!info.isDirectory()) fail(`${path} is not a directory`);
      await access(path, constants.W_OK).catch(() => fail(`${path} is not writable`));
      break;
    }
    const parent = dirname(path);
    if (parent === path) fail("no existing parent directory");
    path = parent;
  }
  if (path === dir && !(await OciLayout.isLayout(dir)) && (await readdir(dir)).length > 0) {
    fail("it is a non-empty directory that is not an OCI layout");
  }
}
