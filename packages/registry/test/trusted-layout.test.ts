import { appendFile, open } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, startRegistryFixture, writeTestImage, type FaultProxy, type RegistryFixture } from "../../../test/support/registry/index.js";
import { OciLayout, RegistryError, parseReference, pushFromLayout, type Descriptor } from "../src/index.js";

// A push trusts a layout's content-addressed names and does not hash its blobs; sizes are checked
// locally, and the registry's own digest check on every upload still catches a corrupt blob.
let fixture: RegistryFixture;
let proxy: FaultProxy;
const fast = { retry: { baseDelayMs: 5 } };

beforeAll(async () => {
  fixture = await startRegistryFixture("wasmpack-trust-");
  // Passes everything through, to see which requests a push makes.
  proxy = await startFaultProxy(fixture.registry.port, () => undefined);
});
afterEach(() => {
  proxy.seen.length = 0;
});
afterAll(async () => {
  await proxy?.stop();
  await fixture?.stop();
});

/** Flips one byte in the middle of a layout blob: same size, other bytes. */
async function corrupt(layout: OciLayout, blob: Descriptor): Promise<void> {
  const file = await open(layout.blobPath(blob.digest), "r+");
  try {
    const at = blob.size >> 1;
    const byte = Buffer.alloc(1);
    await file.read(byte, 0, 1, at);
    byte[0] = byte[0]! ^ 0xff;
    await file.write(byte, 0, 1, at);
  } finally {
    await file.close();
  }
}

const requests = () => proxy.seen.map((r) => `${r.method} ${r.path.replace(/\?.*$/, "").replace(/uploads\/[0-9a-f-]{36}$/, "uploads/<session>")}`);

describe("pushing from a layout without hashing it", () => {
  it("sends a blob read through shared buffers byte for byte, in one PUT and in PATCH chunks", async () => {
    // 3 MiB + 5: several 512 KiB read chunks in one body, then PATCH chunks that do not align with them.
    const layout = await OciLayout.create(join(fixture.work, "exact"));
    const image = await writeTestImage(layout, { tag: "x", bigLayerBytes: 3 * 1024 * 1024 + 5 });
    const whole = await pushFromLayout(layout, parseReference(`${fixture.registry.host}/trust/whole:x`), fast);
    expect(whole).toMatchObject({ digest: image.manifest.digest, pushed: image.blobs.length });
    const chunked = await pushFromLayout(layout, parseReference(`${proxy.host}/trust/chunked:x`), { ...fast, chunkThreshold: 1024 * 1024, chunkSize: 1024 * 1024 + 7 });
    expect(chunked).toMatchObject({ digest: image.manifest.digest, pushed: image.blobs.length });
    // The registry hashed what arrived: it would have refused the closing PUT otherwise.
    expect(requests().filter((r) => r.startsWith("PATCH"))).toHaveLength(Math.ceil(image.layers[1]!.size / (1024 * 1024 + 7)));
  });

  it("leaves a corrupt blob of the right size to the registry's digest check, reported in one line", async () => {
    const layout = await OciLayout.create(join(fixture.work, "corrupt"));
    const image = await writeTestImage(layout, { tag: "c", seed: "corrupt" });
    const layer = image.layers[0]!;
    await corrupt(layout, layer);

    const error = await pushFromLayout(layout, parseReference(`${proxy.host}/trust/corrupt:c`), fast).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ kind: "integrity", code: "DIGEST_INVALID", status: 400, method: "PUT" });
    expect((error as Error).message).toMatch(
      new RegExp(`^push to ${proxy.host}/trust/corrupt: blob ${layer.digest} does not match its descriptor \\(HTTP 400 DIGEST_INVALID[^)]*\\): the local content is corrupt; rebuild it$`),
    );
    expect((error as Error).message).not.toContain("\n");
    // Nothing names the broken image.
    expect(requests().filter((r) => r.includes("/manifests/") && r.startsWith("PUT"))).toEqual([]);
  });

  it("catches a corrupt blob in a chunked upload at the closing PUT", async () => {
    const layout = await OciLayout.create(join(fixture.work, "corrupt-big"));
    const image = await writeTestImage(layout, { tag: "b", seed: "corrupt-big", bigLayerBytes: 2 * 1024 * 1024 });
    const big = image.layers[1]!;
    await corrupt(layout, big);
    const error = await pushFromLayout(layout, parseReference(`${fixture.registry.host}/trust/corrupt-big:b`), { ...fast, chunkThreshold: 1024 * 1024 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "integrity", code: "DIGEST_INVALID", status: 400 });
    expect((error as Error).message).toContain(`blob ${big.digest} does not match its descriptor`);
  });

  it("fails on a blob whose size differs from its descriptor before uploading anything", async () => {
    const layout = await OciLayout.create(join(fixture.work, "size"));
    const image = await writeTestImage(layout, { tag: "s", seed: "size" });
    const layer = image.layers[0]!;
    await appendFile(layout.blobPath(layer.digest), "x");

    const error = await pushFromLayout(layout, parseReference(`${proxy.host}/trust/size:s`), { ...fast, concurrency: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "integrity", code: "SIZE_MISMATCH" });
    expect((error as Error).message).toBe(`${layout.blobPath(layer.digest)} is ${layer.size + 1} bytes, its descriptor says ${layer.size}`);
    // The config went up beside it; of the layer, only its HEAD was sent (its upload would end in PUT ?digest=).
    expect(proxy.seen.filter((r) => r.path.includes(layer.digest)).map((r) => r.method)).toEqual(["HEAD"]);
    expect(proxy.seen.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("asks only for the tag on a warm push, and for the digest when the tag is new", async () => {
    const layout = await OciLayout.create(join(fixture.work, "warm"));
    const image = await writeTestImage(layout, { tag: "w", seed: "warm" });
    const base = `${proxy.host}/trust/warm`;
    expect(await pushFromLayout(layout, parseReference(`${base}:1`), fast)).toMatchObject({ pushed: image.blobs.length });

    proxy.seen.length = 0;
    const warm = await pushFromLayout(layout, parseReference(`${base}:1`), fast);
    expect(warm).toMatchObject({ digest: image.manifest.digest, pushed: 0, skipped: image.blobs.length, bytes: 0 });
    expect(requests()).toEqual(["GET /v2/", "HEAD /v2/trust/warm/manifests/1"]);

    proxy.seen.length = 0;
    const retag = await pushFromLayout(layout, parseReference(`${base}:2`), fast);
    expect(retag).toMatchObject({ pushed: 0, skipped: image.blobs.length, bytes: image.manifest.size });
    expect(requests()).toEqual(["GET /v2/", "HEAD /v2/trust/warm/manifests/2", `HEAD /v2/trust/warm/manifests/${image.manifest.digest}`, "PUT /v2/trust/warm/manifests/2"]);
  });
});
