import type { ClusterRuntime } from "../kubernetes/cluster-runtime.js";
import { artifactConfigCheck } from "./artifact-config-check.js";
import { classifyContents, type ImageKind } from "./classify-image.js";
import { compatEntrypointChecks, spinEntrypointCheck } from "./entrypoint-checks.js";
import type { ImageContents } from "./image-contents.js";
import { moduleChecks } from "./module-checks.js";
import { annotationCheck, defaultRuntime, kindCheck, layerCheck, manifestCheck, platformCheck } from "./runtime-fit-checks.js";
import { servesCheck, spinAppServing, type Serving, type WorkloadKind } from "./serving.js";
import { spinLayoutChecks } from "./spin-layout-checks.js";
import { warn, type VerifyCheck, type VerifyReport } from "./verify-report.js";

export interface VerifyOptions {
  /** The runtime to check against; by default the one the image is built for. */
  runtime?: ClusterRuntime;
  /**
   * How it will be run: `deployment` fails a program that exits (it would restart forever),
   * `job` fails a server (it never completes). Without it a program only gets a warning.
   */
  kind?: WorkloadKind;
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
  const modules = await imageModuleChecks(image, kind, runtime);
  checks.push(...modules.checks);
  const serving = spinAppServing(kind, runtime) ?? modules.serving;
  const serves = serving ? servesCheck(serving, options.kind) : undefined;
  if (serves) checks.push(serves);
  return { runtime, kind, ok: checks.every((c) => c.ok), checks, ...(serving ? { serving } : {}) };
}

/**
 * Whether the image can serve, without the other checks: what `wasmpack k8s` asks to choose a
 * Deployment or a Job. Reads and parses the module(s) as `verifyImage` does.
 */
export async function imageServing(image: ImageContents, runtime?: ClusterRuntime): Promise<Serving> {
  const kind = classifyContents(image);
  const on = runtime ?? defaultRuntime(kind);
  return spinAppServing(kind, on) ?? (await imageModuleChecks(image, kind, on)).serving ?? { mode: "unknown", why: `no module found in this ${kind} image` };
}

/** The checks of the module(s) the runtime will load, and whether the one that runs can serve. */
async function imageModuleChecks(image: ImageContents, kind: ImageKind, runtime: ClusterRuntime): Promise<{ checks: VerifyCheck[]; serving?: Serving }> {
  const checks: VerifyCheck[] = [];
  if (kind === "spin-layout") {
    const spin = await spinLayoutChecks(image);
    checks.push(...spin.checks);
    if (runtime === "spin") checks.push(spinEntrypointCheck(image));
    for (const path of spin.modules) checks.push(...(await moduleChecks(`/${path}`, image.files.get(path)!, runtime)).checks);
    return { checks };
  }
  if (kind === "compat" || kind === "compat-smart") {
    const entry = compatEntrypointChecks(image, runtime);
    checks.push(...entry.checks);
    if (!entry.module) return { checks };
    const module = await moduleChecks(`/${entry.module}`, image.files.get(entry.module)!, runtime, entry.exportName);
    return { checks: [...checks, ...module.checks], serving: module.serving };
  }
  const layers = image.wasmLayers ?? [];
  if (kind === "wasm-artifact" && layers.length === 1) {
    // runwasi and the Spin shim run exactly one raw wasm layer (formats.md §3, §5(b)).
    const layer = layers[0]!;
    const module = await moduleChecks(`layer ${layer.title ?? layer.digest}`, layer, runtime);
    // The CNCF artifact's config says what the layer is; tools route by it, so it must agree.
    const config = image.wasmConfig ? [artifactConfigCheck(image.wasmConfig, image.layerDigests ?? [layer.digest], module.inspection)] : [];
    return { checks: [...module.checks, ...config], serving: module.serving };
  }
  if (kind === "spin-artifact" || kind === "wasm-artifact") {
    checks.push(warn("modules", `verify reads rootfs images and single wasm layers; the wasm layers of this ${kind} were not checked`));
  }
  return { checks };
}
