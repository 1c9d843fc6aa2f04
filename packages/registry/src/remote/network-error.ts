import { WasmpackError } from "../errors.js";
import { redactUrl } from "./redact.js";

/** The first `code` found on an error, its causes, or the errors of an AggregateError. */
export function errorCode(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code !== "UND_ERR") {
    // undici wraps a socket failure in UND_ERR_SOCKET; the errno underneath says more.
    if (code === "UND_ERR_SOCKET") return errorCode((error as { cause?: unknown }).cause, depth + 1) ?? code;
    return code;
  }
  for (const inner of (error as { errors?: unknown[] }).errors ?? []) {
    const found = errorCode(inner, depth + 1);
    if (found) return found;
  }
  return errorCode((error as { cause?: unknown }).cause, depth + 1);
}

const TLS_CODES = new Set([
  "EPROTO",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
]);

export function isTlsCode(code: string | undefined): boolean {
  return code !== undefined && (TLS_CODES.has(code) || /^ERR_(TLS|SSL)_/.test(code) || code.startsWith("CERT_"));
}

/**
 * A connection-level failure as a `network` error naming the host and what went wrong. The
 * cause keeps the original error; no request header is part of it.
 */
export function networkError(cause: unknown, method: string, url: URL, attempts: number): WasmpackError {
  const code = errorCode(cause) ?? "UNKNOWN";
  const where = `${method} ${redactUrl(url)}`;
  const after = attempts > 1 ? ` after ${attempts} attempts` : "";
  const host = url.host;
  const fail = (wasmpackCode: string, what: string, hint: string) =>
    new WasmpackError("network", wasmpackCode, `${what} (${code}, ${where})${after}: ${hint}`, { cause });

  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return fail("HOST_NOT_FOUND", `cannot resolve registry host ${url.hostname}`, "check the registry name and your DNS");
  }
  const dialled = dialledAddress(cause);
  if (dialled && !sameEndpoint(dialled, url)) {
    // The socket went somewhere other than the registry: the proxy from HTTP(S)_PROXY.
    return fail("PROXY_FAILED", `the proxy at ${dialled} could not be reached on the way to ${host}`, "check HTTP_PROXY, HTTPS_PROXY and NO_PROXY");
  }
  if (code === "ECONNREFUSED") {
    return fail("CONNECTION_REFUSED", `${host} refused the connection`, "check the registry name, that the registry is running and that the port is right");
  }
  if (isTlsCode(code)) {
    return fail(
      "TLS",
      `TLS connection to ${host} failed`,
      "if the registry serves plain HTTP, list it as insecure; if it uses a private CA, make node trust it (NODE_EXTRA_CA_CERTS)",
    );
  }
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "ETIMEDOUT") {
    return fail("TIMEOUT", `${host} did not answer in time`, "check your network or raise the timeouts");
  }
  if (code === "ENETUNREACH" || code === "EHOSTUNREACH") {
    return fail("UNREACHABLE", `${host} is unreachable`, "check your network and proxy settings");
  }
  return fail("CONNECTION_FAILED", `connection to ${host} failed`, "check your network and proxy settings, then retry");
}

/** `address:port` of the socket error somewhere in the cause chain: where the connection went. */
function dialledAddress(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof error !== "object" || error === null) return undefined;
  const { address, port } = error as { address?: unknown; port?: unknown };
  if (typeof address === "string" && typeof port === "number") return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
  for (const inner of (error as { errors?: unknown[] }).errors ?? []) {
    const found = dialledAddress(inner, depth + 1);
    if (found) return found;
  }
  return dialledAddress((error as { cause?: unknown }).cause, depth + 1);
}

function sameEndpoint(dialled: string, url: URL): boolean {
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return dialled.endsWith(`:${port}`) && (dialled.startsWith(url.hostname) || !/^\d|^\[/.test(url.hostname));
}

/**
 * Network error codes a whole step (an upload session, a blob download) may be retried after.
 * Not `CONNECTION_REFUSED`: the transport already gave a refused connection its brief second chance.
 */
export const RETRYABLE_NETWORK_CODES = new Set(["TIMEOUT", "CONNECTION_FAILED", "UNREACHABLE", "PROXY_FAILED"]);
