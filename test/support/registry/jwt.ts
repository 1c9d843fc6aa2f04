import { createPrivateKey, sign } from "node:crypto";

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

/**
 * An ES256 JWS in compact form. The signature is the raw r‖s pair (IEEE P1363), as JOSE
 * requires and distribution's libtrust verifies, not DER.
 */
export function signEs256(header: Record<string, unknown>, claims: Record<string, unknown>, keyPem: string): string {
  const input = `${base64url(JSON.stringify({ ...header, alg: "ES256" }))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign("sha256", Buffer.from(input), { key: createPrivateKey(keyPem), dsaEncoding: "ieee-p1363" });
  return `${input}.${base64url(signature)}`;
}
