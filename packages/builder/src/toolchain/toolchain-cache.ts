import { createHash } from "node:crypto";
import { readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { makeDirectories } from "@wasmpack/registry/layout";
import type { Toolchain } from "./toolchain.js";

/**
 * findToolchain's answer, remembered between runs in one small JSON file, so that a build with
 * nothing to do spends no time asking rustc (a rustup proxy costs tens of milliseconds a call).
 *
 * An entry is found by a key of everything findToolchain was given (targets, the environment
 * variables that steer it, the candidates it listed) and is used only while every file the answer
 * depended on still stats the same (size, mtime, inode, where a symlink leads; or still missing):
 * the candidates' cargo and rustc, their sysroots' lib/rustlib, and rustup's settings, toolchains
 * and rust-toolchain files, which decide what a rustup proxy runs. Checking that is stat calls
 * only. A missing, corrupt or unwritable cache is ignored: the toolchain is then probed as usual.
 */
export class ToolchainCache {
  private readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, "toolchain.json");
  }

  async lookup(key: string): Promise<Toolchain | undefined> {
    const entry = (await this.read()).find((e) => e.key === key);
    if (!entry) return undefined;
    for (const [file, signature] of entry.facts) {
      if ((await fileSignature(file)) !== signature) return undefined;
    }
    return entry.toolchain;
  }

  /** Remembers the answer for `key`, with the signatures of the files it depended on as they are now. */
  async store(key: string, files: Iterable<string>, toolchain: Toolchain): Promise<void> {
    try {
      const facts: Array<[string, string]> = [];
      for (const file of new Set(files)) facts.push([file, await fileSignature(file)]);
      const others = (await this.read()).filter((e) => e.key !== key).slice(0, MAX_ENTRIES - 1);
      const content: CacheFile = { version: VERSION, entries: [{ key, facts, toolchain }, ...others] };
      await makeDirectories(path.dirname(this.file));
      const temp = `${this.file}.${process.pid}.tmp`;
      await writeFile(temp, `${JSON.stringify(content)}\n`);
      await rename(temp, this.file);
    } catch {
      // An unwritable cache only costs the next run its probe.
    }
  }

  private async read(): Promise<CacheEntry[]> {
    try {
      const content = JSON.parse(await readFile(this.file, "utf8")) as Partial<CacheFile>;
      if (content.version !== VERSION || !Array.isArray(content.entries)) return [];
      return content.entries.filter(isEntry);
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

/** A short stable key for a JSON-able description of findToolchain's inputs. */
export function cacheKey(inputs: unknown): string {
  return createHash("sha256").update(JSON.stringify(inputs)).digest("hex");
}

const VERSION = 1;
const MAX_ENTRIES = 20;

interface CacheEntry {
  key: string;
  /** [file, signature] for every file the answer depended on. */
  facts: Array<[string, string]>;
  toolchain: Toolchain;
}

interface CacheFile {
  version: number;
  entries: CacheEntry[];
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

function isEntry(value: unknown): value is CacheEntry {
  const entry = value as Partial<CacheEntry> | null;
  const toolchain = entry?.toolchain as Partial<Toolchain> | undefined;
  return (
    typeof entry?.key === "string" &&
    Array.isArray(entry.facts) &&
    entry.facts.every((fact) => Array.isArray(fact) && typeof fact[0] === "string" && typeof fact[1] === "string") &&
    typeof toolchain === "object" &&
    (["cargo", "rustc", "binDir", "sysroot", "target", "rustcVersion", "origin"] as const).every((k) => typeof toolchain[k] === "string") &&
    typeof toolchain.rustupProxy === "boolean"
  );
}
