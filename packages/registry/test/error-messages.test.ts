import { describe, expect, it } from "vitest";
import { describe as describeError, parseErrorBody, type ErrorContext } from "../src/remote/registry-error.js";
import { isInsecureRegistry, isLoopbackRegistry, registryOrigin } from "../src/remote/endpoint-url.js";

const push: ErrorContext = { operation: "push", repository: "ghcr.io/org/app", subject: 'manifest "v1"', object: "manifest" };
const pull: ErrorContext = { operation: "pull", repository: "ghcr.io/org/app", subject: "blob sha256:ab", object: "blob" };

describe("registry error messages", () => {
  it("says who refused what, with status, code and a hint, on one line", () => {
    const denied = describeError(403, [{ code: "DENIED", message: "permission_denied: write_package" }], undefined, push);
    expect(denied).toEqual({
      kind: "auth",
      code: "DENIED",
      message: "push to ghcr.io/org/app denied (HTTP 403 DENIED: permission_denied: write_package): check that the credentials can write to this repository",
    });
    expect(describeError(401, [], "insufficient_scope", pull)).toMatchObject({ kind: "auth", code: "DENIED", message: expect.stringContaining("can read this repository") });
    expect(describeError(401, [], undefined, pull)).toMatchObject({ kind: "auth", code: "UNAUTHORIZED" });
    expect(describeError(404, [{ code: "NAME_UNKNOWN", message: "repository name not known to registry" }], undefined, pull)).toMatchObject({
      kind: "registry",
      code: "NAME_UNKNOWN",
      message: "pull from ghcr.io/org/app: repository not found (HTTP 404 NAME_UNKNOWN: repository name not known to registry): check the name; some registries (ECR) need the repository created first",
    });
    expect(describeError(503, [], undefined, pull, 4).message).toBe("pull from ghcr.io/org/app failed on the registry's side (HTTP 503 HTTP_503) after 4 attempts: the registry has a problem; retry later");
    expect(describeError(400, [{ code: "DIGEST_INVALID" }], undefined, pull)).toMatchObject({ kind: "integrity", code: "DIGEST_INVALID" });
    expect(describeError(400, [{ code: "DIGEST_INVALID" }], undefined, push)).toMatchObject({ kind: "registry", code: "DIGEST_INVALID" });
  });

  it("prefers the telling code and keeps secrets out of the registry's text", () => {
    const errors = [{ code: "DIGEST_INVALID" }, { code: "MANIFEST_BLOB_UNKNOWN", message: "blob unknown" }];
    expect(describeError(400, errors, undefined, push).code).toBe("MANIFEST_BLOB_UNKNOWN");
    const leaky = describeError(401, [{ code: "UNAUTHORIZED", message: "bad header Authorization: Bearer abcdefghijklmnop\nsecond line" }], undefined, push);
    expect(leaky.message).not.toContain("abcdefghijklmnop");
    expect(leaky.message).not.toContain("\n");
  });

  it("parses the spec's error body and tolerates anything else", () => {
    expect(parseErrorBody('{"errors":[{"code":"denied","message":"m","detail":{"a":1}}]}')).toEqual([{ code: "DENIED", message: "m", detail: { a: 1 } }]);
    expect(parseErrorBody("<html>502</html>")).toEqual([]);
    expect(parseErrorBody('{"errors":"x"}')).toEqual([]);
  });
});

describe("registry origin", () => {
  it("uses HTTPS except for loopback and listed insecure hosts", () => {
    expect(["localhost:5000", "localhost", "127.0.0.1:5000", "127.1.2.3", "[::1]:5000"].every(isLoopbackRegistry)).toBe(true);
    expect(["0.0.0.0:5000", "localhost.example.com", "128.0.0.1", "ghcr.io"].some(isLoopbackRegistry)).toBe(false);
    expect(registryOrigin("127.0.0.1:5000")).toBe("http://127.0.0.1:5000");
    expect(registryOrigin("ghcr.io")).toBe("https://ghcr.io");
    expect(registryOrigin("docker.io")).toBe("https://registry-1.docker.io");
    expect(registryOrigin("reg.lan:5000", ["reg.lan"])).toBe("http://reg.lan:5000");
    expect(isInsecureRegistry("reg.lan:5000", ["http://reg.lan:5000/"])).toBe(true);
    expect(isInsecureRegistry("reg.lan:5000", ["other.lan"])).toBe(false);
  });
});
