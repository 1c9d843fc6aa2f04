import type { Digest } from "../oci/digest.js";
import { digestAlgorithm, digestHex } from "../oci/digest.js";
import { COSIGN_SIGN_PREDICATE_TYPE, IN_TOTO_PAYLOAD_TYPE, IN_TOTO_STATEMENT_V1, preAuthEncoding, signBytes } from "./dsse.js";
import { publicKeyHint, type SigningKey } from "./signing-key.js";

/** A Sigstore bundle, v0.3: the layer's media type and the referrer's artifactType (cosign v3). */
export const SIGSTORE_BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

/** The referrer manifest's annotations cosign v3 writes (cosign/pkg/oci/remote/write.go). */
export const SignatureAnnotation = {
  BundleContent: "dev.sigstore.bundle.content",
  BundlePredicateType: "dev.sigstore.bundle.predicateType",
  Created: "org.opencontainers.image.created",
} as const;

/** The image a signature is about: the manifest (or index) digest, size and media type. */
export interface SignatureSubject {
  digest: Digest;
  size: number;
  mediaType: string;
}

/**
 * What a verifier needs besides the signature to know who signed. Signing with a key, the
 * bundle only carries a hint naming the key; the verifier brings the key itself
 * (`cosign verify --key cosign.pub`). Keyless signing (later) puts a Fulcio certificate here
 * and a Rekor entry beside it: `{ certificate: { rawBytes }, tlogEntries: [...] }` in the
 * bundle's protobuf-JSON spelling; `ImageSigner` is where such a signer plugs in.
 */
export type VerificationMaterial = { publicKey: { hint: string } };

/** Signs DSSE pre-authentication bytes and says how the signature is to be checked. */
export interface ImageSigner {
  sign(data: Uint8Array): Uint8Array;
  verificationMaterial: VerificationMaterial;
}

export function keySigner(key: SigningKey): ImageSigner {
  return {
    sign: (data) => signBytes(key.privateKey, key.publicKey.algorithm, data),
    verificationMaterial: { publicKey: { hint: publicKeyHint(key.publicKey.key) } },
  };
}

/**
 * The one file of a signature referrer and how to attach it: an image manifest with
 * `artifactType`, the empty config (`application/vnd.oci.empty.v1+json`, `{}`), one layer of
 * `mediaType` holding `bytes`, these `annotations`, and `subject` the signed image.
 */
export interface SignatureArtifact {
  artifactType: string;
  /** The layer's media type. */
  mediaType: string;
  /** The Sigstore bundle JSON. */
  bytes: Uint8Array;
  /** The referrer manifest's annotations. */
  annotations: Record<string, string>;
  subject: SignatureSubject;
}

export interface SignImageInput {
  subject: SignatureSubject;
  /** A key from `readSigningKey`, or any `ImageSigner`. */
  key: SigningKey | ImageSigner;
  /**
   * `org.opencontainers.image.created` on the referrer. cosign stamps the wall clock; wasmpack
   * leaves it out unless given (e.g. from SOURCE_DATE_EPOCH), so the manifest only changes
   * with the signature. Verifiers do not read it.
   */
  created?: Date;
}

/**
 * Signs an image as `cosign sign` v3 does with a key: an in-toto statement naming the image's
 * digest with predicate `https://sigstore.dev/cosign/sign/v1`, in a DSSE envelope, in a Sigstore
 * v0.3 bundle. ECDSA is randomized, so two signatures of one image differ; all else is fixed.
 */
export function signImage(input: SignImageInput): SignatureArtifact {
  const signer = "sign" in input.key ? input.key : keySigner(input.key);
  const payload = new TextEncoder().encode(JSON.stringify(statementFor(input.subject.digest)));
  const signature = signer.sign(preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload));
  // Field order as cosign's protojson writes it; sigstore-go does not care.
  const bundle = {
    mediaType: SIGSTORE_BUNDLE_MEDIA_TYPE,
    verificationMaterial: signer.verificationMaterial,
    dsseEnvelope: {
      payload: Buffer.from(payload).toString("base64"),
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      signatures: [{ sig: Buffer.from(signature).toString("base64") }],
    },
  };
  const annotations: Record<string, string> = {
    [SignatureAnnotation.BundleContent]: "dsse-envelope",
    [SignatureAnnotation.BundlePredicateType]: COSIGN_SIGN_PREDICATE_TYPE,
  };
  if (input.created) annotations[SignatureAnnotation.Created] = input.created.toISOString().replace(/\.\d{3}Z$/, "Z");
  return {
    artifactType: SIGSTORE_BUNDLE_MEDIA_TYPE,
    mediaType: SIGSTORE_BUNDLE_MEDIA_TYPE,
    bytes: new TextEncoder().encode(JSON.stringify(bundle)),
    annotations,
    subject: { mediaType: input.subject.mediaType, digest: input.subject.digest, size: input.subject.size },
  };
}

/** The in-toto statement `cosign sign` v3 signs: the image digest as the only subject, no name. */
export function statementFor(digest: Digest): unknown {
  return {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [{ digest: { [digestAlgorithm(digest)]: digestHex(digest) }, annotations: {} }],
    predicateType: COSIGN_SIGN_PREDICATE_TYPE,
    predicate: {},
  };
}
