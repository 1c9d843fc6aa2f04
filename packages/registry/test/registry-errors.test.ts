import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startFaultProxy, startRegistryFixture, writeTestImage, type FaultProxy, type RegistryFixture } from "../../../test/support/registry/index.js";
import { OciLayout, RegistryError, encodeManifest, MediaType, openRemote, parseReference, pullToLayout, pushFromLayout, sha256, type Digest } from "../src/index.js";

// Error answers of a real registry, and connection failures, as one-line typed errors.
let fixture: RegistryFixture;
const fast = { retry: { baseDelayMs: 5 } };

beforeAll(async () => {
  fixture = await startRegistryFixture("wasmpack-errors-");
});
afterAll(() => fixture?.stop());

describe("registry error answers", () => {
  it("names a missing tag as MANIFEST_UNKNOWN", async () => {
    const layout = await OciLayout.create(join(fixture.work, "missing"));
    const error = await pullToLayout(parseReference(`${fixture.registry.host}/nothing/here:v9`), layout, fast).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ kind: "registry", code: expect.stringMatching(/^(MANIFEST_UNKNOWN|NAME_UNKNOWN)$/), status: 404 });
    expect((error as Error).message).toMatch(new RegExp(`^pull from ${fixture.registry.host}/nothing/here: .* \\(HTTP 404 (MANIFEST_UNKNOWN|NAME_UNKNOWN).*\\): check`));
  });

  it("names a manifest whose blobs are missing as MANIFEST_BLOB_UNKNOWN", async () => {
    const repository = openRemote(parseReference(`${fixture.registry.host}/broken/app:1`), { ...fast, operation: "push" });
    try {
      const missing = { mediaType: MediaType.ImageConfig, digest: sha256(new TextEncoder().encode("absent")), size: 6 };
      const manifest = encodeManifest({ config: missing, layers: [] });
      const error = await repository
        .putManifest("1", { bytes: manifest.bytes, mediaType: MediaType.ImageManifest, digest: manifest.descriptor.digest })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: "registry", code: "MANIFEST_BLOB_UNKNOWN", status: 400 });
      expect((error as Error).message).toMatch(new RegExp(`^push to ${fixture.registry.host}/broken/app: manifest "1" rejected \\(HTTP 400 MANIFEST_BLOB_UNKNOWN.*\\): a blob it references is missing`));
    } finally {
      await repository.close();
    }
  });

  it("names a malformed manifest as MANIFEST_INVALID", async () => {
    const repository = openRemote(parseReference(`${fixture.registry.host}/broken/app:2`), { ...fast, operation: "push" });
    try {
      const bytes = new TextEncoder().encode("{not json");
      const error = await repository.putManifest("2", { bytes, mediaType: MediaType.ImageManifest, digest: sha256(bytes) }).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: "registry", code: "MANIFEST_INVALID", status: 400 });
      expect((error as Error).message).toBe(
        `push to ${fixture.registry.host}/broken/app: manifest "2" rejected (HTTP 400 MANIFEST_INVALID: manifest invalid): the registry may not accept this media type or artifactType`,
      );
    } finally {
      await repository.close();
    }
  });

  it("reports a blob whose bytes do not match its digest as integrity, with a redacted upload URL", async () => {
    const repository = openRemote(parseReference(`${fixture.registry.host}/broken/blob:1`), { ...fast, operation: "push" });
    try {
      const start = await repository.startUpload();
      if (start.mounted) throw new Error("unexpected mount");
      const bytes = new TextEncoder().encode("hello");
      const wrong = sha256(new TextEncoder().encode("something else")) as Digest;
      const error = await repository.finishUpload(start.session, wrong, { length: bytes.length, body: () => bytes }).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: "integrity", code: "DIGEST_INVALID", status: 400 });
      expect((error as RegistryError).url).toMatch(/\?_state=\*\*\*&digest=sha256:[0-9a-f]{64}$/);
      expect((error as Error).message).not.toContain("_state");
    } finally {
      await repository.close();
    }
  });
});

describe("connection failures", () => {
  it("gives a refused connection one brief retry, then a network error", async () => {
    const port = await freePort();
    const retries: number[] = [];
    const layout = await OciLayout.create(join(fixture.work, "refused"));
    await writeTestImage(layout, { tag: "x" });
    const error = await pushFromLayout(layout, parseReference(`127.0.0.1:${port}/app:x`), { ...fast, onRetry: (e) => retries.push(e.attempt) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "network", code: "CONNECTION_REFUSED" });
    expect((error as Error).message).toContain(`127.0.0.1:${port} refused the connection (ECONNREFUSED, GET http://127.0.0.1:${port}/v2/) after 2 attempts`);
    expect(retries).toEqual([1]);
  });

  it("reports a host that does not resolve", async () => {
    const layout = await OciLayout.create(join(fixture.work, "dns"));
    const error = await pullToLayout(parseReference("registry.wasmpack-test.invalid/app:x"), layout, { retry: { attempts: 2, baseDelayMs: 5 } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "network", code: "HOST_NOT_FOUND" });
  });

  it("reports a TLS failure when an HTTPS client meets a plain-HTTP registry", async () => {
    // 0.0.0.0 is not loopback by name, so the client insists on HTTPS; the registry speaks HTTP.
    const layout = await OciLayout.create(join(fixture.work, "tls"));
    const error = await pullToLayout(parseReference(`0.0.0.0:${fixture.registry.port}/app:x`), layout, fast).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "network", code: "TLS" });
    expect((error as Error).message).toContain("list it as insecure");
    // Listed as insecure, the same registry is reached over HTTP.
    const second = await pullToLayout(parseReference(`0.0.0.0:${fixture.registry.port}/app:x`), layout, { ...fast, insecure: [`0.0.0.0:${fixture.registry.port}`] }).catch((e: unknown) => e);
    expect(second).toMatchObject({ kind: "registry", status: 404 });
  });

  it("times out on a registry that never answers", async () => {
    let proxy: FaultProxy | undefined;
    try {
      proxy = await startFaultProxy(fixture.registry.port, () => ({ kind: "hang" }));
      const layout = await OciLayout.create(join(fixture.work, "hang"));
      const error = await pullToLayout(parseReference(`${proxy.host}/app:x`), layout, {
        retry: { attempts: 2, baseDelayMs: 5 },
        timeouts: { headersMs: 200 },
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: "network", code: "TIMEOUT" });
      expect(proxy.seen).toHaveLength(2);
    } finally {
      await proxy?.stop();
    }
  });
});
