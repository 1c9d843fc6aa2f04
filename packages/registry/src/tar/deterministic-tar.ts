import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";

/** One entry of a tar archive; files are opened only when their turn comes. */
export type TarEntry =
  | { type: "directory"; path: string; mode?: number }
  | { type: "file"; path: string; mode?: number; size: number; open: () => Readable | AsyncIterable<Uint8Array> };

export interface TarOptions {
  /** Seconds since the epoch for every entry (`SOURCE_DATE_EPOCH`); default 0. */
  mtime?: number;
}

/**
 * Writes a reproducible tar: entries sorted by path, every parent directory present, uid/gid 0
 * with empty user and group names, fixed modes and one fixed mtime (formats.md §7.1,
 * reproducible-builds.org). Paths are relative, with no leading `/`.
 */
export function createDeterministicTar(entries: readonly TarEntry[], options: TarOptions = {}): Readable {
  const pack = tar.pack();
  const mtime = new Date((options.mtime ?? 0) * 1000);
  const all = withParentDirectories(entries);
  void (async () => {
    for (const entry of all) {
      const header = { name: entry.path, mtime, uid: 0, gid: 0, uname: "", gname: "" };
      if (entry.type === "directory") {
        pack.entry({ ...header, name: `${entry.path}/`, type: "directory", mode: entry.mode ?? 0o755 });
        continue;
      }
      const sink = pack.entry({ ...header, type: "file", mode: entry.mode ?? 0o644, size: entry.size });
      await pipeline(entry.open(), sink);
    }
    pack.finalize();
  })().catch((error: unknown) => pack.destroy(error as Error));
  return pack;
}

function withParentDirectories(entries: readonly TarEntry[]): TarEntry[] {
  const byPath = new Map<string, TarEntry>();
  for (const entry of entries) {
    const path = normalise(entry.path);
    if (byPath.has(path)) throw new Error(`duplicate tar path ${path}`);
    byPath.set(path, { ...entry, path });
  }
  for (const path of [...byPath.keys()]) {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      if (!byPath.has(dir)) byPath.set(dir, { type: "directory", path: dir });
    }
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function normalise(path: string): string {
  const clean = path.replace(/^\/+/, "").replace(/\/+$/, "");
  if (clean === "" || clean.split("/").some((part) => part === ".." || part === "." || part === "")) {
    throw new Error(`tar path ${JSON.stringify(path)} is not a clean relative path`);
  }
  return clean;
}
