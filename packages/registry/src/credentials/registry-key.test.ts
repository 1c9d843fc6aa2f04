import { describe, expect, it } from "vitest";
import { allRegistryKeys, findRegistryKey, hostOf, isDockerHub, registryIdentity, storageKey } from "./registry-key.js";

describe("registry keys", () => {
  it("reduces URLs and legacy keys to the host, as docker's ConvertToHostname does", () => {
    expect(hostOf("ghcr.io")).toBe("ghcr.io");
    expect(hostOf("https://ghcr.io")).toBe("ghcr.io");
    expect(hostOf("https://GHCR.io/v1/")).toBe("ghcr.io");
    expect(hostOf("http://localhost:5000/v2/")).toBe("localhost:5000");
    expect(hostOf("localhost:5000")).toBe("localhost:5000");
  });

  it("folds every Docker Hub alias into one registry", () => {
    for (const alias of ["docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/", "https://registry-1.docker.io"]) {
      expect(isDockerHub(alias)).toBe(true);
      expect(registryIdentity(alias)).toBe("docker.io");
      expect(storageKey(alias)).toBe("https://index.docker.io/v1/");
    }
    expect(isDockerHub("ghcr.io")).toBe(false);
    expect(storageKey("https://ghcr.io/")).toBe("ghcr.io");
  });

  it("prefers the key login writes, then the name as asked, then file order", () => {
    const hub = ["docker.io", "https://index.docker.io/v1/", "index.docker.io"];
    expect(findRegistryKey(hub, "registry-1.docker.io")).toBe("https://index.docker.io/v1/");
    expect(findRegistryKey(["registry-1.docker.io", "index.docker.io"], "index.docker.io")).toBe("index.docker.io");
    expect(findRegistryKey(["https://ghcr.io", "ghcr.io"], "ghcr.io")).toBe("ghcr.io");
    expect(findRegistryKey(["https://ghcr.io/v1/", "quay.io"], "ghcr.io")).toBe("https://ghcr.io/v1/");
    expect(findRegistryKey(["quay.io"], "ghcr.io")).toBeUndefined();
    expect(findRegistryKey(["localhost:5000"], "localhost")).toBeUndefined();
  });

  it("skips podman's namespace-scoped keys when asked to", () => {
    expect(findRegistryKey(["quay.io/org/repo"], "quay.io", { skipNamespaceKeys: true })).toBeUndefined();
    expect(findRegistryKey(["quay.io/org/repo"], "quay.io")).toBe("quay.io/org/repo");
    expect(findRegistryKey(["https://quay.io/v1/"], "quay.io", { skipNamespaceKeys: true })).toBe("https://quay.io/v1/");
  });

  it("lists every spelling of a registry", () => {
    expect(allRegistryKeys(["ghcr.io", "https://ghcr.io", "http://ghcr.io/v1/", "quay.io"], "ghcr.io")).toEqual([
      "ghcr.io",
      "https://ghcr.io",
      "http://ghcr.io/v1/",
    ]);
  });
});
