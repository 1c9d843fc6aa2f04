import { WasmpackError } from "../errors.js";
import { isObject } from "../oci/index.js";
import type { BearerChallenge } from "./challenge.js";
import { basicAuthorization, type Credential } from "./credentials.js";
import { redactUrl } from "./redact.js";
import { header, type HttpRequest, type HttpTransport } from "./transport.js";

/** A bearer token and the time (ms since the epoch) after which it should not be used. */
export interface Token {
  value: string;
  expiresAt: number;
}

/** distribution `docs/spec/auth/token.md`: a token without `expires_in` lives 60 s. */
const DEFAULT_LIFETIME_S = 60;

/**
 * Asks the challenge's realm for a token covering `scopes`: `GET realm?service=…&scope=…`
 * (scope repeated) with Basic credentials or none, or — with an identity token — the OAuth2
 * form `POST grant_type=refresh_token` (docker `identitytoken`, ACR). Reads `token` or `access_token`.
 */
export async function requestToken(
  transport: HttpTransport,
  registry: string,
  challenge: BearerChallenge,
  scopes: readonly string[],
  credential: Credential | undefined,
  signal?: AbortSignal,
  now: () => number = Date.now,
): Promise<Token> {
  let realm: URL;
  try {
    realm = new URL(challenge.realm);
    if (realm.protocol !== "https:" && realm.protocol !== "http:") throw new Error("not http(s)");
  } catch (cause) {
    throw new WasmpackError("registry", "TOKEN_REALM_INVALID", `${registry} named an unusable token realm ${JSON.stringify(redactUrl(challenge.realm))}`, { cause });
  }
  const request = credential && "identityToken" in credential
    ? refreshTokenRequest(realm, challenge, scopes, credential.identityToken)
    : getTokenRequest(realm, challenge, scopes, credential);
  const response = await transport.send({ ...request, ...(signal ? { signal } : {}) });
  const where = `${request.method} ${redactUrl(realm)}`;
  if (response.status === 401 || response.status === 403) {
    await response.body.dump().catch(() => undefined);
    const who = credential ? "the credentials" : "anonymous access";
    throw new WasmpackError(
      "auth",
      "UNAUTHORIZED",
      `the token service of ${registry} refused ${who} (HTTP ${response.status}, ${where}): ${credential ? `check the credentials for ${registry}` : `log in to ${registry}`}`,
    );
  }
  if (response.status < 200 || response.status > 299) {
    await response.body.dump().catch(() => undefined);
    throw new WasmpackError("registry", "TOKEN_SERVICE_ERROR", `the token service of ${registry} failed (HTTP ${response.status}, ${where})`);
  }
  let doc: unknown;
  try {
    doc = await response.body.json();
  } catch (cause) {
    throw new WasmpackError("registry", "TOKEN_INVALID", `the token service of ${registry} answered with invalid JSON (${where})`, { cause });
  }
  const value = isObject(doc) ? (doc["access_token"] ?? doc["token"]) : undefined;
  if (typeof value !== "string" || value === "") {
    throw new WasmpackError("registry", "TOKEN_INVALID", `the token service of ${registry} answered without a token (${where}; ${header(response, "content-type") ?? "no content type"})`);
  }
  const expiresIn = isObject(doc) && typeof doc["expires_in"] === "number" && doc["expires_in"] > 0 ? doc["expires_in"] : DEFAULT_LIFETIME_S;
  // Renew a little before the end (10 %, at least 5 s) so a token does not expire mid-request.
  const margin = Math.max(5, expiresIn * 0.1);
  return { value, expiresAt: now() + Math.max(1, expiresIn - margin) * 1000 };
}

function getTokenRequest(realm: URL, challenge: BearerChallenge, scopes: readonly string[], credential: Credential | undefined): HttpRequest {
  const url = new URL(realm);
  if (challenge.service) url.searchParams.set("service", challenge.service);
  for (const scope of scopes) url.searchParams.append("scope", scope);
  const headers: Record<string, string> = { accept: "application/json" };
  if (credential && "password" in credential) {
    headers["authorization"] = basicAuthorization(credential);
  }
  return { method: "GET", url, headers };
}

function refreshTokenRequest(realm: URL, challenge: BearerChallenge, scopes: readonly string[], refreshToken: string): HttpRequest {
  const form = new URLSearchParams({ grant_type: "refresh_token", client_id: "wasmpack", refresh_token: refreshToken });
  if (challenge.service) form.set("service", challenge.service);
  if (scopes.length > 0) form.set("scope", scopes.join(" "));
  const body = new TextEncoder().encode(form.toString());
  return {
    method: "POST",
    url: realm,
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: () => body,
  };
}
