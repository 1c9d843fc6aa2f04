import { describe, expect, it } from "vitest";
import { formatReference, parseReference, registryHost } from "./reference.js";

describe("parseReference", () => {
  it.each([
    ["ghcr.io/org/app:1.0", "ghcr.io", "org/app", "1.0"],
    ["localhost:5000/app:dev", "localhost:5000", "app", "dev"],
    ["127.0.0.1:5000/a/b/c", "127.0.0.1:5000", "a/b/c", undefined],
    ["localhost/app", "localhost", "app", undefined],
    ["nginx", "docker.io", "library/nginx", undefined],
    ["nginx:1.25", "docker.io", "library/nginx", "1.25"],
    ["user/app:v1", "docker.io", "user/app", "v1"],
    ["index.docker.io/library/alpine:3", "docker.io", "library/alpine", "3"],
    ["registry-1.docker.io/user/app", "docker.io", "user/app", undefined],
  ])("%s", (input, registry, repository, tag) => {
    const ref = parseReference(input);
    expect([ref.registry, ref.repository, ref.tag]).toEqual([registry, repository, tag]);
  });

  it("keeps a digest and formats back", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    const ref = parseReference(`ghcr.io/org/app:1.0@${digest}`);
    expect(ref.digest).toBe(digest);
    expect(formatReference(ref)).toBe(`ghcr.io/org/app:1.0@${digest}`);
  });

  it.each([
    ["", /is empty/],
    ["ghcr.io/Org/App", /repository "Org\/App" must be lowercase/],
    ["ghcr.io/app:bad tag", /tag "bad tag"/],
    ["ghcr.io/app@sha256:123", /is not a valid digest/],
    ["ghcr.io/app:-x", /tag "-x"/],
  ])("rejects %j", (input, message) => {
    expect(() => parseReference(input)).toThrow(message);
  });

  it("maps Docker Hub to its API host", () => {
    expect(registryHost(parseReference("alpine").registry)).toBe("registry-1.docker.io");
    expect(registryHost("ghcr.io")).toBe("ghcr.io");
  });
});
