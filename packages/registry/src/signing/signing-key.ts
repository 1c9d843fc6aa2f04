import { createHash, createPrivateKey, createPublicKey, scrypt, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { secretbox } from "@noble/ciphers/salsa.js";
import { WasmpackError } from "../errors.js";

/**
 * The signature schemes wasmpack signs with, named as cosign's key types sign: ECDSA over the
 * curve's own hash (cosign's `LoadDefaultSignerVerifier`), DER-encoded. Ed25519 is left out:
 * cosign signs with Ed25519ph, which Node's crypto cannot, and RSA keys are not made by cosign.
 */
export type SignatureAlgorithm = "ecdsa-p256-sha256" | "ecdsa-p384-sha384";

export interface PublicKey {
  key: KeyObject;
  algorithm: SignatureAlgorithm;
}

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: PublicKey;
}

export interface ReadSigningKeyOptions {
  /** cosign's `COSIGN_PASSWORD`; an encrypted key with none is tried with the empty password, as cosign does. */
  password?: string;
}

/** PEM labels of cosign's encrypted keys: `cosign generate-key-pair` writes the first, cosign < 2.0 the second. */
const SIGSTORE_KEY_LABELS = ["ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY"];
const PLAIN_KEY_LABELS = ["PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"];
/** Labels of keys that parse but that wasmpack does not sign with. */
const OTHER_KEY_LABELS = ["RSA PRIVATE KEY", "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY"];

/**
 * Reads a private key to sign images with: cosign's `ENCRYPTED SIGSTORE PRIVATE KEY` (scrypt +
 * nacl/secretbox around a PKCS#8 key) or a plain PEM (`PRIVATE KEY`, `EC PRIVATE KEY`, or
 * `ENCRYPTED PRIVATE KEY` with `password`). Every failure is one line naming the file; none
 * carries key material or the password.
 */
export async function readSigningKey(path: string, options: ReadSigningKeyOptions = {}): Promise<SigningKey> {
  const text = await readKeyFile(path);
  const pem = firstPem(text);
  if (!pem) {
    const begin = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----/.exec(text);
    if (begin && !text.includes(`-----END ${begin[1]}-----`)) {
      throw new WasmpackError("input", "SIGNING_KEY_INVALID", `signing key ${path} is damaged: its PEM block has no END line (truncated?)`);
    }
    throw notAKey(path);
  }
  let privateKey: KeyObject;
  if (SIGSTORE_KEY_LABELS.includes(pem.label)) {
    const der = await decryptSigstoreKey(pem.body, options.password, path);
    privateKey = parsePrivateKey(() => createPrivateKey({ key: Buffer.from(der), format: "der", type: "pkcs8" }), path);
  } else if (PLAIN_KEY_LABELS.includes(pem.label)) {
    // PKCS#8 encryption, or OpenSSL's legacy one (`Proc-Type: 4,ENCRYPTED` in an EC PRIVATE KEY).
    const encrypted = pem.label === "ENCRYPTED PRIVATE KEY" || /^Proc-Type:\s*4,ENCRYPTED/m.test(pem.text);
    privateKey = parsePrivateKey(() => createPrivateKey({ key: pem.text, format: "pem", ...(encrypted ? { passphrase: options.password ?? "" } : {}) }), path, {
      encrypted,
      passwordGiven: options.password !== undefined,
    });
  } else if (OTHER_KEY_LABELS.includes(pem.label)) {
    throw unsupported(path, pem.label.replace(/ PRIVATE KEY$/, ""));
  } else if (pem.label === "PUBLIC KEY") {
    throw new WasmpackError("input", "SIGNING_KEY_INVALID", `signing key ${path} is a public key; signing needs the private key (cosign.key)`);
  } else {
    throw notAKey(path);
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey: { key: publicKey, algorithm: algorithmOf(publicKey, path) } };
}

