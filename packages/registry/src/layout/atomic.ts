import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";

/** A sibling path for a temp file that is renamed over `path` once complete. */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/** Writes a whole file so that readers see either the old content or the new, never a part. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
