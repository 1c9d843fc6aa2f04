/**
 * wasmpack's cosign-compatible signatures against the real cosign (v3) and a real registry
 * (distribution 2.8, which has no referrers API, so cosign finds referrers through the
 * `sha256-<hex>` tag): cosign verify must accept what signImage makes once it is attached as
 * cosign attaches it, and refuse it for any other image; verifyImageSignature must accept
 * cosign's own signatures and refuse tampered ones.
 */
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry, type RunningRegistry } from "../../../test/support/registry/registry-process.js";
import { MediaType, digestHex, encodeIndex, encodeJson, encodeManifest, sha256, type Descriptor, type Digest, type EncodedBlob } from "../src/oci/index.js";
import {
  COSIGN_SIGN_PREDICATE_TYPE,
  SIGSTORE_BUNDLE_MEDIA_TYPE,
  readPublicKey,
  readSigningKey,
  signImage,
  verifyImageSignature,
  type PublicKey,
  type SignatureArtifact,
  type SigningKey,
} from "../src/signing/index.js";
import { findTool } from "../../../test/support/tools.js";

const run = promisify(execFile);
const PASSWORD = "wasmpack-signing-test";


const cosign = findTool("cosign");
const REGISTRY_BIN = "/usr/bin/docker-registry";
const hasRegistry = (() => {
  try {
    accessSync(REGISTRY_BIN, constants.X_OK);
    return true;
  } catch {
    return false;
  }
})();
const skipReason = !cosign
  ? " (skipped: cosign is neither on PATH nor in .tools/bin; scripts/install-deps.sh builds it)"
  : !hasRegistry
    ? " (skipped: Debian's docker-registry is not installed)"
    : "";

/** What `cosign verify --key` needs offline: no transparency log, a plain-HTTP loopback registry. */
const VERIFY_FLAGS = ["--insecure-ignore-tlog=true", "--allow-http-registry", "--allow-insecure-registry"];

