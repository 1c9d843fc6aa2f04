import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { layoutDigest, run, skopeoCopy, startRegistryFixture, writeTestImage, writeTestIndex, type RegistryFixture } from "../../../test/support/registry/index.js";
import { OciLayout, RegistryClient, parseReference, pullToLayout, pushFromLayout, type ProgressEvent } from "../src/index.js";

// A real distribution 2.8 registry without auth; skopeo judges what it holds.
let fixture: RegistryFixture;
const fast = { retry: { baseDelayMs: 5 } };

beforeAll(async () => {
  fixture = await startRegistryFixture("wasmpack-open-");
});
afterAll(() => fixture?.stop());

async function newLayout(name: string): Promise<OciLayout> {
  return OciLayout.create(join(fixture.work, name));
}

describe("push and pull against an open registry", () => {
  it("pushes a layout that skopeo then copies out with the same manifest digest", async () => {
    const layout = await newLayout("push-src");
    const image = await writeTestImage(layout, { tag: "v1" });
    const events: ProgressEvent[] = [];
    const result = await pushFromLayout(layout, parseReference(`${fixture.registry.host}/wasm/app:v1`), { ...fast, onProgress: (e) => events.push(e) });

    expect(result.digest).toBe(image.manifest.digest);
    expect(result).toMatchObject({ pushed: image.blobs.length, skipped: 0, mounted: 0, tags: ["v1"] });
    expect(result.bytes).toBe(image.blobs.reduce((n, b) => n + b.size, 0) + image.manifest.size);
    expect(events.filter((e) => e.type === "blob-done").map((e) => e.type === "blob-done" && e.outcome)).toEqual(image.blobs.map(() => "transferred"));
    expect(events.at(-1)).toMatchObject({ type: "manifest-done", tags: ["v1"] });

    const out = join(fixture.work, "skopeo-out");
    await skopeoCopy(`docker://${fixture.registry.host}/wasm/app:v1`, `oci:${out}:v1`);
    expect(await layoutDigest(out, "v1")).toBe(image.manifest.digest);
  });

  it("skips every blob on a warm push", async () => {
    const layout = await newLayout("warm");
    const image = await writeTestImage(layout, { tag: "warm" });
    const target = parseReference(`${fixture.registry.host}/wasm/warm:1`);
    await pushFromLayout(layout, target, fast);
    const again = await pushFromLayout(layout, target, { ...fast, tags: ["1", "latest"] });
    expect(again).toMatchObject({ digest: image.manifest.digest, pushed: 0, mounted: 0, skipped: image.blobs.length, tags: ["1", "latest"] });
    // Tag 1 names the manifest already: only latest is written.
    expect(again.bytes).toBe(image.manifest.size);
  });

  it("mounts blobs from another repository of the same registry", async () => {
    const layout = await newLayout("mount");
    const image = await writeTestImage(layout, { tag: "m" });
    await pushFromLayout(layout, parseReference(`${fixture.registry.host}/base/image:m`), fast);
    const result = await pushFromLayout(layout, parseReference(`${fixture.registry.host}/derived/image:m`), { ...fast, mountFrom: parseReference(`${fixture.registry.host}/base/image`) });
    expect(result).toMatchObject({ mounted: image.blobs.length, pushed: 0, skipped: 0 });
    const out = join(fixture.work, "mount-out");
    await skopeoCopy(`docker://${fixture.registry.host}/derived/image:m`, `oci:${out}:m`);
    expect(await layoutDigest(out, "m")).toBe(image.manifest.digest);
  });

  it("mounts on its own what the same client already pushed to another repository", async () => {
    const layout = await newLayout("auto-mount");
    const image = await writeTestImage(layout, { tag: "a", seed: "auto-mount" });
    const client = new RegistryClient(fast);
    try {
      const first = await pushFromLayout(layout, parseReference(`${fixture.registry.host}/team/one:a`), { client });
      expect(first).toMatchObject({ pushed: image.blobs.length, mounted: 0 });
      const second = await pushFromLayout(layout, parseReference(`${fixture.registry.host}/team/two:a`), { client });
      expect(second).toMatchObject({ digest: image.manifest.digest, pushed: 0, mounted: image.blobs.length, skipped: 0 });
    } finally {
      await client.close();
    }
    // A client that has seen nothing uploads.
    const fresh = await pushFromLayout(layout, parseReference(`${fixture.registry.host}/team/three:a`), fast);
    expect(fresh).toMatchObject({ pushed: image.blobs.length, mounted: 0 });
    const out = join(fixture.work, "auto-mount-out");
    await skopeoCopy(`docker://${fixture.registry.host}/team/two:a`, `oci:${out}:a`);
    expect(await layoutDigest(out, "a")).toBe(image.manifest.digest);
  });

  it("streams a layer above the chunk threshold in PATCH chunks", async () => {
    const layout = await newLayout("big");
    const image = await writeTestImage(layout, { tag: "big", bigLayerBytes: 17 * 1024 * 1024 + 123 });
    const bytes: number[] = [];
    const result = await pushFromLayout(layout, parseReference(`${fixture.registry.host}/wasm/big:1`), {
      ...fast,
      onProgress: (e) => {
        if (e.type === "blob-bytes" && e.descriptor.digest === image.layers[1]!.digest) bytes.push(e.bytes);
      },
    });
    expect(result.pushed).toBe(image.blobs.length);
    expect(bytes.at(-1)).toBe(image.layers[1]!.size);

    const pulled = await newLayout("big-pulled");
    const pull = await pullToLayout(parseReference(`${fixture.registry.host}/wasm/big:1`), pulled, fast);
    expect(pull).toMatchObject({ digest: image.manifest.digest, pulled: image.blobs.length });
    expect(await pulled.hasBlob(image.layers[1]!.digest, image.layers[1]!.size)).toBe(true);
  });

  it("pulls what skopeo pushed, by tag and by digest, verifying every blob", async () => {
    const source = await newLayout("skopeo-src");
    const image = await writeTestImage(source, { tag: "s1", seed: "from-skopeo" });
    await skopeoCopy(`oci:${source.dir}:s1`, `docker://${fixture.registry.host}/skopeo/pushed:s1`);

    const byTag = await newLayout("pull-tag");
    const result = await pullToLayout(parseReference(`${fixture.registry.host}/skopeo/pushed:s1`), byTag, fast);
    expect(result).toMatchObject({ digest: image.manifest.digest, pulled: image.blobs.length, skipped: 0, tags: ["s1"] });
    expect((await byTag.resolve("s1")).digest).toBe(image.manifest.digest);
    for (const blob of image.blobs) expect(await byTag.hasBlob(blob.digest, blob.size)).toBe(true);

    const byDigest = await newLayout("pull-digest");
    const again = await pullToLayout(parseReference(`${fixture.registry.host}/skopeo/pushed@${image.manifest.digest}`), byDigest, fast);
    expect(again.tags).toEqual([image.manifest.digest]);
    expect((await byDigest.resolve(image.manifest.digest)).digest).toBe(image.manifest.digest);

    const warm = await pullToLayout(parseReference(`${fixture.registry.host}/skopeo/pushed:s1`), byTag, fast);
    expect(warm).toMatchObject({ pulled: 0, skipped: image.blobs.length });
    // umoci reads the pulled layout as an image.
    const { stdout } = await run("umoci", ["stat", "--json", "--image", `${byTag.dir}:s1`]);
    expect(JSON.parse(stdout)).toHaveProperty("history");
  });

  it("pushes and pulls an index with its children", async () => {
    const layout = await newLayout("index-src");
    const { index, images } = await writeTestIndex(layout, "multi");
    const result = await pushFromLayout(layout, parseReference(`${fixture.registry.host}/wasm/multi:1`), { ...fast, source: "multi" });
    expect(result.digest).toBe(index.digest);
    expect(result.pushed).toBe(new Set(images.flatMap((i) => i.blobs.map((b) => b.digest))).size);

    const out = join(fixture.work, "index-skopeo");
    await skopeoCopy(`docker://${fixture.registry.host}/wasm/multi:1`, `oci:${out}:1`, { all: true });
    expect(await layoutDigest(out, "1")).toBe(index.digest);

    const pulled = await newLayout("index-pulled");
    const pull = await pullToLayout(parseReference(`${fixture.registry.host}/wasm/multi:1`), pulled, fast);
    expect(pull.digest).toBe(index.digest);
    for (const image of images) expect(await pulled.hasBlob(image.manifest.digest, image.manifest.size)).toBe(true);
    const leftovers = (await readdir(join(pulled.dir, "blobs", "sha256"))).filter((name) => name.includes(".tmp-"));
    expect(leftovers).toEqual([]);
  });
});
