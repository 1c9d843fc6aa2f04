import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runCommand } from "./cli.js";

/** skopeo's view of an image in an OCI layout (`--config` for the config). */
export async function skopeoInspect(layout: string, tag: string, what: "manifest" | "config" | "info" = "info"): Promise<Record<string, unknown>> {
  const flag = what === "manifest" ? ["--raw"] : what === "config" ? ["--config"] : [];
  const result = await runCommand("skopeo", ["inspect", ...flag, `oci:${layout}:${tag}`]);
  if (result.exitCode !== 0) throw new Error(`skopeo inspect oci:${layout}:${tag} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/**
 * Unpacks the image's rootfs with umoci (`raw unpack`: umoci's full unpack refuses os `wasi`
 * only because it cannot write a Linux runtime config for it).
 */
export async function umociUnpack(layout: string, tag: string, rootfs: string): Promise<void> {
  const result = await runCommand("umoci", ["raw", "unpack", "--image", `${layout}:${tag}`, rootfs]);
  if (result.exitCode !== 0) throw new Error(`umoci raw unpack failed: ${result.stderr}`);
}

export async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
}

export const layoutIndex = (layout: string) => readJson(join(layout, "index.json"));
