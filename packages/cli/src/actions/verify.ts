import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertVerified, isClusterRuntime, openLayoutImage, verifyImage, type ClusterRuntime, type VerifyCheck } from "@wasmpack/builder";
import { pullToLayout } from "@wasmpack/registry";
import { WasmpackError } from "@wasmpack/registry/errors";
import { OciLayout } from "@wasmpack/registry/layout";
import { parseReference } from "@wasmpack/registry/oci";
import type { VerifyCommandOptions } from "../commands/verify.js";
import { createConsole } from "./console.js";
import { isLocalImage, locateLayoutImage, type LocatedLayout } from "./locate-image.js";
import { registryClientOptions } from "./registry-client.js";

/** `wasmpack verify`: static checks that an image will start on its runtime; throws when one fails. */
export async function verify(image: string, options: VerifyCommandOptions, env: Record<string, string | undefined>): Promise<void> {
  const out = createConsole({ quiet: options.quiet });
  const runtime = options.runtime;
  if (runtime !== undefined && !isClusterRuntime(runtime)) throw new WasmpackError("usage", "ARGUMENT_INVALID", `--runtime ${JSON.stringify(runtime)} is not one of wasmedge, spin, wasmtime`);
  const pulled = await pullIfRemote(image, options, env);
  const located = pulled?.located ?? (await locateLayoutImage(image, env));
  const opened = await openLayoutImage(located.layout, located.tag).finally(() => pulled?.cleanup());
  const report = await verifyImage(opened.contents, runtime ? { runtime: runtime as ClusterRuntime } : {});
  if (options.json) {
    out.json({ layout: located.layout, ...(located.tag ? { tag: located.tag } : {}), digest: opened.digest, ...report });
  } else {
    for (const check of report.checks) if (!options.quiet || !check.ok) out.result(formatCheck(check));
    const failed = report.checks.filter((c) => !c.ok).length;
    out.info(`${opened.kind} image ${opened.digest} on ${report.runtime}: ${failed === 0 ? "all checks passed" : `${failed} of ${report.checks.length} checks failed`}`);
  }
  assertVerified(report, `${located.layout}${located.tag ? `:${located.tag}` : ""}`);
}

/**
 * A registry reference is pulled into a temporary layout (every blob checked against its digest)
 * and verified there; anything on disk is left to locateLayoutImage.
 */
async function pullIfRemote(image: string, options: VerifyCommandOptions, env: Record<string, string | undefined>): Promise<{ located: LocatedLayout; cleanup: () => Promise<void> } | undefined> {
  if (isLocalImage(image)) return undefined;
  let reference;
  try {
    reference = parseReference(image);
  } catch {
    return undefined; // neither on disk nor a reference: let locateLayoutImage say so
  }
  const dir = await mkdtemp(join(tmpdir(), "wasmpack-verify-"));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const layout = await OciLayout.create(dir);
    await pullToLayout(reference, layout, { ...(await registryClientOptions(options, env)), tags: ["verify"] });
    return { located: { layout: dir, tag: "verify" }, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function formatCheck(check: VerifyCheck): string {
  const mark = !check.ok ? "FAIL" : check.warning ? "warn" : "ok  ";
  return `${mark}  ${check.name}: ${check.reason}`;
}
