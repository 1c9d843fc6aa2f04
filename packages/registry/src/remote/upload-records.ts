import { mkdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Digest } from "../oci/index.js";

/**
 * An upload session as a later run finds it: where it was opened and how many bytes the
 * registry acknowledged. Never credentials: only the `Location` the registry gave (which may
 * carry its own state, e.g. distribution's `_state` HMAC) and an offset.
 */
export interface UploadRecord {
  location: string;
  /** The next byte the registry expects, as of its last acknowledgement. */
  offset: number;
  /** The blob's size, so a record of another blob with the same name is never used. */
  size: number;
}

/** Open upload sessions of one repository, kept across runs so that an interrupted push resumes. */
export interface UploadRecords {
  load(digest: Digest): Promise<UploadRecord | undefined>;
  save(digest: Digest, record: UploadRecord): Promise<void>;
  remove(digest: Digest): Promise<void>;
}

/**
 * Upload records as files, `<dir>/<registry>/<repository>/<algorithm>-<hex>.json`, each written
 * atomically (temp file + rename). Failing to write one never fails an upload: a push from a
 * read-only layout just cannot be resumed. Directories left empty are removed, `dir` included.
 */
export function uploadRecordsIn(dir: string, registry: string, repository: string): UploadRecords {
  const root = join(dir);
  const base = join(dir, registry.replace(/[^A-Za-z0-9._-]/g, "_"), ...repository.split("/"));
  const path = (digest: Digest) => join(base, `${digest.replace(":", "-")}.json`);
  return {
    async load(digest) {
      try {
        const parsed = JSON.parse(await readFile(path(digest), "utf8")) as Partial<UploadRecord>;
        const { location, offset, size } = parsed;
        if (typeof location !== "string" || !Number.isSafeInteger(offset) || !Number.isSafeInteger(size)) return undefined;
        new URL(location); // throws on a record that is not a URL
        return { location, offset: offset!, size: size! };
      } catch {
        return undefined;
      }
    },
    async save(digest, record) {
      const file = path(digest);
      const temp = `${file}.${process.pid}.tmp`;
      // Twice: another blob's `remove` may take the directory away between mkdir and write.
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await mkdir(base, { recursive: true });
          await writeFile(temp, `${JSON.stringify(record)}\n`);
          await rename(temp, file);
          return;
        } catch {
          await rm(temp, { force: true }).catch(() => undefined);
        }
      }
    },
    async remove(digest) {
      await rm(path(digest), { force: true }).catch(() => undefined);
      for (let at = base; at.startsWith(root); at = dirname(at)) {
        try {
          await rmdir(at);
        } catch {
          break; // not empty (or gone): what is above is not empty either
        }
        if (at === root) break;
      }
    },
  };
}
