import { WasmpackError } from "../errors.js";
import { RETRYABLE_NETWORK_CODES } from "./network-error.js";
import { RegistryError } from "./registry-error.js";
import { backoffDelay, isRetryableStatus, sleep, type RetryOptions } from "./retry-policy.js";
import type { RetryEvent } from "./transport.js";

/**
 * Whether a whole step (an upload session, a blob download) is worth starting again after
 * `error`: a dropped or timed-out connection, 408/429/5xx, or an upload session the registry
 * lost. A refused connection is not: the transport already gave it its brief second chance.
 */
export function isRetryableFailure(error: unknown): boolean {
  if (error instanceof RegistryError) {
    return isRetryableStatus(error.status) || error.status === 416 || error.code === "BLOB_UPLOAD_UNKNOWN" || error.code === "BLOB_UPLOAD_INVALID";
  }
  return error instanceof WasmpackError && error.kind === "network" && RETRYABLE_NETWORK_CODES.has(error.code);
}

/** The delay a failure asks for (`Retry-After`), if any. */
export function requestedDelay(error: unknown): number | undefined {
  return error instanceof RegistryError ? error.retryAfterMs : undefined;
}

/** How a step is retried as a whole, and how each retry is reported. */
export interface StepRetryOptions {
  retry: RetryOptions;
  /** The method and URL (or blob) the retry event names for `error`. */
  subject: (error: unknown) => Pick<RetryEvent, "method" | "url">;
  onRetry?: (event: RetryEvent) => void;
  signal?: AbortSignal;
}

/**
 * After failed attempt number `attempt`: rethrows `error` when it is not worth retrying or that
 * was the last attempt; otherwise reports the retry and waits the delay the failure asked for,
 * else the backoff.
 */
export async function pauseBeforeRetry(error: unknown, attempt: number, options: StepRetryOptions): Promise<void> {
  if (!isRetryableFailure(error)) throw error;
  // The last failure of several says how many attempts the step made.
  if (attempt >= options.retry.attempts) throw attempt > 1 && error instanceof RegistryError ? error.afterAttempts(attempt) : error;
  const delayMs = requestedDelay(error) ?? backoffDelay(options.retry, attempt);
  options.onRetry?.({ ...options.subject(error), attempt, delayMs, reason: error instanceof Error ? error.message : String(error) });
  await sleep(delayMs, options.signal);
}

/** Runs `step`, starting it again after each retryable failure, up to `retry.attempts` times in all. */
export async function retryStep<T>(step: () => Promise<T>, options: StepRetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      await pauseBeforeRetry(error, attempt, options);
    }
  }
}
