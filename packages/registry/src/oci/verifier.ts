import { DigestCounter, digestAlgorithm, type Digest } from "./digest.js";

/** What a blob should be, and the caller's errors for when it is not. */
export interface ExpectedBlob {
  digest: Digest;
  size: number;
  /** Thrown by `update` as soon as more than `size` bytes have passed. */
  tooLarge: () => Error;
  /** Thrown by `finish` when the bytes' size or digest differ from `size` and `digest`. */
  mismatch: (actual: { digest: Digest; size: number }) => Error;
}

/**
 * Hashes and counts bytes as they pass and checks them against `expected`. Without `expected`
 * it only measures them, with sha256.
 */
export class BlobVerifier {
  readonly #counter: DigestCounter;
  readonly #expected: ExpectedBlob | undefined;

  constructor(expected?: ExpectedBlob) {
    this.#expected = expected;
    this.#counter = new DigestCounter(expected ? digestAlgorithm(expected.digest) : "sha256");
  }

  update(chunk: Uint8Array): void {
    this.#counter.update(chunk);
    if (this.#expected && this.#counter.size > this.#expected.size) throw this.#expected.tooLarge();
  }

  /** The digest and size of everything that passed; call once, at the end. */
  finish(): { digest: Digest; size: number } {
    const actual = { digest: this.#counter.digest(), size: this.#counter.size };
    if (this.#expected && (actual.digest !== this.#expected.digest || actual.size !== this.#expected.size)) throw this.#expected.mismatch(actual);
    return actual;
  }
}