/** Reads a PEM `PUBLIC KEY` (SubjectPublicKeyInfo), such as cosign's `cosign.pub`. */
export async function readPublicKey(path: string): Promise<PublicKey> {
  const text = await readKeyFile(path);
  const pem = firstPem(text);
  if (!pem || pem.label !== "PUBLIC KEY") {
    throw new WasmpackError("input", "PUBLIC_KEY_INVALID", `${path} is not a PEM public key (-----BEGIN PUBLIC KEY-----, like cosign.pub)`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem.text, format: "pem" });
  } catch (cause) {
    throw new WasmpackError("input", "PUBLIC_KEY_INVALID", `${path} is not a valid public key (damaged or truncated PEM)`, { cause: sanitized(cause) });
  }
  return { key, algorithm: algorithmOf(key, path) };
}

/** A public key from PEM text or SPKI DER already in memory. */
export function parsePublicKey(pemOrDer: string | Uint8Array, what = "public key"): PublicKey {
  let key: KeyObject;
  try {
    key = typeof pemOrDer === "string" ? createPublicKey({ key: pemOrDer, format: "pem" }) : createPublicKey({ key: Buffer.from(pemOrDer), format: "der", type: "spki" });
  } catch (cause) {
    throw new WasmpackError("input", "PUBLIC_KEY_INVALID", `${what} is not a valid public key`, { cause: sanitized(cause) });
  }
  return { key, algorithm: algorithmOf(key, what) };
}

/**
 * The bundle's `publicKey.hint`, as cosign writes it: base64 of the SHA-256 of the key's
 * SubjectPublicKeyInfo DER. Only a hint: verifiers still check the signature with the key they trust.
 */
export function publicKeyHint(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ format: "der", type: "spki" })).digest("base64");
}

async function readKeyFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? "error";
    throw new WasmpackError("io", "SIGNING_KEY_UNREADABLE", `cannot read key file ${path} (${code})`, { cause: sanitized(cause) });
  }
  return bytes.toString("latin1");
}

interface Pem {
  label: string;
  /** The whole block, BEGIN to END, for Node's parser. */
  text: string;
  /** The base64 between the lines, decoded. */
  body: Uint8Array;
}

function firstPem(text: string): Pem | undefined {
  const match = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!match) return undefined;
  const label = match[1] ?? "";
  // A header block (Proc-Type/DEK-Info, old OpenSSL encryption) ends at the first empty line.
  const lines = (match[2] ?? "").split(/\r?\n/);
  const blank = lines.findIndex((line) => line.trim() === "");
  const base64 = (lines.some((line) => line.includes(":")) && blank >= 0 ? lines.slice(blank + 1) : lines).join("").replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return undefined;
  return { label, text: match[0], body: new Uint8Array(Buffer.from(base64, "base64")) };
}

/** go-securesystemslib's `encrypted` format, as cosign writes it (cosign/pkg/cosign/keys.go). */
interface SigstoreEncrypted {
  kdf: { name: string; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: string; nonce: string };
  ciphertext: string;
}

