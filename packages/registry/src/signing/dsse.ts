import { sign, verify, type KeyObject } from "node:crypto";
import type { SignatureAlgorithm } from "./signing-key.js";

/** The media types and names of what cosign v3 signs: an in-toto statement in a DSSE envelope. */
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
export const IN_TOTO_STATEMENT_V1 = "https://in-toto.io/Statement/v1";
/** The predicate of `cosign sign` (v3): "this image is signed", with an empty predicate. */
export const COSIGN_SIGN_PREDICATE_TYPE = "https://sigstore.dev/cosign/sign/v1";

/**
 * DSSE's pre-authentication encoding, what the signature covers:
 * `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in bytes as decimal.
 */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, "utf8");
  const head = Buffer.from(`DSSEv1 ${type.byteLength} ${payloadType} ${payload.byteLength} `, "utf8");
  return Buffer.concat([head, payload]);
}

const HASH: Record<SignatureAlgorithm, string> = {
  "ecdsa-p256-sha256": "sha256",
  "ecdsa-p384-sha384": "sha384",
};

/** An ASN.1 DER ECDSA signature over `data` hashed with the curve's hash, as cosign's signers make. */
export function signBytes(privateKey: KeyObject, algorithm: SignatureAlgorithm, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign(HASH[algorithm], data, { key: privateKey, dsaEncoding: "der" }));
}

export function verifyBytes(publicKey: KeyObject, algorithm: SignatureAlgorithm, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(HASH[algorithm], data, { key: publicKey, dsaEncoding: "der" }, signature);
  } catch {
    return false; // malformed DER is a bad signature, not a crash
  }
}
