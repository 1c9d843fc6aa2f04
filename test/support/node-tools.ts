import { accessSync, constants, statSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./cli.js";

/**
 * The node-side judges scripts/install-deps.sh builds with Go into .tools/bin (optional: without
 * Go, or when a build fails, the tests that need them skip and say so):
 * - `containerd-<version>`: containerd itself, for `containerd config default` and `config dump`
 *   (its real config loader: imports, merging, per-file version migration, plugin decoding);
 * - `crio-config`: CRI-O's own config package (test/support/crio-config), which reads drop-ins and
 *   runs CRI-O's runtime handler validation.
 */
export const CONTAINERD_VERSIONS = ["1.7.35", "2.1.9", "2.2.9", "2.3.7"] as const;
export type ContainerdBuild = (typeof CONTAINERD_VERSIONS)[number];

export function nodeTool(name: string): string | undefined {
  const path = join(REPO_ROOT, ".tools", "bin", name);
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Says once, on stderr, which judge is missing and how to get it, so a skip is never silent. */
export function reportMissing(name: string, what: string): void {
  process.stderr.write(`SKIPPED: ${what}: .tools/bin/${name} is not built (scripts/install-deps.sh builds it when Go is installed)\n`);
}
