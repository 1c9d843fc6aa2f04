import { createHash, type Hash } from "node:crypto";
import { WasmpackError } from "../errors.js";

/** A content digest such as `sha256:<64 hex>`, validated when parsed. */
export type Digest = string & { readonly __brand: "Digest" };

const DIGEST_PATTERN = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(value: string): value is Digest {
  return DIGEST_PATTERN.test(value);
}

export function parseDigest(value: string, what = "digest"): Digest {
  if (!isDigest(value)) {
    throw new WasmpackError("input", "DIGEST_INVALID", `${what} ${JSON.stringify(value)} is not a sha256 or sha512 digest`);
  }
  return value;
}

export function sha256(bytes: Uint8Array): Digest {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}` as Digest;
}

export function digestAlgorithm(digest: Digest): string {
  return digest.slice(0, digest.indexOf(":"));
}

export function digestHex(digest: Digest): string {
  return digest.slice(digest.indexOf(":") + 1);
}

/** Hashes bytes as they pass, counting them; `digest()` once the stream is done. */
export class DigestCounter {
  readonly #hash: Hash;
  readonly #algorithm: string;
  size = 0;

  constructor(algorithm = "sha256") {
    this.#algorithm = algorithm;
    this.#hash = createHash(algorithm);
  }

  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
    this.size += chunk.byteLength;
  }

  digest(): Digest {
    return `${this.#algorithm}:${this.#hash.digest("hex")}` as Digest;
  }
}
