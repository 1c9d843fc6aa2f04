// Fuzzing image references (and the platform and digest strings given beside them): every input
// parses or is a WasmpackError, fast; what parses formats back to a reference that parses the same.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatReference, parseDigest, parsePlatform, parseReference } from "@wasmpack/registry/oci";
import { syncOutcome } from "./support.js";

const HEX = "0123456789abcdef";
const hex = (n: number) => fc.string({ unit: fc.constantFrom(...HEX), minLength: n, maxLength: n });

/** Grammar pieces of `registry/repository:tag@digest`, recombined in any order. */
const piece = fc.oneof(
  fc.constantFrom("localhost", "ghcr.io", "docker.io", "index.docker.io", "registry-1.docker.io", "127.0.0.1:5000", "[::1]:5000", "[::1]", "Host.Example:443"),
  fc.constantFrom("/", ":", "@", ".", "_", "__", "-", "--", "..", "library", "org", "app", "latest", "v1.2.3", "sha256:", "sha512:", " ", "\t", "\n", "[", "]", "%2F", "é", "\u0000", "A"),
  hex(64).map((h) => `sha256:${h}`),
  hex(128).map((h) => `@sha512:${h}`),
  fc.string({ unit: "grapheme-ascii", maxLength: 6 }),
);
const referenceLike = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(""));
const anyString = fc.string({ unit: "binary", maxLength: 300 });

describe("fuzz: image references", () => {
  it("parseReference: a Reference or a WasmpackError; a parsed one round-trips through formatReference", () => {
    fc.assert(
      fc.property(fc.oneof(referenceLike, anyString), (input) => {
        const outcome = syncOutcome(() => parseReference(input));
        if (!outcome.ok) return;
        const again = syncOutcome(() => parseReference(formatReference(outcome.value)));
        expect(again.ok && again.value).toEqual(outcome.value);
      }),
      { numRuns: 5000 },
    );
  });

  it("parseReference: long inputs end within the budget", () => {
    fc.assert(
      fc.property(fc.array(piece, { minLength: 200, maxLength: 2000 }), fc.constantFrom("", "/", "-", "a", "a-"), (parts, glue) => {
        syncOutcome(() => parseReference(parts.join(glue)));
        syncOutcome(() => parseReference(`a${"-".repeat(parts.length * 10)}!`));
      }),
      { numRuns: 200 },
    );
  });

  it("parsePlatform and parseDigest: a value or a WasmpackError", () => {
    fc.assert(
      fc.property(fc.oneof(referenceLike, anyString, fc.array(fc.constantFrom("wasi", "wasm", "linux", "/", "", "amd64", "v8", "é"), { maxLength: 6 }).map((p) => p.join("/"))), (input) => {
        syncOutcome(() => parsePlatform(input));
        syncOutcome(() => parseDigest(input));
      }),
      { numRuns: 3000 },
    );
  });
});
