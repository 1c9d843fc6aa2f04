import { open } from "node:fs/promises";
import { WasmpackError } from "../errors.js";

/**
 * Bytes per chunk of an upload body read from a file. Two buffers of this size are all the
 * memory a blob upload holds, whatever the blob's size. A chunk must be larger than a socket's
 * highWaterMark (undici: 64 KiB, 16 KiB with TLS) for the reuse rule below to hold.
 */
export const UPLOAD_CHUNK_BYTES = 512 * 1024;

/**
 * The bytes `start`..`end` (exclusive) of a file, as an upload body that reuses two buffers:
 * while one chunk is being sent the next is read into the other. A chunk is therefore valid only
 * until the next one is asked for, which an HTTP client writing a request body guarantees: undici
 * asks for the next chunk once `socket.write` has taken the last one and, the chunk being larger
 * than the socket's highWaterMark, only after the socket has drained it.
 * (Were a client to keep a chunk longer, the registry would see other bytes than the digest
 * names and refuse the upload with DIGEST_INVALID: nothing wrong is stored.) Reading a blob
 * through fresh buffers instead leaves every 64 KiB chunk as garbage until V8 collects it,
 * 30–40 MiB of a 256 MiB upload on Node 24.
 *
 * The file is opened when the first chunk is asked for and closed when the body ends or is
 * abandoned. A file shorter than `end` is an `integrity` error: it changed since it was checked.
 */
export function fileChunks(path: string, start: number, end: number, chunkBytes = UPLOAD_CHUNK_BYTES): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      if (end <= start) return;
      const handle = await open(path, "r");
      const size = Math.min(chunkBytes, end - start);
      const buffers = [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)] as const;
      // Fills `buffer` from `position` (a file read may return less than asked); resolves to the bytes read.
      const fill = async (buffer: Buffer, position: number): Promise<number> => {
        const want = Math.min(buffer.byteLength, end - position);
        let got = 0;
        while (got < want) {
          const { bytesRead } = await handle.read(buffer, got, want - got, position + got);
          if (bytesRead === 0) {
            throw new WasmpackError("integrity", "SIZE_MISMATCH", `${path} ended at ${position + got} bytes while being sent; it changed during the push`);
          }
          got += bytesRead;
        }
        return got;
      };
      let reading: Promise<number> | undefined;
      // A read-ahead that fails while the consumer is busy is reported when the chunk is asked for.
      const readAhead = (buffer: Buffer, position: number) => {
        const next = fill(buffer, position);
        next.catch(() => undefined);
        return next;
      };
      try {
        let position = start;
        let turn = 0;
        reading = readAhead(buffers[0], position);
        while (position < end) {
          const buffer = buffers[turn]!;
          const length: number = await reading!;
          reading = undefined;
          position += length;
          turn ^= 1;
          // Read ahead into the other buffer, whose chunk the consumer has released by now.
          if (position < end) reading = readAhead(buffers[turn]!, position);
          yield buffer.subarray(0, length);
        }
      } finally {
        // An abandoned read-ahead must finish before its file handle closes.
        await reading?.catch(() => undefined);
        await handle.close();
      }
    },
  };
}
