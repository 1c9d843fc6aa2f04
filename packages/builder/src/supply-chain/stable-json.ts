import { createHash } from "node:crypto";

/**
 * JSON with every object's keys sorted and 2-space indentation, ending in a newline: the same
 * value always gives the same bytes, whatever order it was built in. `undefined` members are left out.
 */
export function stableJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(sortKeys(value), null, 2)}\n`);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) sorted[key] = sortKeys(member);
  }
  return sorted;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** "sha256:HEX" or "HEX" → "HEX" (lower case); anything else is a caller's mistake. */
export function sha256Of(digest: string): string {
  const hex = digest.startsWith("sha256:") ? digest.slice("sha256:".length) : digest;
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new TypeError(`not a sha256 digest: ${digest}`);
  return hex.toLowerCase();
}

/** Compares strings by code unit, the same on every machine and locale. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
