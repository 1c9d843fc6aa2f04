import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { makeDirectories, writeFileAtomic } from "@wasmpack/registry/layout";

/**
 * What the last `wasmpack build` run from a working directory wrote, and where it was last
 * pushed, so `wasmpack push REF` and `wasmpack k8s` from the same directory need no paths. Kept
 * under $XDG_STATE_HOME, not in the user's tree.
 */
export interface BuildRecord {
  layout: string;
  project: string;
  /** Every image the build tagged, the primary first. */
  images: { tag: string; digest: string; format?: string }[];
  /** `repo@sha256:…` of each image at its last push, primary first. */
  pushed?: string[];
}

function recordPath(cwd: string, env: Record<string, string | undefined>): string {
  const state = env["XDG_STATE_HOME"] || join(env["HOME"] || homedir(), ".local", "state");
  const key = createHash("sha256").update(cwd).digest("hex").slice(0, 16);
  return join(state, "wasmpack", "last-build", `${key}.json`);
}

export async function saveBuildRecord(cwd: string, env: Record<string, string | undefined>, record: BuildRecord): Promise<void> {
  const path = recordPath(cwd, env);
  await makeDirectories(dirname(path));
  await writeFileAtomic(path, `${JSON.stringify(record, null, 2)}\n`);
}

export async function loadBuildRecord(cwd: string, env: Record<string, string | undefined>): Promise<BuildRecord | undefined> {
  try {
    return JSON.parse(await readFile(recordPath(cwd, env), "utf8")) as BuildRecord;
  } catch {
    return undefined;
  }
}
