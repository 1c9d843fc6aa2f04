import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { WasmpackError } from "@wasmpack/registry/errors";
import { DigestCounter, sha256 } from "@wasmpack/registry/oci";
import type { DigestedFile } from "../formats/spin-artifact/spin-artifact.js";

/** Hashes a file, streaming it; a file of at most `keepUpTo` bytes is read whole and kept (to inline it). */
export async function digestFile(path: string, keepUpTo: number): Promise<DigestedFile> {
  try {
    if ((await stat(path)).size <= keepUpTo) {
      const bytes = new Uint8Array(await readFile(path));
      return { fromFile: path, size: bytes.byteLength, digest: sha256(bytes), bytes };
    }
    const counter = new DigestCounter();
    for await (const chunk of createReadStream(path)) counter.update(chunk as Buffer);
    return { fromFile: path, size: counter.size, digest: counter.digest() };
  } catch (cause) {
    throw new WasmpackError("io", "IO", `cannot read ${path}`, { cause });
  }
}
