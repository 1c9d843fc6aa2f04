import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  layoutDigest,
  skopeoCopy,
  skopeoDigest,
  startFaultProxy,
  startRegistryFixture,
  writeTestImage,
  type Fault,
  type FaultProxy,
  type RegistryFixture,
} from "../../../test/support/registry/index.js";
import { OciLayout, parseReference, pullToLayout, pushFromLayout, type ProgressEvent, type RetryEvent } from "../src/index.js";
import type { IncomingMessage } from "node:http";

// A fault-injecting proxy in front of a real registry, for failures a real one will not make on demand.
let fixture: RegistryFixture;
let proxy: FaultProxy | undefined;
const fast = { retry: { baseDelayMs: 5 } };

beforeAll(async () => {
  fixture = await startRegistryFixture("wasmpack-faults-");
});
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});
afterAll(() => fixture?.stop());

/** A proxy that injects `fault` into the first `times` requests matching `match`. */
async function proxyWith(match: (req: IncomingMessage) => boolean, fault: Fault, times = 1): Promise<FaultProxy> {
  let left = times;
  proxy = await startFaultProxy(fixture.registry.port, (req) => (match(req) && left-- > 0 ? fault : undefined));
  return proxy;
}

const retries = (events: ProgressEvent[]): RetryEvent[] => events.flatMap((e) => (e.type === "retry" ? [e.retry] : []));

