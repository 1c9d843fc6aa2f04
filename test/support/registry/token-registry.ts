import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRegistry, type RunningRegistry } from "./registry-process.js";
import { makeSigningCert } from "./signing-cert.js";
import { startTokenIssuer, type TokenIssuer, type TokenIssuerOptions } from "./token-issuer.js";

export interface TokenRegistry {
  registry: RunningRegistry;
  issuer: TokenIssuer;
  stop(): Promise<void>;
}

/**
 * A registry with token auth: a fresh openssl key and certificate, the issuer signing with it on
 * loopback, and the registry trusting the certificate as its `rootcertbundle`.
 */
export async function startTokenRegistry(options: Omit<TokenIssuerOptions, "cert" | "service" | "issuer">): Promise<TokenRegistry> {
  const certDir = await mkdtemp(join(tmpdir(), "wasmpack-token-"));
  const cert = await makeSigningCert(certDir);
  const service = "wasmpack-test-registry";
  const issuerName = "wasmpack-test-issuer";
  const issuer = await startTokenIssuer({ ...options, cert, service, issuer: issuerName });
  let registry: RunningRegistry;
  try {
    registry = await startRegistry({ kind: "token", realm: issuer.realm, service, issuer: issuerName, rootCertBundle: cert.certPath });
  } catch (error) {
    await issuer.stop();
    throw error;
  }
  return {
    registry,
    issuer,
    stop: async () => {
      await registry.stop();
      await issuer.stop();
      await rm(certDir, { recursive: true, force: true });
    },
  };
}
