// Fuzzing WWW-Authenticate parsing: headers built from the RFC 9110 grammar's pieces, recombined,
// and arbitrary text. Parsing never throws and ends fast; bearerChallenge only names a realm given.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bearerChallenge, hasBasicChallenge, parseChallenges } from "../../packages/registry/src/remote/challenge.js";
import { requestToken } from "../../packages/registry/src/remote/token.js";
import type { HttpTransport } from "../../packages/registry/src/remote/transport.js";
import { asyncOutcome, hostileJson, syncOutcome } from "./support.js";

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

  it("a token request from a parsed challenge, answered with any status and body: a token or a WasmpackError", async () => {
    const realmHeader = fc.oneof(
      headerLike,
      fc.constantFrom('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"', 'Bearer realm="ftp://x"', 'Bearer realm="not a url"', 'Bearer realm="http://[::1"', 'Bearer realm="https://u:p@auth.example/t?x=1#f"'),
    );
    const body = fc.oneof(
      fc.record({ token: fc.oneof(fc.string(), hostileJson), access_token: fc.oneof(fc.constant(undefined), fc.string(), hostileJson), expires_in: fc.oneof(fc.integer(), fc.double(), hostileJson) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
      hostileJson.map((v) => JSON.stringify(v) ?? ""),
      fc.string({ unit: "binary", maxLength: 40 }),
    );
    const credential = fc.option(
      fc.oneof(
        fc.record({ username: fc.string({ unit: "binary", maxLength: 8 }), password: fc.string({ unit: "binary", maxLength: 8 }) }),
        fc.record({ identityToken: fc.string({ unit: "binary", maxLength: 8 }) }),
      ),
      { nil: undefined },
    );
    await fc.assert(
      fc.asyncProperty(realmHeader, fc.constantFrom(200, 200, 201, 401, 403, 404, 500), body, credential, async (text, status, answer, cred) => {
        const bearer = bearerChallenge(parseChallenges(text));
        if (!bearer) return;
        const transport = {
          send: async (request: { url: URL; headers?: Record<string, string> }) => {
            // What would go on the wire must be sendable: header values are strings.
            for (const v of Object.values(request.headers ?? {})) expect(typeof v).toBe("string");
            const bytes = Buffer.from(answer);
            return {
              status,
              url: request.url,
              headers: { "content-type": "application/json" },
              attempts: 1,
              body: { json: async () => JSON.parse(bytes.toString("utf8")) as unknown, dump: async () => undefined },
            };
          },
        } as unknown as HttpTransport;
        const outcome = await asyncOutcome(() => requestToken(transport, "registry.example", bearer, bearer.scopes, cred, undefined, () => 0));
        if (outcome.ok) {
          expect(typeof outcome.value.value).toBe("string");
          expect(Number.isNaN(outcome.value.expiresAt)).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
