import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import tar from "tar-stream";
import { describe, expect, it } from "vitest";
import { createDeterministicTar, type TarEntry } from "./deterministic-tar.js";

const file = (path: string, text: string, mode?: number): TarEntry => ({
  type: "file",
  path,
  size: Buffer.byteLength(text),
  ...(mode ? { mode } : {}),
  open: () => Readable.from([Buffer.from(text)]),
});

async function headers(archive: Buffer): Promise<tar.Headers[]> {
  const out: tar.Headers[] = [];
  const extract = tar.extract();
  extract.on("entry", (header, stream, next) => {
    out.push(header);
    stream.on("end", next).resume();
  });
  await new Promise((resolve, reject) => extract.on("finish", resolve).on("error", reject).end(archive));
  return out;
}

describe("createDeterministicTar", () => {
  it("sorts entries, adds parent directories, and fixes owner, mode and time", async () => {
    const archive = await buffer(createDeterministicTar([file("b/z.wasm", "z", 0o755), file("a.txt", "a")], { mtime: 42 }));
    const list = await headers(archive);
    expect(list.map((h) => `${h.type} ${h.name} ${h.mode?.toString(8)}`)).toEqual(["file a.txt 644", "directory b/ 755", "file b/z.wasm 755"]);
    for (const h of list) {
      expect([h.uid, h.gid, h.uname, h.gname, h.mtime?.getTime()]).toEqual([0, 0, "", "", 42_000]);
    }
  });

  it("gives identical bytes for the same entries in any order", async () => {
    const one = await buffer(createDeterministicTar([file("x", "1"), file("d/y", "2")]));
    const two = await buffer(createDeterministicTar([file("d/y", "2"), file("x", "1")]));
    expect(one.equals(two)).toBe(true);
  });

  it("refuses paths that escape or repeat", () => {
    expect(() => createDeterministicTar([file("../x", "1")])).toThrow(/not a clean relative path/);
    expect(() => createDeterministicTar([file("x", "1"), file("/x", "2")])).toThrow(/duplicate tar path x/);
  });
});
