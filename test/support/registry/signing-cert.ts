import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runOk } from "../cli.js";

export interface SigningCert {
  keyPem: string;
  certPath: string;
  /** The certificate as base64 DER, for a JWS `x5c` header. */
  certDerBase64: string;
}

/**
 * A P-256 key and a self-signed certificate for it, made with openssl. The registry trusts the
 * certificate as its `rootcertbundle`; the token issuer signs with the key and names the
 * certificate in `x5c`.
 */
export async function makeSigningCert(dir: string): Promise<SigningCert> {
  const keyPath = join(dir, "token-key.pem");
  const certPath = join(dir, "token-cert.pem");
  await runOk("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keyPath]);
  await runOk("openssl", ["req", "-new", "-x509", "-key", keyPath, "-out", certPath, "-days", "2", "-subj", "/CN=wasmpack test token issuer"]);
  const certPem = await readFile(certPath, "utf8");
  const certDerBase64 = certPem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  return { keyPem: await readFile(keyPath, "utf8"), certPath, certDerBase64 };
}
