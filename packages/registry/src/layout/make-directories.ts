import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * `mkdir -p`, one level at a time. Node's own `mkdir(dir, { recursive: true })` never returns
 * under /proc (Node 20 and 24 alike: the kernel answers ENOENT for the parent that exists, and
 * Node retries forever); here the first level that cannot be made is an error.
 */
export async function makeDirectories(dir: string, mode?: number): Promise<void> {
  const missing: string[] = [];
  for (let path = dir; ; path = dirname(path)) {
    try {
      await mkdir(path, mode === undefined ? undefined : { mode });
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") break;
      if (code !== "ENOENT" || dirname(path) === path) throw error;
      missing.push(path);
    }
  }
  for (const path of missing.reverse()) {
    await mkdir(path, mode === undefined ? undefined : { mode }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
  }
}
