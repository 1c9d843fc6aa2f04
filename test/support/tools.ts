import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { REPO_ROOT } from "./cli.js";

/**
 * An optional tool, on PATH or else in the repository's .tools/bin (where scripts/install-deps.sh
 * puts what it builds with Go: crane, oras, cosign, syft, referrers-registry…); undefined when it
 * is in neither, so the tests that need it can skip.
 */
export function findTool(name: string): string | undefined {
  const dirs = [...(process.env["PATH"] ?? "").split(delimiter).filter(Boolean), join(REPO_ROOT, ".tools", "bin")];
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
