import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";

// One afterAll, registered when a test file imports this module: a hook registered later, from
// inside a beforeAll or a test, is never run by vitest, and its directory would be left behind.
const made: string[] = [];
afterAll(() => Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true }))));

/** A temp directory removed after the test file (also when made in a beforeAll or a test). */
export async function tempDir(prefix = "wasmpack-test-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Writes `files` (path → content) under `dir`, creating folders. */
export async function writeTree(dir: string, files: Record<string, string | Uint8Array>): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

export const HELLO_CRATE: Record<string, string> = {
  "Cargo.toml": '[package]\nname = "hello"\nversion = "1.2.3"\nedition = "2021"\n\n[profile.release]\nopt-level = "s"\n',
  "src/main.rs": 'fn main() { println!("hello"); }\n',
};
