/** How often and how long to retry a failed request. */
export interface RetryOptions {
  /** Attempts per request, the first included. Default 4. */
  attempts: number;
  /** Delay before the first retry; doubled each time. Default 500 ms. */
  baseDelayMs: number;
  /** Upper bound for one backoff delay. Default 10 s. */
  maxDelayMs: number;
  /** Upper bound for a delay the registry asks for with `Retry-After`. Default 60 s. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 4, baseDelayMs: 500, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };

export function retryOptions(partial: Partial<RetryOptions> = {}): RetryOptions {
  const merged = { ...DEFAULT_RETRY, ...partial };
  return { ...merged, attempts: Math.max(1, Math.floor(merged.attempts)) };
}

/**
 * Exponential backoff with ±20 % jitter for retry number `retry` (1 = the first retry), so
 * concurrent uploads that failed together do not come back together.
 */
export function backoffDelay(options: RetryOptions, retry: number, random: () => number = Math.random): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exponential * (0.8 + 0.4 * random()));
}

/** 408 Request Timeout, 429 Too Many Requests and every 5xx except 501 Not Implemented. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status <= 599);
}

/** Connection failures worth another attempt (the error codes of node and undici). */
const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
  "UND_ERR_REQ_CONTENT_LENGTH_MISMATCH",
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
]);

/** A refused connection is retried once only: the registry may be restarting, or not there at all. */
export const REFUSED_RETRIES = 1;

export function isRetryableErrorCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_CODES.has(code);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
