import type { ClusterRuntime } from "../kubernetes/cluster-runtime.js";
import { classifyContents } from "./classify-image.js";
import { compatEntrypointChecks, spinEntrypointCheck } from "./entrypoint-checks.js";
import type { ImageContents } from "./image-contents.js";
import { moduleChecks } from "./module-checks.js";
import { annotationCheck, defaultRuntime, kindCheck, layerCheck, manifestCheck, platformCheck } from "./runtime-fit-checks.js";
import { spinLayoutChecks } from "./spin-layout-checks.js";
import { warn, type VerifyCheck, type VerifyReport } from "./verify-report.js";

export interface VerifyOptions {
  /** The runtime to check against; by default the one the image is built for. */
  runtime?: ClusterRuntime;
}

/**
 * Static checks that the image will start on the runtime, each reported with its reason. Nothing
 * is printed or thrown for a failed check: callers decide (`assertVerified` throws).
 */
export async function verifyImage(image: ImageContents, options: VerifyOptions = {}): Promise<VerifyReport> {
  const kind = classifyContents(image);
  const runtime = options.runtime ?? defaultRuntime(kind);
  const checks: VerifyCheck[] = [
    ...manifestCheck(image),
    kindCheck(kind, runtime),
    annotationCheck(image, kind, runtime),
    platformCheck(image, kind),
    ...layerCheck(image),
  ];

  if (kind === "spin-layout") {
    const spin = await spinLayoutChecks(image);
    checks.push(...spin.checks);
    if (runtime === "spin") checks.push(spinEntrypointCheck(image));
    for (const path of spin.modules) checks.push(...(await moduleChecks(path, image.files.get(path)!, runtime)));
  } else if (kind === "compat" || kind === "compat-smart") {
    const entry = compatEntrypointChecks(image, runtime);
    checks.push(...entry.checks);
    if (entry.module) checks.push(...(await moduleChecks(entry.module, image.files.get(entry.module)!, runtime, entry.exportName)));
  } else if (kind === "spin-artifact" || kind === "wasm-artifact") {
    checks.push(warn("modules", `verify reads rootfs images; the wasm layers of this ${kind} were not checked`));
  }
  return { runtime, kind, ok: checks.every((c) => c.ok), checks };
}