async function decryptSigstoreKey(body: Uint8Array, password: string | undefined, path: string): Promise<Uint8Array> {
  let doc: SigstoreEncrypted;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body)) as SigstoreEncrypted;
  } catch {
    throw new WasmpackError("input", "SIGNING_KEY_INVALID", `signing key ${path} is damaged: its encrypted body is not cosign's JSON (truncated?)`);
  }
  const params = doc?.kdf?.params;
  if (
    doc?.kdf?.name !== "scrypt" ||
    doc.cipher?.name !== "nacl/secretbox" ||
    typeof doc.kdf.salt !== "string" ||
    typeof doc.cipher.nonce !== "string" ||
    typeof doc.ciphertext !== "string" ||
    !params ||
    ![params.N, params.r, params.p].every((n) => Number.isSafeInteger(n) && n > 0)
  ) {
    throw new WasmpackError("input", "SIGNING_KEY_UNSUPPORTED", `signing key ${path} is encrypted with something other than cosign's scrypt + nacl/secretbox`);
  }
  // cosign's own keys use N=2^15 or 2^16 (r=8, p=1); far larger ones would only burn memory.
  if ((params.N & (params.N - 1)) !== 0 || params.N > 2 ** 20 || params.r > 32 || params.p > 16) {
    throw new WasmpackError("input", "SIGNING_KEY_UNSUPPORTED", `signing key ${path} asks for scrypt parameters wasmpack does not accept (N=${params.N}, r=${params.r}, p=${params.p})`);
  }
  const salt = Buffer.from(doc.kdf.salt, "base64");
  const nonce = new Uint8Array(Buffer.from(doc.cipher.nonce, "base64"));
  const ciphertext = new Uint8Array(Buffer.from(doc.ciphertext, "base64"));
  if (nonce.byteLength !== 24 || ciphertext.byteLength <= 16) {
    throw new WasmpackError("input", "SIGNING_KEY_INVALID", `signing key ${path} is damaged: bad nonce or ciphertext length (truncated?)`);
  }
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password ?? "", salt, 32, { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r * params.p }, (error, derived) =>
      error ? reject(error) : resolve(derived),
    ),
  );
  try {
    return secretbox(new Uint8Array(key), nonce).open(ciphertext);
  } catch {
    throw wrongPassword(path, password !== undefined);
  } finally {
    key.fill(0);
  }
}

function parsePrivateKey(parse: () => KeyObject, path: string, pem: { encrypted: boolean; passwordGiven: boolean } = { encrypted: false, passwordGiven: false }): KeyObject {
  try {
    const key = parse();
    if (key.type !== "private") throw notAKey(path);
    return key;
  } catch (cause) {
    if (cause instanceof WasmpackError) throw cause;
    const code = (cause as { code?: string }).code ?? "";
    const reason = String((cause as Error).message ?? "");
    if (pem.encrypted && (code === "ERR_MISSING_PASSPHRASE" || /bad decrypt|maybe wrong password/i.test(reason))) throw wrongPassword(path, pem.passwordGiven);
        throw new WasmpackError("input", "SIGNING_KEY_INVALID", `signing key ${path} is not a valid private key (damaged or truncated)`, { cause: sanitized(cause) });
  }
}

function algorithmOf(key: KeyObject, path: string): SignatureAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === "prime256v1") return "ecdsa-p256-sha256";
    if (curve === "secp384r1") return "ecdsa-p384-sha384";
    throw unsupported(path, `ECDSA ${curve ?? "unknown-curve"}`);
  }
  throw unsupported(path, type ?? "unknown");
}

function wrongPassword(path: string, given: boolean): WasmpackError {
  return given
    ? new WasmpackError("usage", "SIGNING_KEY_PASSWORD", `wrong password for signing key ${path}`)
    : new WasmpackError("usage", "SIGNING_KEY_PASSWORD", `signing key ${path} is encrypted and no password was given (set COSIGN_PASSWORD)`);
}

function notAKey(path: string): WasmpackError {
  return new WasmpackError("input", "SIGNING_KEY_INVALID", `${path} is not a private key (expected cosign.key or a PEM PRIVATE KEY)`);
}

function unsupported(path: string, type: string): WasmpackError {
  return new WasmpackError("input", "SIGNING_KEY_UNSUPPORTED", `signing key ${path} has key type ${type}; wasmpack signs with ECDSA P-256 or P-384 keys (cosign generate-key-pair)`);
}

/** Node's crypto errors stay as causes for debugging, stripped to code and message (no key bytes). */
function sanitized(cause: unknown): Error {
  const error = new Error(cause instanceof Error ? cause.message.split("\n")[0] : "error");
  const code = (cause as { code?: string }).code;
  if (code) Object.assign(error, { code });
  return error;
}
