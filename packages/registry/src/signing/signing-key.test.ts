import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WasmpackError } from "../errors.js";
import { sha256 } from "../oci/digest.js";
import { publicKeyHint, readPublicKey, readSigningKey, signImage, verifyImageSignature } from "./index.js";
import { findTool } from "../../../../test/support/tools.js";

const PASSWORD = "correct horse battery staple 7431";


const cosign = findTool("cosign");
const openssl = findTool("openssl");

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wasmpack-signing-key-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The error a promise rejects with, which must be a one-line WasmpackError that gives nothing away. */
async function failure(promise: Promise<unknown>, ...secrets: string[]): Promise<WasmpackError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WasmpackError);
  const message = (error as WasmpackError).message;
  expect(message).not.toContain("\n");
  for (const secret of [PASSWORD, ...secrets]) expect(message).not.toContain(secret);
  expect(message).not.toMatch(/[A-Za-z0-9+/]{40,}/); // no base64 key material
  return error as WasmpackError;
}

function roundTrip(key: Awaited<ReturnType<typeof readSigningKey>>): void {
  const digest = sha256(new TextEncoder().encode("an image manifest"));
  const artifact = signImage({ subject: { digest, size: 17, mediaType: "application/vnd.oci.image.manifest.v1+json" }, key });
  expect(verifyImageSignature(artifact.bytes, { publicKey: key.publicKey, subjectDigest: digest })).toEqual({ ok: true });
}

describe.skipIf(!cosign)(`keys made by cosign generate-key-pair${cosign ? "" : " (skipped: cosign is neither on PATH nor in .tools/bin; scripts/install-deps.sh builds it)"}`, () => {
  let keyPath: string;
  let pubPath: string;
  beforeAll(() => {
    const out = join(dir, "cosign");
    execFileSync("mkdir", ["-p", out]);
    execFileSync(cosign!, ["generate-key-pair"], { cwd: out, env: { ...process.env, COSIGN_PASSWORD: PASSWORD }, stdio: "pipe" });
    keyPath = join(out, "cosign.key");
    pubPath = join(out, "cosign.pub");
  });

  it("reads cosign.key with COSIGN_PASSWORD: a P-256 key whose public half is cosign.pub", async () => {
    const key = await readSigningKey(keyPath, { password: PASSWORD });
    const pub = await readPublicKey(pubPath);
    expect(key.publicKey.algorithm).toBe("ecdsa-p256-sha256");
    expect(pub.algorithm).toBe("ecdsa-p256-sha256");
    expect(key.publicKey.key.equals(pub.key)).toBe(true);
    expect(publicKeyHint(key.publicKey.key)).toBe(publicKeyHint(pub.key));
    roundTrip(key);
  });

  it("a wrong password is one line naming the file", async () => {
    const error = await failure(readSigningKey(keyPath, { password: "not the password" }), "not the password");
    expect(error.code).toBe("SIGNING_KEY_PASSWORD");
    expect(error.message).toBe(`wrong password for signing key ${keyPath}`);
  });

  it("no password says so and points at COSIGN_PASSWORD", async () => {
    const error = await failure(readSigningKey(keyPath));
    expect(error.code).toBe("SIGNING_KEY_PASSWORD");
    expect(error.message).toContain("COSIGN_PASSWORD");
  });

  it("an empty-password cosign key opens without a password, as cosign does", async () => {
    const out = join(dir, "cosign-empty");
    execFileSync("mkdir", ["-p", out]);
    execFileSync(cosign!, ["generate-key-pair"], { cwd: out, env: { ...process.env, COSIGN_PASSWORD: "" }, stdio: "pipe" });
    roundTrip(await readSigningKey(join(out, "cosign.key")));
  });

  it("a truncated cosign.key is a damaged key, not a crash or a wrong-password message", async () => {
    const text = await readFile(keyPath, "utf8");
    const lines = text.trimEnd().split("\n");
    // Lose the last base64 lines but keep a well-formed PEM: the JSON inside ends early.
    const cut = join(dir, "cut-cosign.key");
    await writeFile(cut, [...lines.slice(0, 3), lines.at(-1)].join("\n") + "\n");
    const error = await failure(readSigningKey(cut, { password: PASSWORD }));
    expect(error.code).toBe("SIGNING_KEY_INVALID");
    expect(error.message).toContain(cut);
    // Cut in the middle with no END line: not a PEM at all.
    const half = join(dir, "half-cosign.key");
    await writeFile(half, text.slice(0, Math.floor(text.length / 2)));
    const halfError = await failure(readSigningKey(half, { password: PASSWORD }));
    expect(halfError.code).toBe("SIGNING_KEY_INVALID");
    expect(halfError.message).toBe(`signing key ${half} is damaged: its PEM block has no END line (truncated?)`);
  });

  it("cosign.pub given as the signing key says it is the public half", async () => {
    const error = await failure(readSigningKey(pubPath, { password: PASSWORD }));
    expect(error.message).toContain("public key");
    expect(error.message).toContain(pubPath);
  });
});

