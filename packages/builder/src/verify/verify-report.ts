import { WasmpackError } from "@wasmpack/registry/errors";
import type { ClusterRuntime } from "../kubernetes/cluster-runtime.js";
import type { ImageKind } from "./classify-image.js";
import type { Serving } from "./serving.js";

/**
 * One static check. `ok: false` means the pod will not start (or not do its job) on that runtime;
 * `warning` marks a passing check worth a look (the image runs, but something is off).
 */
export interface VerifyCheck {
  name: string;
  ok: boolean;
  reason: string;
  warning?: true;
}

export interface VerifyReport {
  runtime: ClusterRuntime;
  kind: ImageKind;
  ok: boolean;
  checks: VerifyCheck[];
  /** Whether the image serves (a Deployment) or runs once (a Job); absent when its module could not be read. */
  serving?: Serving;
}

export const pass = (name: string, reason: string): VerifyCheck => ({ name, ok: true, reason });
export const warn = (name: string, reason: string): VerifyCheck => ({ name, ok: true, reason, warning: true });
export const fail = (name: string, reason: string): VerifyCheck => ({ name, ok: false, reason });

/** Throws `input`/`VERIFY_FAILED` naming the failed checks, when there are any. */
export function assertVerified(report: VerifyReport, what = "image"): void {
  const failed = report.checks.filter((c) => !c.ok);
  if (failed.length === 0) return;
  const first = failed[0]!;
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : "";
  throw new WasmpackError("input", "VERIFY_FAILED", `${what} will not start on ${report.runtime}: ${first.name}: ${first.reason}${more}`);
}
