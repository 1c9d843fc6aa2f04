import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { skopeoDigest, startRegistry, writeTestImage, type RunningRegistry } from "../../../test/support/registry/index.js";
import { OciLayout, RegistryClient, copyRemote, parseReference, pushFromLayout, staticCredentials } from "../src/index.js";

// Registry to registry, blobs streamed through: from an open registry to a Basic-auth one, then within it.
let open: RunningRegistry;
let guarded: RunningRegistry;
let work: string;

beforeAll(async () => {
  [open, guarded] = await Promise.all([startRegistry(), startRegistry({ kind: "htpasswd", users: { dave: "dave-pass-1" } })]);
  work = await mkdtemp(join(tmpdir(), "wasmpack-copy-"));
});
afterAll(async () => {
  await Promise.all([open?.stop(), guarded?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

describe("copyRemote", () => {
  it("copies between registries, then mounts within one", async () => {
    const layout = await OciLayout.create(join(work, "src"));
    const image = await writeTestImage(layout, { tag: "c", bigLayerBytes: 200 * 1024 });
    const client = new RegistryClient({ retry: { baseDelayMs: 5 }, credentials: staticCredentials({ [guarded.host]: { username: "dave", password: "dave-pass-1" } }) });
    try {
      await pushFromLayout(layout, parseReference(`${open.host}/src/app:c`), { client });
      const across = await copyRemote(parseReference(`${open.host}/src/app:c`), parseReference(`${guarded.host}/dst/app:c`), {
        client,
        chunkThreshold: 64 * 1024,
        chunkSize: 64 * 1024,
      });
      expect(across).toMatchObject({ digest: image.manifest.digest, pushed: image.blobs.length, mounted: 0 });
      expect(await skopeoDigest(`docker://${guarded.host}/dst/app:c`, { creds: "dave:dave-pass-1" })).toBe(image.manifest.digest);

      const within = await copyRemote(parseReference(`${guarded.host}/dst/app:c`), parseReference(`${guarded.host}/other/app:c2`), { client });
      expect(within).toMatchObject({ digest: image.manifest.digest, mounted: image.blobs.length, pushed: 0, tags: ["c2"] });
    } finally {
      await client.close();
    }
  });
});
