import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileChunks } from "./file-chunks.js";

let dir: string;
let file: string;
const data = randomBytes(100_003);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wasmpack-file-chunks-"));
  file = join(dir, "blob");
  await writeFile(file, data);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Copies each chunk as it arrives, as a socket would send it before asking for the next. */
async function sent(chunks: AsyncIterable<Uint8Array>): Promise<{ bytes: Buffer; sizes: number[] }> {
  const copies: Buffer[] = [];
  for await (const chunk of chunks) copies.push(Buffer.from(chunk));
  return { bytes: Buffer.concat(copies), sizes: copies.map((c) => c.byteLength) };
}

const openFds = async () => (await readdir("/proc/self/fd")).length;

describe("fileChunks", () => {
  it("yields exactly the bytes of a range, in full chunks but the last", async () => {
    for (const [start, end, chunk] of [
      [0, data.length, 4096],
      [1, data.length - 1, 4096],
      [50_000, 50_001, 4096],
      [0, data.length, 1 << 20],
      [12_345, 99_999, 777],
    ] as const) {
      const { bytes, sizes } = await sent(fileChunks(file, start, end, chunk));
      expect(bytes.equals(data.subarray(start, end))).toBe(true);
      expect(sizes.slice(0, -1).every((size) => size === chunk)).toBe(true);
    }
    expect((await sent(fileChunks(file, 10, 10))).sizes).toEqual([]);
  });

  it("reuses two buffers: a chunk is valid until the next one is asked for", async () => {
    const seen = new Set<ArrayBufferLike>();
    for await (const chunk of fileChunks(file, 0, data.length, 4096)) seen.add(chunk.buffer);
    expect(seen.size).toBe(2);
  });

  it("fails with an integrity error when the file is shorter than the range, and closes it", async () => {
    const short = join(dir, "short");
    await writeFile(short, data.subarray(0, 10_000));
    const before = await openFds();
    await expect(sent(fileChunks(short, 0, 20_000, 4096))).rejects.toMatchObject({ kind: "integrity", code: "SIZE_MISMATCH" });
    expect(await openFds()).toBe(before);
  });

  it("opens nothing until asked and closes the file when the consumer stops early", async () => {
    const before = await openFds();
    const body = fileChunks(file, 0, data.length, 4096);
    expect(await openFds()).toBe(before);
    for await (const _ of body) break;
    expect(await openFds()).toBe(before);
  });
});
