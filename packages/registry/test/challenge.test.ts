import { describe, expect, it } from "vitest";
import { isCovered } from "../src/remote/auth.js";
import { bearerChallenge, hasBasicChallenge, parseChallenges } from "../src/remote/challenge.js";

describe("parseChallenges", () => {
  it("reads a docker Bearer challenge whose scope holds commas", () => {
    const header = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/app:pull,push"';
    expect(parseChallenges(header)).toEqual([
      { scheme: "bearer", params: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:library/app:pull,push" } },
    ]);
    expect(bearerChallenge(parseChallenges(header))).toEqual({
      realm: "https://auth.docker.io/token",
      service: "registry.docker.io",
      scopes: ["repository:library/app:pull,push"],
    });
  });

  it("splits several challenges in one header and in several headers", () => {
    const one = parseChallenges('Basic realm="Registry Realm", Bearer realm="https://r/token", service="r"');
    expect(one.map((c) => c.scheme)).toEqual(["basic", "bearer"]);
    expect(one[1]!.params).toEqual({ realm: "https://r/token", service: "r" });
    const many = parseChallenges(['Basic realm="x"', 'Bearer realm="https://r/token"']);
    expect(many.map((c) => c.scheme)).toEqual(["basic", "bearer"]);
    expect(hasBasicChallenge(many)).toBe(true);
  });

  it("handles escapes, spaces around '=', unquoted tokens and mixed case", () => {
    const [c] = parseChallenges('BEARER Realm = "https://r/t?a=1,b=2" , Service=reg.io, error="insufficient_scope", scope="a:b:pull b:c:push" , x="say \\"hi\\""');
    expect(c).toEqual({
      scheme: "bearer",
      params: { realm: "https://r/t?a=1,b=2", service: "reg.io", error: "insufficient_scope", scope: "a:b:pull b:c:push", x: 'say "hi"' },
    });
    expect(bearerChallenge([c!])).toMatchObject({ scopes: ["a:b:pull", "b:c:push"], error: "insufficient_scope" });
  });

  it("ignores what it cannot use", () => {
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges("")).toEqual([]);
    expect(bearerChallenge(parseChallenges('Bearer service="no-realm"'))).toBeUndefined();
    expect(parseChallenges("Negotiate abc==")).toEqual([{ scheme: "negotiate", params: { "": "abc" } }]);
    expect(bearerChallenge(parseChallenges('Basic realm="x"'))).toBeUndefined();
  });
});

describe("isCovered", () => {
  it("treats a scope as covered by one on the same resource with at least its actions", () => {
    expect(isCovered("repository:a/b:pull", ["repository:a/b:pull,push"])).toBe(true);
    expect(isCovered("repository:a/b:pull,push", ["repository:a/b:pull"])).toBe(false);
    expect(isCovered("repository:a/c:pull", ["repository:a/b:pull,push"])).toBe(false);
    expect(isCovered("registry:catalog:*", ["registry:catalog:*"])).toBe(true);
  });
});
