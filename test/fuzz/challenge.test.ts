// Fuzzing WWW-Authenticate parsing: headers built from the RFC 9110 grammar's pieces, recombined,
// and arbitrary text. Parsing never throws and ends fast; bearerChallenge only names a realm given.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bearerChallenge, hasBasicChallenge, parseChallenges } from "../../packages/registry/src/remote/challenge.js";
import { syncOutcome } from "./support.js";

const piece = fc.oneof(
  fc.constantFrom("Bearer", "bearer", "Basic", "Negotiate", "Digest", "realm", "service", "scope", "error", "charset", "__proto__", "constructor"),
  fc.constantFrom("=", "==", ",", ", ", " ", "\t", '"', '\\"', "\\", '""', "\r\n", ":", "/", ";"),
  fc.constantFrom('"https://auth.example/token"', '"registry.example"', '"repository:a/b:pull,push"', '"insufficient_scope"', "abc==", "UTF-8", '"a\\\\b"', '"unterminated'),
  fc.string({ unit: "grapheme-ascii", maxLength: 8 }),
);
const headerLike = fc.array(piece, { maxLength: 24 }).map((parts) => parts.join(""));
const header = fc.oneof(headerLike, fc.string({ unit: "binary", maxLength: 200 }));

describe("fuzz: WWW-Authenticate challenges", () => {
  it("parseChallenges (one header or several) never throws; bearerChallenge's realm is one the header gave", () => {
    fc.assert(
      fc.property(fc.oneof(header, fc.array(header, { maxLength: 4 })), (input) => {
        const outcome = syncOutcome(() => {
          const challenges = parseChallenges(input);
          return { challenges, bearer: bearerChallenge(challenges), basic: hasBasicChallenge(challenges) };
        });
        expect(outcome.ok).toBe(true);
        if (!outcome.ok) return;
        for (const c of outcome.value.challenges) {
          expect(c.scheme).toBe(c.scheme.toLowerCase());
          expect(c.scheme).not.toBe("");
          expect(Object.getPrototypeOf(c.params)).toBe(Object.prototype);
        }
        const bearer = outcome.value.bearer;
        if (bearer) {
          expect(typeof bearer.realm).toBe("string");
          expect(bearer.realm).not.toBe("");
          expect(bearer.scopes.every((s) => typeof s === "string" && s !== "")).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("long headers end within the budget", () => {
    fc.assert(
      fc.property(fc.array(piece, { minLength: 500, maxLength: 3000 }), (parts) => {
        syncOutcome(() => parseChallenges(parts.join("")));
        syncOutcome(() => parseChallenges(`Bearer ${parts.map((_, i) => `k${i}="${"\\".repeat(i % 7)}"`).join(",")}`));
      }),
      { numRuns: 200 },
    );
  });
});
