import { createHash } from "node:crypto";
import { readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { makeDirectories } from "@wasmpack/registry/layout";

/**
 * Answers remembered between runs in one small JSON file (in the cache directory), each found by
 * a key of everything that produced it and used only while every file it depended on still
 * stats the same (size, mtime, ctime, inode, where a symlink leads; or still missing). Checking
 * that is stat calls only. A missing, corrupt or unwritable cache is ignored: the caller then
 * works the answer out as usual.
 */
export class StatCache<T> {
  private readonly file: string;

  /** `isValue` checks what is read back, so a cache written by another version is not trusted. */
  constructor(dir: string, name: string, private readonly isValue: (value: unknown) => value is T) {
    this.file = path.join(dir, `${name}.json`);
  }

  async lookup(key: string): Promise<T | undefined> {
    const entry = (await this.read()).find((e) => e.key === key);
    if (!entry) return undefined;
    for (const [file, signature] of entry.facts) {
      if ((await fileSignature(file)) !== signature) return undefined;
    }
    return entry.value;
  }

  /** Remembers the answer for `key`, with the signatures of the files it depended on as they are now. */
  async store(key: string, files: Iterable<string>, value: T): Promise<void> {
    try {
      const facts: Array<[string, string]> = [];
      for (const file of new Set(files)) facts.push([file, await fileSignature(file)]);
      const others = (await this.read()).filter((e) => e.key !== key).slice(0, MAX_ENTRIES - 1);
      const content: CacheFile<T> = { version: VERSION, entries: [{ key, facts, value }, ...others] };
      await makeDirectories(path.dirname(this.file));
      const temp = `${this.file}.${process.pid}.tmp`;
      await writeFile(temp, `${JSON.stringify(content)}\n`);
      await rename(temp, this.file);
    } catch {
      // An unwritable cache only costs the next run the work.
    }
  }

  private async read(): Promise<CacheEntry<T>[]> {
    try {
      const content = JSON.parse(await readFile(this.file, "utf8")) as Partial<CacheFile<T>>;
      if (content.version !== VERSION || !Array.isArray(content.entries)) return [];
      return content.entries.filter((entry) => isEntry(entry) && this.isValue(entry.value));
    } catch {
      return [];
    }
  }
}

/** The cache directory: WASMPACK_CACHE_DIR, else $XDG_CACHE_HOME/wasmpack, else ~/.cache/wasmpack. */
export function defaultCacheDir(env: Record<string, string | undefined>, home: string): string {
  if (env.WASMPACK_CACHE_DIR) return env.WASMPACK_CACHE_DIR;
  return path.join(env.XDG_CACHE_HOME || path.join(home, ".cache"), "wasmpack");
}

/** A short stable key for a JSON-able description of what an answer was worked out from. */
export function cacheKey(inputs: unknown): string {
  return createHash("sha256").update(JSON.stringify(inputs)).digest("hex");
}

const VERSION = 2;
const MAX_ENTRIES = 20;

interface CacheEntry<T> {
  key: string;
  /** [file, signature] for every file the answer depended on. */
  facts: Array<[string, string]>;
  value: T;
}

interface CacheFile<T> {
  version: number;
  entries: CacheEntry<T>[];
}

/** Size, mtime, inode and device of what `file` leads to, and where it leads; "missing" when nothing. */
async function fileSignature(file: string): Promise<string> {
  try {
    const info = await stat(file, { bigint: true });
    return `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
  } catch {
    return "missing";
  }
}

function isEntry(value: unknown): value is CacheEntry<unknown> {
  const entry = value as Partial<CacheEntry<unknown>> | null;
  return (
    typeof entry?.key === "string" &&
    Array.isArray(entry.facts) &&
    entry.facts.every((fact) => Array.isArray(fact) && typeof fact[0] === "string" && typeof fact[1] === "string") &&
    entry.value !== undefined
  );
}
