export { readSigningKey, readPublicKey, parsePublicKey, publicKeyHint, type SigningKey, type PublicKey, type SignatureAlgorithm, type ReadSigningKeyOptions } from "./signing-key.js";
export {
  signImage,
  keySigner,
  statementFor,
  SIGSTORE_BUNDLE_MEDIA_TYPE,
  SignatureAnnotation,
  type SignImageInput,
  type SignatureArtifact,
  type SignatureSubject,
  type ImageSigner,
  type VerificationMaterial,
} from "./cosign-bundle.js";
export { verifyImageSignature, type VerifyImageSignatureOptions, type SignatureVerdict } from "./verify-signature.js";
export { COSIGN_SIGN_PREDICATE_TYPE, IN_TOTO_PAYLOAD_TYPE, IN_TOTO_STATEMENT_V1, preAuthEncoding } from "./dsse.js";