describe("transport and upload faults", () => {
  it("waits as long as a 429's Retry-After asks, then succeeds", async () => {
    const p = await proxyWith((req) => req.method === "GET" && req.url === "/v2/", { kind: "status", status: 429, headers: { "retry-after": "1" }, body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}' });
    const layout = await OciLayout.create(join(fixture.work, "429"));
    const image = await writeTestImage(layout, { tag: "r" });
    const events: ProgressEvent[] = [];
    const started = Date.now();
    const result = await pushFromLayout(layout, parseReference(`${p.host}/faults/ratelimited:r`), { ...fast, onProgress: (e) => events.push(e) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(result.digest).toBe(image.manifest.digest);
    expect(retries(events)).toEqual([expect.objectContaining({ method: "GET", attempt: 1, delayMs: 1000, reason: "HTTP 429" })]);
    expect(p.seen.slice(0, 2).map((r) => [r.method, r.path, r.fault])).toEqual([
      ["GET", "/v2/", "status"],
      ["GET", "/v2/", undefined],
    ]);
  });

  it("retries an upload whose POST was rate-limited, honouring Retry-After", async () => {
    const p = await proxyWith((req) => req.method === "POST", { kind: "status", status: 429, headers: { "retry-after": "1" } });
    const layout = await OciLayout.create(join(fixture.work, "429-post"));
    const image = await writeTestImage(layout, { tag: "r" });
    const events: ProgressEvent[] = [];
    const result = await pushFromLayout(layout, parseReference(`${p.host}/faults/post429:r`), { ...fast, concurrency: 1, onProgress: (e) => events.push(e) });
    expect(result).toMatchObject({ digest: image.manifest.digest, pushed: image.blobs.length });
    expect(retries(events)).toEqual([expect.objectContaining({ attempt: 1, delayMs: 1000 })]);
  });

  it("starts a new upload session when the connection drops in the middle of a PATCH", async () => {
    let patches = 0;
    proxy = await startFaultProxy(fixture.registry.port, (req) => (req.method === "PATCH" && ++patches === 2 ? { kind: "reset", bytes: 10_000 } : undefined));
    const layout = await OciLayout.create(join(fixture.work, "reset"));
    const image = await writeTestImage(layout, { tag: "big", bigLayerBytes: 300 * 1024 });
    // One blob at a time: with the default 4, another blob's PUT may land between the broken PATCH
    // and its recovery (seen under load), and the order checked below is the recovery's own.
    const result = await pushFromLayout(layout, parseReference(`${proxy.host}/faults/reset:big`), { ...fast, concurrency: 1, chunkThreshold: 64 * 1024, chunkSize: 64 * 1024 });
    expect(result).toMatchObject({ digest: image.manifest.digest, pushed: image.blobs.length });

    const seen = proxy.seen.map((r) => `${r.method}${r.fault ? `:${r.fault}` : ""}`);
    const reset = seen.indexOf("PATCH:reset");
    expect(reset).toBeGreaterThan(0);
    // distribution drops a session after a broken PATCH, so the status query fails and a new POST follows.
    expect(seen.slice(reset + 1, reset + 3)).toEqual(["GET", "POST"]);

    // skopeo verifies every blob it copies (and compresses the uncompressed layer on the way,
    // so the registry's own manifest is compared by its raw bytes).
    await skopeoCopy(`docker://${fixture.registry.host}/faults/reset:big`, `oci:${join(fixture.work, "reset-out")}:big`);
    expect(await skopeoDigest(`docker://${fixture.registry.host}/faults/reset:big`)).toBe(image.manifest.digest);
    const pulled = await OciLayout.create(join(fixture.work, "reset-pulled"));
    await pullToLayout(parseReference(`${fixture.registry.host}/faults/reset:big`), pulled, fast);
    expect(await pulled.hasBlob(image.layers[1]!.digest, image.layers[1]!.size)).toBe(true);
  });

  it("resumes at the registry's Range when a PATCH never reached it", async () => {
    let patches = 0;
    proxy = await startFaultProxy(fixture.registry.port, (req) => (req.method === "PATCH" && ++patches === 3 ? { kind: "reset", bytes: 0 } : undefined));
    const layout = await OciLayout.create(join(fixture.work, "resume"));
    const image = await writeTestImage(layout, { tag: "big", bigLayerBytes: 300 * 1024 });
    const result = await pushFromLayout(layout, parseReference(`${proxy.host}/faults/resume:big`), {
      ...fast,
      concurrency: 1,
      chunkThreshold: 64 * 1024,
      chunkSize: 64 * 1024,
    });
    expect(result.digest).toBe(image.manifest.digest);
    const seen = proxy.seen.map((r) => `${r.method}${r.fault ? `:${r.fault}` : ""}`);
    const reset = seen.indexOf("PATCH:reset");
    expect(seen.slice(reset + 1, reset + 3)).toEqual(["GET", "PATCH"]);
    // One POST per blob: the big layer's upload went on in its first session.
    expect(seen.filter((s) => s === "POST")).toHaveLength(image.blobs.length);
    const bigSize = image.layers[1]!.size;
    expect(seen.filter((s) => s.startsWith("PATCH"))).toHaveLength(Math.ceil(bigSize / (64 * 1024)) + 1);
  });

  it("sends the manifest PUT again after a 500", async () => {
    const p = await proxyWith((req) => req.method === "PUT" && (req.url ?? "").includes("/manifests/"), { kind: "status", status: 500, body: "oops" });
    const layout = await OciLayout.create(join(fixture.work, "500"));
    const image = await writeTestImage(layout, { tag: "m" });
    const result = await pushFromLayout(layout, parseReference(`${p.host}/faults/manifest500:m`), fast);
    expect(result.digest).toBe(image.manifest.digest);
    expect(p.seen.filter((r) => r.method === "PUT" && r.path.includes("/manifests/")).map((r) => r.fault)).toEqual(["status", undefined]);
    const out = join(fixture.work, "500-out");
    await skopeoCopy(`docker://${fixture.registry.host}/faults/manifest500:m`, `oci:${out}:m`);
    expect(await layoutDigest(out, "m")).toBe(image.manifest.digest);
  });

  it("downloads a blob again when the connection drops halfway", async () => {
    const layout = await OciLayout.create(join(fixture.work, "truncate-src"));
    const image = await writeTestImage(layout, { tag: "t", bigLayerBytes: 256 * 1024 });
    await pushFromLayout(layout, parseReference(`${fixture.registry.host}/faults/truncated:t`), fast);
    const layer = image.layers[1]!;
    const p = await proxyWith((req) => req.method === "GET" && (req.url ?? "").endsWith(`/blobs/${layer.digest}`), { kind: "truncate" });

    const pulled = await OciLayout.create(join(fixture.work, "truncate-pulled"));
    const events: ProgressEvent[] = [];
    const result = await pullToLayout(parseReference(`${p.host}/faults/truncated:t`), pulled, { ...fast, onProgress: (e) => events.push(e) });
    expect(result).toMatchObject({ digest: image.manifest.digest, pulled: image.blobs.length });
    expect(await pulled.hasBlob(layer.digest, layer.size)).toBe(true);
    expect(p.seen.filter((r) => r.path.endsWith(`/blobs/${layer.digest}`)).map((r) => r.fault)).toEqual(["truncate", undefined]);
    expect(retries(events)).toEqual([expect.objectContaining({ attempt: 1, url: `blob ${layer.digest}` })]);
  });

  it("refuses a blob whose body does not match its digest and keeps nothing of it", async () => {
    const layout = await OciLayout.create(join(fixture.work, "corrupt-src"));
    const image = await writeTestImage(layout, { tag: "c" });
    await pushFromLayout(layout, parseReference(`${fixture.registry.host}/faults/corrupt:c`), fast);
    const layer = image.layers[0]!;
    const p = await proxyWith((req) => req.method === "GET" && (req.url ?? "").endsWith(`/blobs/${layer.digest}`), { kind: "corrupt-body" }, 10);

    const pulled = await OciLayout.create(join(fixture.work, "corrupt-pulled"));
    const error = await pullToLayout(parseReference(`${p.host}/faults/corrupt:c`), pulled, fast).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "integrity", code: "DIGEST_MISMATCH" });
    expect((error as Error).message).toContain(layer.digest);
    expect(await pulled.hasBlob(layer.digest)).toBe(false);
    const files = await readdir(join(pulled.dir, "blobs", "sha256"));
    expect(files.filter((f) => f.includes(".tmp-"))).toEqual([]);
    expect(files).not.toContain(layer.digest.slice("sha256:".length));
    const index = JSON.parse(await readFile(join(pulled.dir, "index.json"), "utf8")) as { manifests: unknown[] };
    expect(index.manifests).toEqual([]);
    // An integrity failure is not retried.
    expect(p.seen.filter((r) => r.fault === "corrupt-body")).toHaveLength(1);
  });
});
