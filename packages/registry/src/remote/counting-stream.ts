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
