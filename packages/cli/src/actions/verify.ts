import { assertVerified, isClusterRuntime, isWorkloadKind, openLayoutImage, verifyImage, WORKLOAD_KINDS, type ClusterRuntime, type VerifyCheck, type VerifyOptions } from "@wasmpack/builder";
import { WasmpackError } from "@wasmpack/registry/errors";
import { parseReference } from "@wasmpack/registry/oci";
import type { VerifyCommandOptions } from "../commands/verify.js";
import { createConsole } from "./console.js";
import { isLocalImage, locateLayoutImage, type LocatedLayout } from "./locate-image.js";
import { pullToTempLayout } from "./temp-layout.js";
import { supplyChainChecks } from "./supply-chain-checks.js";

/** `wasmpack verify`: static checks that an image will start on its runtime; throws when one fails. */
export async function verify(image: string, options: VerifyCommandOptions, env: Record<string, string | undefined>): Promise<void> {
  const out = createConsole({ quiet: options.quiet });
  const { runtime, kind } = options;
  if (runtime !== undefined && !isClusterRuntime(runtime)) throw new WasmpackError("usage", "ARGUMENT_INVALID", `--runtime ${JSON.stringify(runtime)} is not one of wasmedge, spin, wasmtime`);
  if (kind !== undefined && !isWorkloadKind(kind)) throw new WasmpackError("usage", "ARGUMENT_INVALID", `--kind ${JSON.stringify(kind)} is not one of ${WORKLOAD_KINDS.join(", ")}`);
  const pulled = await pullIfRemote(image, options, env);
  const located = pulled?.located ?? (await locateLayoutImage(image, env));
  const verifyOptions: VerifyOptions = { ...(runtime ? { runtime: runtime as ClusterRuntime } : {}), ...(kind ? { kind } : {}) };
  // An artifact's wasm layer is read from the layout when a check asks: keep a pulled one until then.
  const { opened, report, signed } = await (async () => {
    const opened = await openLayoutImage(located.layout, located.tag);
    const report = await verifyImage(opened.contents, verifyOptions);
    const signed = options.key ? await supplyChainChecks(located.layout, opened.digest, options.key) : [];
    return { opened, report, signed };
  })().finally(() => pulled?.cleanup());
  if (options.json) {
    out.json({ layout: located.layout, ...(located.tag ? { tag: located.tag } : {}), digest: opened.digest, ...report, ...(options.key ? { supplyChain: signed } : {}) });
  } else {
    for (const check of [...report.checks, ...signed]) if (!options.quiet || !check.ok) out.result(formatCheck(check));
    const checks = [...report.checks, ...signed];
    const failed = checks.filter((c) => !c.ok).length;
    out.info(`${opened.kind} image ${opened.digest} on ${report.runtime}: ${failed === 0 ? "all checks passed" : `${failed} of ${checks.length} checks failed`}`);
  }
  assertVerified(report, `${located.layout}${located.tag ? `:${located.tag}` : ""}`);
  const failed = signed.find((check) => !check.ok);
  if (failed) {
    const kind = failed.name === "signature" ? "integrity" : "input";
    throw new WasmpackError(kind, failed.name === "signature" ? "SIGNATURE_NOT_VERIFIED" : "SBOM_MISSING", `${image}: ${failed.name}: ${failed.reason}`);
  }
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
  // With --key the signature and SBOM come along, as the image's referrers.
  return pullToTempLayout(reference, options, env, "verify", { referrers: options.key !== undefined });
}

function formatCheck(check: VerifyCheck): string {
  const mark = !check.ok ? "FAIL" : check.warning ? "warn" : "ok  ";
  return `${mark}  ${check.name}: ${check.reason}`;
}
