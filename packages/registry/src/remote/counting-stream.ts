import { Transform, pipeline, type Readable } from "node:stream";

/**
 * `source` passed through a counter that reports `base + bytes so far` as it is consumed.
 * (A `data` listener would switch the source to flowing mode before its consumer is attached.)
 */
export function countingStream(source: Readable, base: number, onBytes: (bytes: number) => void): Readable {
  let read = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      read += chunk.byteLength;
      onBytes(base + read);
      done(null, chunk);
    },
  });
  // pipeline destroys the source when the consumer gives up on the counter, and vice versa.
  pipeline(source, counter, () => undefined);
  return counter;
}

/**
 * `source` passed through a counter, as an iterable that asks `source` for a chunk only when its
 * own consumer asks: chunks that share memory (`fileChunks`) stay valid as long as they were.
 */
export async function* countingChunks(source: AsyncIterable<Uint8Array>, base: number, onBytes: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  let read = 0;
  for await (const chunk of source) {
    read += chunk.byteLength;
    onBytes(base + read);
    yield chunk;
  }
}