describe.skipIf(skipReason !== "")(`cosign v3 signatures with a real registry and the real cosign${skipReason}`, () => {
  let registry: RunningRegistry;
  let work: string;
  let key: SigningKey;
  let publicKey: PublicKey;
  let keyPath: string;
  let pubPath: string;

  beforeAll(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), "wasmpack-signing-"));
    await run(cosign!, ["generate-key-pair"], { cwd: work, env: { ...process.env, COSIGN_PASSWORD: PASSWORD } });
    keyPath = join(work, "cosign.key");
    pubPath = join(work, "cosign.pub");
    key = await readSigningKey(keyPath, { password: PASSWORD });
    publicKey = await readPublicKey(pubPath);
  });
  afterAll(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  // --- the registry, spoken to directly, so nothing of wasmpack's push is under test here ---

  async function pushBlob(repo: string, bytes: Uint8Array): Promise<void> {
    const start = await fetch(`${registry.url}/v2/${repo}/blobs/uploads/`, { method: "POST" });
    expect(start.status, await start.text()).toBe(202);
    const location = new URL(start.headers.get("location")!, registry.url);
    location.searchParams.set("digest", sha256(bytes));
    const put = await fetch(location, { method: "PUT", body: bytes, headers: { "content-type": "application/octet-stream" } });
    expect(put.status, await put.text()).toBe(201);
  }

  async function putManifest(repo: string, reference: string, blob: EncodedBlob): Promise<void> {
    const response = await fetch(`${registry.url}/v2/${repo}/manifests/${reference}`, {
      method: "PUT",
      body: blob.bytes,
      headers: { "content-type": blob.descriptor.mediaType },
    });
    expect(response.status, await response.text()).toBe(201);
  }

  async function getJson(repo: string, kind: "manifests" | "blobs", reference: string, accept: string = MediaType.ImageManifest): Promise<{ bytes: Uint8Array; json: any }> {
    const response = await fetch(`${registry.url}/v2/${repo}/${kind}/${reference}`, { headers: { accept: `${accept}, ${MediaType.ImageIndex}` } });
    expect(response.status, `GET ${repo}/${kind}/${reference}`).toBe(200);
    const bytes = new Uint8Array(await response.arrayBuffer());
    return { bytes, json: JSON.parse(new TextDecoder().decode(bytes)) };
  }

  /** A tiny one-layer image tagged `tag`; `content` makes it differ. */
  async function pushImage(repo: string, tag: string, content: string): Promise<Descriptor> {
    const layer = new TextEncoder().encode(content);
    const config = encodeJson(MediaType.ImageConfig, { architecture: "wasm", os: "wasip1", rootfs: { type: "layers", diff_ids: [sha256(layer)] } });
    await pushBlob(repo, layer);
    await pushBlob(repo, config.bytes);
    const manifest = encodeManifest({ config: config.descriptor, layers: [{ mediaType: MediaType.LayerTar, digest: sha256(layer), size: layer.byteLength }] });
    await putManifest(repo, tag, manifest);
    return manifest.descriptor;
  }

  const EMPTY_CONFIG = encodeJson(MediaType.Empty, {});

  /**
   * Attaches a signature as cosign v3 does: a referrer manifest (artifactType = the bundle's
   * media type, the empty config, the bundle as the one layer, cosign's annotations, subject =
   * the image), and, since distribution 2.8 has no referrers API, the referrers index under the
   * `sha256-<hex>` tag (distribution-spec's fallback, which cosign reads).
   */
  async function attach(repo: string, artifact: SignatureArtifact, subject: Descriptor = artifact.subject as Descriptor): Promise<EncodedBlob> {
    await pushBlob(repo, EMPTY_CONFIG.bytes);
    await pushBlob(repo, artifact.bytes);
    const referrer = encodeManifest({
      artifactType: artifact.artifactType,
      config: EMPTY_CONFIG.descriptor,
      layers: [{ mediaType: artifact.mediaType, digest: sha256(artifact.bytes), size: artifact.bytes.byteLength }],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
      annotations: artifact.annotations,
    });
    await putManifest(repo, referrer.descriptor.digest, referrer);
    const index = encodeIndex([{ ...referrer.descriptor, artifactType: artifact.artifactType }]);
    await putManifest(repo, `sha256-${digestHex(subject.digest)}`, index);
    return referrer;
  }

  async function cosignVerify(ref: string, pub = pubPath, extra: string[] = []): Promise<{ ok: boolean; output: string }> {
    try {
      const { stdout, stderr } = await run(cosign!, ["verify", "--key", pub, ...VERIFY_FLAGS, ...extra, ref], { env: { ...process.env, HOME: work } });
      return { ok: true, output: stdout + stderr };
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
    }
  }

  const subjectOf = (d: Descriptor) => ({ digest: d.digest, size: d.size, mediaType: d.mediaType });

  it("cosign verify --key accepts a wasmpack signature attached as cosign attaches it", async () => {
    const image = await pushImage("app/signed", "1", "hello from wasmpack\n");
    const artifact = signImage({ subject: subjectOf(image), key });
    await attach("app/signed", artifact);
    const byDigest = await cosignVerify(`${registry.host}/app/signed@${image.digest}`);
    expect(byDigest.ok, byDigest.output).toBe(true);
    expect(byDigest.output).toContain(`"docker-manifest-digest":"${image.digest}"`);
    expect(byDigest.output).toContain(COSIGN_SIGN_PREDICATE_TYPE);
    const byTag = await cosignVerify(`${registry.host}/app/signed:1`);
    expect(byTag.ok, byTag.output).toBe(true);
  });

  it("and refuses it once the tag names an image one byte different", async () => {
    const image = await pushImage("app/retagged", "1", "hello from wasmpack\n");
    await attach("app/retagged", signImage({ subject: subjectOf(image), key }));
    expect((await cosignVerify(`${registry.host}/app/retagged:1`)).ok).toBe(true);
    const changed = await pushImage("app/retagged", "1", "hello from wasmpacK\n");
    expect(changed.digest).not.toBe(image.digest);
    const result = await cosignVerify(`${registry.host}/app/retagged:1`);
    expect(result.ok, result.output).toBe(false);
    expect(result.output).toContain("no signatures found");
  });

  it("and refuses a signature of image A attached to image B (the signed statement names A)", async () => {
    const a = await pushImage("app/swap", "a", "image A\n");
    const b = await pushImage("app/swap", "b", "image B\n");
    await attach("app/swap", signImage({ subject: subjectOf(a), key }), b);
    const result = await cosignVerify(`${registry.host}/app/swap@${b.digest}`);
    expect(result.ok, result.output).toBe(false);
    expect(result.output).toContain("provided artifact digest does not match any digest in statement");
  });

  it("and refuses it with another key", async () => {
    const other = join(work, "other");
    await run("mkdir", ["-p", other]);
    await run(cosign!, ["generate-key-pair"], { cwd: other, env: { ...process.env, COSIGN_PASSWORD: PASSWORD } });
    const image = await pushImage("app/otherkey", "1", "other key\n");
    await attach("app/otherkey", signImage({ subject: subjectOf(image), key }));
    const result = await cosignVerify(`${registry.host}/app/otherkey@${image.digest}`, join(other, "cosign.pub"));
    expect(result.ok, result.output).toBe(false);
    expect(result.output).toContain("could not verify envelope");
  });

  it("P-384 keys: cosign verify accepts with --signature-digest-algorithm sha384, as for cosign's own P-384 signatures", async () => {
    const dir = join(work, "p384");
    await run("mkdir", ["-p", dir]);
    await run("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", join(dir, "p384.pem")]);
    await run("openssl", ["pkey", "-in", join(dir, "p384.pem"), "-pubout", "-out", join(dir, "p384.pub")]);
    const p384 = await readSigningKey(join(dir, "p384.pem"));
    const image = await pushImage("app/p384", "1", "p384\n");
    await attach("app/p384", signImage({ subject: subjectOf(image), key: p384 }));
    const result = await cosignVerify(`${registry.host}/app/p384@${image.digest}`, join(dir, "p384.pub"), ["--signature-digest-algorithm", "sha384"]);
    expect(result.ok, result.output).toBe(true);
  });

  describe("what cosign sign itself attaches", () => {
    let image: Descriptor;
    let referrer: any;
    let bundle: Uint8Array;

    beforeAll(async () => {
      image = await pushImage("app/cosigned", "1", "signed by cosign\n");
      await run(
        cosign!,
        ["sign", "--key", keyPath, "--use-signing-config=false", "--tlog-upload=false", "--allow-http-registry", "--allow-insecure-registry", "-y", `${registry.host}/app/cosigned@${image.digest}`],
        { env: { ...process.env, COSIGN_PASSWORD: PASSWORD, HOME: work } },
      );
      const index = await getJson("app/cosigned", "manifests", `sha256-${digestHex(image.digest)}`, MediaType.ImageIndex);
      expect(index.json.manifests).toHaveLength(1);
      referrer = (await getJson("app/cosigned", "manifests", index.json.manifests[0].digest)).json;
      bundle = (await getJson("app/cosigned", "blobs", referrer.layers[0].digest)).bytes;
    });

    it("has the referrer shape signImage describes", () => {
      const ours = signImage({ subject: subjectOf(image), key });
      expect(referrer.artifactType).toBe(ours.artifactType);
      expect(referrer.config).toMatchObject({ mediaType: MediaType.Empty, digest: EMPTY_CONFIG.descriptor.digest, size: 2 });
      expect(referrer.layers).toHaveLength(1);
      expect(referrer.layers[0].mediaType).toBe(ours.mediaType);
      expect(referrer.subject).toEqual({ mediaType: image.mediaType, size: image.size, digest: image.digest });
      // cosign adds only org.opencontainers.image.created (wall clock) to what signImage sets.
      const { ["org.opencontainers.image.created"]: created, ...rest } = referrer.annotations;
      expect(created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(rest).toEqual(ours.annotations);
    });

    it("has the bundle signImage makes, but for the (random) ECDSA signature", () => {
      const theirs = JSON.parse(new TextDecoder().decode(bundle));
      const ours = JSON.parse(new TextDecoder().decode(signImage({ subject: subjectOf(image), key }).bytes));
      expect(theirs.mediaType).toBe(SIGSTORE_BUNDLE_MEDIA_TYPE);
      expect(ours.verificationMaterial).toEqual(theirs.verificationMaterial);
      expect(ours.dsseEnvelope.payload).toBe(theirs.dsseEnvelope.payload); // byte-identical statement
      expect(ours.dsseEnvelope.payloadType).toBe(theirs.dsseEnvelope.payloadType);
      expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    });

    it("verifyImageSignature accepts cosign's own bundle", () => {
      expect(verifyImageSignature(bundle, { publicKey, subjectDigest: image.digest })).toEqual({ ok: true });
    });

    it("verifyImageSignature refuses it for another digest, with another key, and tampered", async () => {
      const other = sha256(new TextEncoder().encode("another manifest")) as Digest;
      const forOther = verifyImageSignature(bundle, { publicKey, subjectDigest: other });
      expect(forOther).toEqual({ ok: false, reason: `the signature is for ${image.digest}, not ${other}` });

      const p256 = join(work, "p256-other.pem");
      await run("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p256]);
      const stranger = (await readSigningKey(p256)).publicKey;
      const wrongKey = verifyImageSignature(bundle, { publicKey: stranger, subjectDigest: image.digest });
      expect(wrongKey.ok).toBe(false);
      expect(!wrongKey.ok && wrongKey.reason).toMatch(/^the signature was made with another key \(hint /);

      // One byte of the signed statement changed: the digest it names now differs.
      const doc = JSON.parse(new TextDecoder().decode(bundle));
      const payload = Buffer.from(doc.dsseEnvelope.payload, "base64");
      const at = payload.indexOf(digestHex(image.digest));
      payload[at] = payload[at] === 0x61 ? 0x62 : 0x61;
      doc.dsseEnvelope.payload = payload.toString("base64");
      const tampered = new TextEncoder().encode(JSON.stringify(doc));
      expect(verifyImageSignature(tampered, { publicKey, subjectDigest: image.digest })).toEqual({ ok: false, reason: "the signature does not match the payload and the key given" });

      // One byte of the signature changed.
      const resigned = JSON.parse(new TextDecoder().decode(bundle));
      const sig = Buffer.from(resigned.dsseEnvelope.signatures[0].sig, "base64");
      sig[sig.length - 1] = sig[sig.length - 1]! ^ 0x01;
      resigned.dsseEnvelope.signatures[0].sig = sig.toString("base64");
      expect(verifyImageSignature(new TextEncoder().encode(JSON.stringify(resigned)), { publicKey, subjectDigest: image.digest }).ok).toBe(false);

      // Not a bundle at all, and a bundle with two signatures.
      expect(verifyImageSignature(new TextEncoder().encode("{"), { publicKey, subjectDigest: image.digest })).toEqual({ ok: false, reason: "the signature is not a JSON Sigstore bundle" });
      const doubled = JSON.parse(new TextDecoder().decode(bundle));
      doubled.dsseEnvelope.signatures.push(doubled.dsseEnvelope.signatures[0]);
      expect(verifyImageSignature(new TextEncoder().encode(JSON.stringify(doubled)), { publicKey, subjectDigest: image.digest })).toEqual({
        ok: false,
        reason: "the envelope does not hold exactly one signature",
      });
    });

    it("cosign verify accepts its own signature here too (the harness is sound)", async () => {
      const result = await cosignVerify(`${registry.host}/app/cosigned@${image.digest}`);
      expect(result.ok, result.output).toBe(true);
    });
  });
});
