import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pullToLayout } from "@wasmpack/registry";
import { OciLayout } from "@wasmpack/registry/layout";
import type { Reference } from "@wasmpack/registry/oci";
import type { RegistryFlags } from "../commands/registry-flags.js";
import type { LocatedLayout } from "./locate-image.js";
import { registryClientOptions } from "./registry-client.js";

/**
 * Pulls a registry reference into a temporary layout (every blob checked against its digest),
 * tagged `tag`, for `verify` and `k8s` to read as they read a layout on disk. The caller calls
 * `cleanup` once done with it.
 */
export async function pullToTempLayout(
  reference: Reference,
  flags: RegistryFlags,
  env: Record<string, string | undefined>,
  tag: string,
  options: { referrers?: boolean } = {},
): Promise<{ located: LocatedLayout & { tag: string }; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `wasmpack-${tag}-`));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const layout = await OciLayout.create(dir);
    await pullToLayout(reference, layout, { ...(await registryClientOptions(flags, env)), tags: [tag], ...(options.referrers ? { referrers: true } : {}) });
    return { located: { layout: dir, tag }, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
