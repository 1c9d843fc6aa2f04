import { access } from "node:fs/promises";

/**
 * The Cargo.lock cargo refused to create or update under `--locked`, from its stderr (one line or
 * all of it): "the lock file P needs to be updated but --locked was passed" (older cargo says so
 * for a missing file too), or "cannot create the lock file P because --locked was passed".
 */
export function lockRefusedIn(stderr: string): string | undefined {
  const match = /^error: (?:the lock file (.+) needs to be updated but|cannot create the lock file (.+) because) --locked/m.exec(stderr);
  return match?.[1] ?? match?.[2];
}

/** Whether the refused lock file is missing (rather than out of date). */
export async function lockFileMissing(lockFile: string): Promise<boolean> {
  return access(lockFile).then(() => false, () => true);
}
