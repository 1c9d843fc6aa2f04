import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "../src/remote/retry-after.js";
import { backoffDelay, isRetryableStatus, retryOptions } from "../src/remote/retry-policy.js";

const NOW = Date.parse("2026-01-01T00:00:00Z");

describe("parseRetryAfter", () => {
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("0", 60_000, NOW)).toBe(0);
    expect(parseRetryAfter(" 5 ", 60_000, NOW)).toBe(5000);
  });

  it("reads an HTTP-date relative to now, never negative", () => {
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", 60_000, NOW)).toBe(30_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", 60_000, NOW)).toBe(0);
  });

  it("caps what the registry asks for", () => {
    expect(parseRetryAfter("3600", 60_000, NOW)).toBe(60_000);
    expect(parseRetryAfter("Fri, 02 Jan 2026 00:00:00 GMT", 10_000, NOW)).toBe(10_000);
  });

  it("ignores values it cannot read", () => {
    expect(parseRetryAfter(undefined, 60_000, NOW)).toBeUndefined();
    expect(parseRetryAfter("", 60_000, NOW)).toBeUndefined();
    expect(parseRetryAfter("-1", 60_000, NOW)).toBeUndefined();
    expect(parseRetryAfter("1.5", 60_000, NOW)).toBeUndefined();
    expect(parseRetryAfter("soon", 60_000, NOW)).toBeUndefined();
  });
});

describe("retry policy", () => {
  it("retries 408, 429 and 5xx but not 501 or 4xx", () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 416, 501].some(isRetryableStatus)).toBe(false);
  });

  it("backs off exponentially with ±20 % jitter, up to the cap", () => {
    const options = retryOptions({ baseDelayMs: 100, maxDelayMs: 1000 });
    expect(backoffDelay(options, 1, () => 0.5)).toBe(100);
    expect(backoffDelay(options, 3, () => 0.5)).toBe(400);
    expect(backoffDelay(options, 10, () => 0.5)).toBe(1000);
    expect(backoffDelay(options, 2, () => 0)).toBe(160);
    expect(backoffDelay(options, 2, () => 0.9999)).toBe(240);
    expect(retryOptions({ attempts: 0 }).attempts).toBe(1);
  });
});
