import { randomBytes } from "node:crypto";
import { chmod, open, rename, rm } from "node:fs/promises";

/** A sibling path for a temp file that is renamed over `path` once complete. */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
}

export interface WriteFileAtomicOptions {
  /**
   * The file's exact mode, umask aside. Until it holds the data the temp file is 0600, so a file
   * meant to be private is never readable by others. Default: 0666 less the umask.
   */
  mode?: number;
  /** Flush the data to disk before the rename. */
  sync?: boolean;
}

/** Writes a whole file so that readers see either the old content or the new, never a part. */
export async function writeFileAtomic(path: string, data: Uint8Array | string, options: WriteFileAtomicOptions = {}): Promise<void> {
  const temp = tempPathFor(path);
  try {
    const handle = await open(temp, "wx", options.mode === undefined ? 0o666 : 0o600);
    try {
      await handle.writeFile(data);
      if (options.sync) await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.mode !== undefined) await chmod(temp, options.mode);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
