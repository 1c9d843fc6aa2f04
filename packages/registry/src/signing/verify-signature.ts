import type { Digest } from "../oci/digest.js";
import { digestAlgorithm, digestHex } from "../oci/digest.js";
import { SIGSTORE_BUNDLE_MEDIA_TYPE } from "./cosign-bundle.js";
import { COSIGN_SIGN_PREDICATE_TYPE, IN_TOTO_PAYLOAD_TYPE, IN_TOTO_STATEMENT_V1, preAuthEncoding, verifyBytes } from "./dsse.js";
import { publicKeyHint, type PublicKey } from "./signing-key.js";

export interface VerifyImageSignatureOptions {
  /** The key the signature must be made with (`readPublicKey("cosign.pub")`). */
  publicKey: PublicKey;
  /** The image manifest digest the signature must name. */
  subjectDigest: Digest;
}

export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Checks a cosign v3 image signature (a Sigstore bundle) offline, as `cosign verify --key
 * --insecure-ignore-tlog` does: one DSSE signature over the in-toto statement, made with
 * `publicKey`, whose subjects include `subjectDigest`, and whose predicate is cosign's
 * `sign/v1` (so an attestation of something else is no signature). Transparency-log entries,
 * if any, are not checked. A failure is a one-line reason, never an exception.
 */
export function verifyImageSignature(bundleBytes: Uint8Array, options: VerifyImageSignatureOptions): SignatureVerdict {
  const fail = (reason: string): SignatureVerdict => ({ ok: false, reason });
  const bundle = parseJson(bundleBytes);
  if (!isObject(bundle)) return fail("the signature is not a JSON Sigstore bundle");
  if (bundle["mediaType"] !== SIGSTORE_BUNDLE_MEDIA_TYPE) {
    return fail(`the bundle's mediaType is ${JSON.stringify(bundle["mediaType"])}, not ${SIGSTORE_BUNDLE_MEDIA_TYPE}`);
  }
  const material = bundle["verificationMaterial"];
  if (isObject(material) && !isObject(material["publicKey"])) {
    return fail("the bundle is keyless (certificate); only key-signed bundles are verified here");
  }
  const envelope = bundle["dsseEnvelope"];
  if (!isObject(envelope)) {
    return fail(bundle["messageSignature"] ? "the bundle holds a message signature, not the DSSE envelope cosign v3 signs images with" : "the bundle has no dsseEnvelope");
  }
  if (envelope["payloadType"] !== IN_TOTO_PAYLOAD_TYPE) return fail(`the envelope's payloadType is ${JSON.stringify(envelope["payloadType"])}, not ${IN_TOTO_PAYLOAD_TYPE}`);
  const signatures = envelope["signatures"];
  // A Sigstore bundle's DSSE envelope holds exactly one signature (sigstore-go's rule).
  if (!Array.isArray(signatures) || signatures.length !== 1 || !isObject(signatures[0]) || typeof signatures[0]["sig"] !== "string") {
    return fail("the envelope does not hold exactly one signature");
  }
  if (typeof envelope["payload"] !== "string") return fail("the envelope has no payload");
  const payload = decodeBase64(envelope["payload"]);
  const signature = decodeBase64(signatures[0]["sig"]);
  if (!payload || !signature) return fail("the envelope's payload or signature is not base64");

  const { key, algorithm } = options.publicKey;
  if (!verifyBytes(key, algorithm, preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload), signature)) {
    const hint = isObject(material) && isObject(material["publicKey"]) ? material["publicKey"]["hint"] : undefined;
    const other = typeof hint === "string" && hint !== "" && hint !== publicKeyHint(key);
    return fail(other ? `the signature was made with another key (hint ${hint}) than the one given (${publicKeyHint(key)})` : "the signature does not match the payload and the key given");
  }

  const statement = parseJson(payload);
  if (!isObject(statement) || statement["_type"] !== IN_TOTO_STATEMENT_V1) return fail("the signed payload is not an in-toto v1 statement");
  if (statement["predicateType"] !== COSIGN_SIGN_PREDICATE_TYPE) {
    return fail(`the signed statement's predicateType is ${JSON.stringify(statement["predicateType"])}, not ${COSIGN_SIGN_PREDICATE_TYPE} (an attestation, not a signature)`);
  }
  const subjects = statement["subject"];
  if (!Array.isArray(subjects) || subjects.length === 0) return fail("the signed statement names no subject");
  const algorithmName = digestAlgorithm(options.subjectDigest);
  const hex = digestHex(options.subjectDigest);
  const named = subjects.some((s) => isObject(s) && isObject(s["digest"]) && s["digest"][algorithmName] === hex);
  if (!named) {
    const found = subjects.flatMap((s) => (isObject(s) && isObject(s["digest"]) ? Object.entries(s["digest"]).map(([a, h]) => `${a}:${String(h)}`) : []));
    return fail(`the signature is for ${found.join(", ") || "no digest"}, not ${options.subjectDigest}`);
  }
  return { ok: true };
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

/** Strict standard base64 (what protojson and Go's DSSE write); undefined when it is not. */
function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]*$/.test(compact) && !/^[A-Za-z0-9_-]*$/.test(compact)) return undefined;
  return new Uint8Array(Buffer.from(text, text.includes("-") || text.includes("_") ? "base64url" : "base64"));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
