import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { skopeoDigest, startFaultProxy, startRegistryFixture, writeTestImage, type FaultProxy, type RegistryFixture } from "../../../test/support/registry/index.js";
import { OciLayout, parseReference, pushFromLayout } from "../src/index.js";

// pushFromLayout's `stop` and `uploadRecords` against a real distribution 2.8: a push stopped at
// a chunk boundary resumes the registry's session the next time; a dropped session is replaced.
// (test/registry/push-resume.test.ts does the same with the CLI, killed for real.)
let fixture: RegistryFixture;
let proxy: FaultProxy | undefined;
const fast = { retry: { baseDelayMs: 5 } };
const CHUNK = 128 * 1024;
const chunks = { chunkThreshold: 64 * 1024, chunkSize: CHUNK };

beforeAll(async () => {
  fixture = await startRegistryFixture("wasmpack-resume-");
});
afterAll(() => fixture?.stop());
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

const recordPath = (records: string, host: string, repository: string, digest: string) =>
  join(records, host.replace(":", "_"), ...repository.split("/"), `${digest.replace(":", "-")}.json`);

describe("resuming a chunked upload across pushes", () => {
  it("stops after the chunk in flight, then resumes the session where the registry has it", async () => {
    const stop = new AbortController();
    const reason = new Error("stopped by the test");
    let patches = 0;
    // The third PATCH is on its way when the push is told to stop.
    proxy = await startFaultProxy(fixture.registry.port, (req) => {
      if (req.method === "PATCH" && ++patches === 3) stop.abort(reason);
      return undefined;
    });
    const layout = await OciLayout.create(join(fixture.work, "stop"));
    const image = await writeTestImage(layout, { tag: "s", bigLayerBytes: 8 * CHUNK + 100 });
    const big = image.layers[1]!;
    const records = join(fixture.work, "stop-records");
    const target = parseReference(`${proxy.host}/resume/stop:s`);

    await expect(pushFromLayout(layout, target, { ...fast, ...chunks, uploadRecords: records, stop: stop.signal, concurrency: 1 })).rejects.toBe(reason);
    const path = recordPath(records, proxy.host, "resume/stop", big.digest);
    const record = JSON.parse(await readFile(path, "utf8")) as { location: string; offset: number; size: number };
    expect(record).toMatchObject({ offset: 3 * CHUNK, size: big.size });
    expect(record.location).toContain("/v2/resume/stop/blobs/uploads/");

    const before = proxy.seen.length;
    const result = await pushFromLayout(layout, target, { ...fast, ...chunks, uploadRecords: records });
    expect(result.digest).toBe(image.manifest.digest);
    const second = proxy.seen.slice(before).filter((r) => r.path.includes("/blobs/uploads/"));
    // One GET for the session's status, then only the chunks after the third.
    expect(second.filter((r) => r.method === "GET")).toHaveLength(1);
    expect(second.filter((r) => r.method === "PATCH")).toHaveLength(Math.ceil((big.size - 3 * CHUNK) / CHUNK));
    expect(existsSync(path)).toBe(false);
    expect(existsSync(records)).toBe(false); // no empty directories left behind
    expect(await skopeoDigest(`docker://${fixture.registry.host}/resume/stop:s`)).toBe(image.manifest.digest);
  });

  it("opens a new session when the registry does not know the recorded one", async () => {
    proxy = await startFaultProxy(fixture.registry.port, () => undefined);
    const layout = await OciLayout.create(join(fixture.work, "dropped"));
    const image = await writeTestImage(layout, { tag: "d", bigLayerBytes: 3 * CHUNK });
    const big = image.layers[1]!;
    const records = join(fixture.work, "dropped-records");
    const path = recordPath(records, proxy.host, "resume/dropped", big.digest);
    await mkdir(join(path, ".."), { recursive: true });
    const location = `http://${proxy.host}/v2/resume/dropped/blobs/uploads/00000000-0000-4000-8000-000000000000`;
    await writeFile(path, JSON.stringify({ location, offset: CHUNK, size: big.size }));

    const result = await pushFromLayout(layout, parseReference(`${proxy.host}/resume/dropped:d`), { ...fast, ...chunks, uploadRecords: records, concurrency: 1 });
    expect(result.digest).toBe(image.manifest.digest);
    const uploads = proxy.seen.filter((r) => r.path.includes("/blobs/uploads/"));
    expect(uploads.filter((r) => r.method === "GET")).toEqual([expect.objectContaining({ path: expect.stringContaining("00000000-0000-4000") })]);
    // Every chunk again, in a session of its own.
    expect(uploads.filter((r) => r.method === "PATCH")).toHaveLength(Math.ceil(big.size / CHUNK));
    expect(existsSync(path)).toBe(false);
    expect(await skopeoDigest(`docker://${fixture.registry.host}/resume/dropped:d`)).toBe(image.manifest.digest);
  });

  it("starts over when the registry will not close the resumed session (its bytes are not the blob)", async () => {
    const stop = new AbortController();
    let patches = 0;
    let refusedPut = false;
    proxy = await startFaultProxy(fixture.registry.port, (req) => {
      if (req.method === "PATCH" && ++patches === 2) stop.abort(new Error("stop"));
      // The first closing PUT of the resumed session: as a registry that appended at the wrong offset would.
      if (stop.signal.aborted && !refusedPut && req.method === "PUT" && req.url?.includes("/blobs/uploads/") && patches > 2) {
        refusedPut = true;
        return { kind: "status", status: 400, body: JSON.stringify({ errors: [{ code: "DIGEST_INVALID", message: "provided digest did not match uploaded content" }] }) };
      }
      return undefined;
    });
    const layout = await OciLayout.create(join(fixture.work, "refused"));
    const image = await writeTestImage(layout, { tag: "r", bigLayerBytes: 4 * CHUNK });
    const big = image.layers[1]!;
    const records = join(fixture.work, "refused-records");
    const target = parseReference(`${proxy.host}/resume/refused:r`);
    await expect(pushFromLayout(layout, target, { ...fast, ...chunks, uploadRecords: records, stop: stop.signal, concurrency: 1 })).rejects.toThrow("stop");

    const before = proxy.seen.length;
    const result = await pushFromLayout(layout, target, { ...fast, ...chunks, uploadRecords: records, concurrency: 1 });
    expect(result.digest).toBe(image.manifest.digest);
    expect(refusedPut).toBe(true);
    const second = proxy.seen.slice(before).filter((r) => r.path.includes("/blobs/uploads/"));
    // The resumed session's chunks, the refused PUT, then a new session with every chunk.
    const resumedPatches = Math.ceil((big.size - 2 * CHUNK) / CHUNK);
    expect(second.filter((r) => r.method === "PATCH")).toHaveLength(resumedPatches + Math.ceil(big.size / CHUNK));
    expect(existsSync(records)).toBe(false);
    expect(await skopeoDigest(`docker://${fixture.registry.host}/resume/refused:r`)).toBe(image.manifest.digest);
  });

  it("keeps no record for a blob sent in one PUT", async () => {
    const layout = await OciLayout.create(join(fixture.work, "small"));
    const image = await writeTestImage(layout, { tag: "m" });
    const records = join(fixture.work, "small-records");
    const result = await pushFromLayout(layout, parseReference(`${fixture.registry.host}/resume/small:m`), { ...fast, uploadRecords: records });
    expect(result.digest).toBe(image.manifest.digest);
    expect(existsSync(records)).toBe(false);
  });
});