describe.skipIf(!openssl)(`PEM keys made by openssl${openssl ? "" : " (skipped: openssl is not installed)"}`, () => {
  const ssl = (...args: string[]) => execFileSync(openssl!, args, { cwd: dir, stdio: "pipe" });

  it("reads PKCS#8 PRIVATE KEY, SEC1 EC PRIVATE KEY and ENCRYPTED PRIVATE KEY (with the password)", async () => {
    ssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "p256.pem");
    ssl("ec", "-in", "p256.pem", "-out", "p256-sec1.pem");
    ssl("pkcs8", "-topk8", "-in", "p256.pem", "-out", "p256-enc.pem", "-passout", `pass:${PASSWORD}`);
    ssl("pkey", "-in", "p256.pem", "-pubout", "-out", "p256.pub");
    expect(await readFile(join(dir, "p256-sec1.pem"), "utf8")).toContain("BEGIN EC PRIVATE KEY");
    const pub = await readPublicKey(join(dir, "p256.pub"));
    for (const [file, password] of [["p256.pem"], ["p256-sec1.pem"], ["p256-enc.pem", PASSWORD]] as const) {
      const key = await readSigningKey(join(dir, file), password ? { password } : {});
      expect(key.publicKey.key.equals(pub.key), file).toBe(true);
      roundTrip(key);
    }
    // cosign's hint: base64 SHA-256 of the SubjectPublicKeyInfo DER.
    const der = ssl("pkey", "-pubin", "-in", "p256.pub", "-outform", "DER");
    expect(publicKeyHint(pub.key)).toBe(createHash("sha256").update(der).digest("base64"));
  });

  it("reads a P-384 key (signed with SHA-384, as cosign sign does)", async () => {
    ssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "p384.pem");
    const key = await readSigningKey(join(dir, "p384.pem"));
    expect(key.publicKey.algorithm).toBe("ecdsa-p384-sha384");
    roundTrip(key);
  });

  it("an encrypted PEM (PKCS#8 or legacy OpenSSL) opens with its password; a wrong or no password is the one-line password error", async () => {
    ssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "enc-src.pem");
    ssl("pkcs8", "-topk8", "-in", "enc-src.pem", "-out", "enc.pem", "-passout", `pass:${PASSWORD}`);
    const path = join(dir, "enc.pem");
    const wrong = await failure(readSigningKey(path, { password: "hunter2-wrong" }), "hunter2-wrong");
    expect(wrong).toMatchObject({ code: "SIGNING_KEY_PASSWORD", message: `wrong password for signing key ${path}` });
    expect((await failure(readSigningKey(path))).message).toContain("no password was given");
    // OpenSSL's legacy encryption: an EC PRIVATE KEY with Proc-Type and DEK-Info headers.
    ssl("ec", "-in", "enc-src.pem", "-aes256", "-out", "legacy.pem", "-passout", `pass:${PASSWORD}`);
    const legacy = join(dir, "legacy.pem");
    expect(await readFile(legacy, "utf8")).toContain("Proc-Type: 4,ENCRYPTED");
    roundTrip(await readSigningKey(legacy, { password: PASSWORD }));
    expect((await failure(readSigningKey(legacy, { password: "hunter2-wrong" }), "hunter2-wrong")).code).toBe("SIGNING_KEY_PASSWORD");
    expect((await failure(readSigningKey(legacy))).code).toBe("SIGNING_KEY_PASSWORD");
  });

  it("ed25519 and RSA keys are refused as unsupported key types", async () => {
    ssl("genpkey", "-algorithm", "ed25519", "-out", "ed.pem");
    ssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem");
    ssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-out", "k1.pem");
    for (const file of ["ed.pem", "rsa.pem", "k1.pem"]) {
      const error = await failure(readSigningKey(join(dir, file)));
      expect(error.code, file).toBe("SIGNING_KEY_UNSUPPORTED");
      expect(error.message).toContain(join(dir, file));
    }
  });

  it("a truncated PEM key is a damaged key", async () => {
    ssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "whole.pem");
    const lines = (await readFile(join(dir, "whole.pem"), "utf8")).trimEnd().split("\n");
    await writeFile(join(dir, "short.pem"), [lines[0], lines[1], lines.at(-1)].join("\n") + "\n");
    const error = await failure(readSigningKey(join(dir, "short.pem")));
    expect(error.code).toBe("SIGNING_KEY_INVALID");
  });
});

describe("files that are not keys", () => {
  it("a text file is 'not a private key', naming it", async () => {
    const path = join(dir, "README.md");
    await writeFile(path, "# not a key\n");
    const error = await failure(readSigningKey(path));
    expect(error).toMatchObject({ kind: "input", code: "SIGNING_KEY_INVALID" });
    expect(error.message).toBe(`${path} is not a private key (expected cosign.key or a PEM PRIVATE KEY)`);
    expect((await failure(readPublicKey(path))).code).toBe("PUBLIC_KEY_INVALID");
  });

  it("a certificate is not a key", async () => {
    const path = join(dir, "cert.pem");
    await writeFile(path, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    expect((await failure(readSigningKey(path))).code).toBe("SIGNING_KEY_INVALID");
  });

  it("a missing or unreadable file is an io error naming it", async () => {
    const missing = join(dir, "nope.key");
    const error = await failure(readSigningKey(missing));
    expect(error).toMatchObject({ kind: "io", code: "SIGNING_KEY_UNREADABLE", message: `cannot read key file ${missing} (ENOENT)` });
    expect((await failure(readPublicKey(missing))).code).toBe("SIGNING_KEY_UNREADABLE");
    if (process.getuid?.() !== 0) {
      const locked = join(dir, "locked.key");
      await writeFile(locked, "x");
      await chmod(locked, 0);
      expect((await failure(readSigningKey(locked))).message).toContain("EACCES");
    }
  });
});
