import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256 } from "../oci/digest.js";
import { signBytes } from "./dsse.js";
import { COSIGN_SIGN_PREDICATE_TYPE, IN_TOTO_PAYLOAD_TYPE, SIGSTORE_BUNDLE_MEDIA_TYPE, preAuthEncoding, publicKeyHint, signImage, verifyImageSignature, type SigningKey } from "./index.js";

function p256(): SigningKey {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { privateKey, publicKey: { key: createPublicKey(privateKey), algorithm: "ecdsa-p256-sha256" } };
}

const key = p256();
const digest = sha256(new TextEncoder().encode("manifest"));
const subject = { digest, size: 8, mediaType: "application/vnd.oci.image.manifest.v1+json" };
const decode = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("signImage", () => {
  it("describes the referrer: bundle media type as artifactType and layer, cosign's annotations, the subject", () => {
    const artifact = signImage({ subject, key });
    expect(artifact.artifactType).toBe(SIGSTORE_BUNDLE_MEDIA_TYPE);
    expect(artifact.mediaType).toBe(SIGSTORE_BUNDLE_MEDIA_TYPE);
    expect(artifact.annotations).toEqual({
      "dev.sigstore.bundle.content": "dsse-envelope",
      "dev.sigstore.bundle.predicateType": COSIGN_SIGN_PREDICATE_TYPE,
    });
    expect(artifact.subject).toEqual(subject);
    const bundle = decode(artifact.bytes);
    expect(bundle.verificationMaterial).toEqual({ publicKey: { hint: publicKeyHint(key.publicKey.key) } });
    expect(bundle.dsseEnvelope.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
    expect(decode(Buffer.from(bundle.dsseEnvelope.payload, "base64"))).toEqual({
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ digest: { sha256: digest.slice(7) }, annotations: {} }],
      predicateType: COSIGN_SIGN_PREDICATE_TYPE,
      predicate: {},
    });
  });

  it("is deterministic but for the ECDSA signature; created only when given, RFC 3339 in seconds", () => {
    const [a, b] = [signImage({ subject, key }), signImage({ subject, key })];
    const [ba, bb] = [decode(a!.bytes), decode(b!.bytes)];
    delete ba.dsseEnvelope.signatures;
    delete bb.dsseEnvelope.signatures;
    expect(ba).toEqual(bb);
    expect(a!.annotations).toEqual(b!.annotations);
    const dated = signImage({ subject, key, created: new Date(0) });
    expect(dated.annotations["org.opencontainers.image.created"]).toBe("1970-01-01T00:00:00Z");
  });

  it("signs DSSE's pre-authentication encoding", () => {
    expect(Buffer.from(preAuthEncoding("t/x", new TextEncoder().encode("hé"))).toString()).toBe("DSSEv1 3 t/x 3 hé");
  });

  it("P-384 round trip", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-384" });
    const k: SigningKey = { privateKey, publicKey: { key: createPublicKey(privateKey), algorithm: "ecdsa-p384-sha384" } };
    expect(verifyImageSignature(signImage({ subject, key: k }).bytes, { publicKey: k.publicKey, subjectDigest: digest })).toEqual({ ok: true });
  });
});

describe("verifyImageSignature", () => {
  const bytes = signImage({ subject, key }).bytes;
  const verify = (b: Uint8Array) => verifyImageSignature(b, { publicKey: key.publicKey, subjectDigest: digest });

  it("accepts its own signature", () => {
    expect(verify(bytes)).toEqual({ ok: true });
  });

  it("refuses a signed attestation of another predicate: an attestation is not a signature", () => {
    const doc = decode(bytes);
    const statement = decode(Buffer.from(doc.dsseEnvelope.payload, "base64"));
    statement.predicateType = "https://slsa.dev/provenance/v1";
    const payload = encode(statement);
    // Signed with the same primitive signImage uses, for a statement signImage would not make.
    const sig = Buffer.from(signBytes(key.privateKey, "ecdsa-p256-sha256", preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload)));
    doc.dsseEnvelope = { payload: Buffer.from(payload).toString("base64"), payloadType: IN_TOTO_PAYLOAD_TYPE, signatures: [{ sig: sig.toString("base64") }] };
    const verdict = verify(encode(doc));
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toContain("an attestation, not a signature");
  });

  it("names what is wrong with bundles it cannot check", () => {
    const doc = decode(bytes);
    expect(verify(encode({ ...doc, mediaType: "application/vnd.dev.sigstore.bundle+json;version=0.1" }))).toMatchObject({ ok: false, reason: expect.stringContaining("mediaType") });
    expect(verify(encode({ ...doc, verificationMaterial: { certificate: { rawBytes: "AA==" } } }))).toEqual({
      ok: false,
      reason: "the bundle is keyless (certificate); only key-signed bundles are verified here",
    });
    const { dsseEnvelope: _, ...noEnvelope } = doc;
    expect(verify(encode({ ...noEnvelope, messageSignature: { signature: "AA==" } }))).toMatchObject({ ok: false, reason: expect.stringContaining("message signature") });
    expect(verify(encode({ ...doc, dsseEnvelope: { ...doc.dsseEnvelope, payloadType: "text/plain" } }))).toMatchObject({ ok: false, reason: expect.stringContaining("payloadType") });
  });
});
