import { WasmpackError } from "../errors.js";
import { RETRYABLE_NETWORK_CODES } from "./network-error.js";
import { RegistryError } from "./registry-error.js";
import { isRetryableStatus } from "./retry-policy.js";

/**
 * Whether a whole step (an upload session, a blob download) is worth starting again after
 * `error`: a dropped or timed-out connection, 408/429/5xx, or an upload session the registry
 * lost. A refused connection is not: the transport already gave it its brief second chance.
 */
export function isRetryableFailure(error: unknown): boolean {
  if (error instanceof RegistryError) {
    return isRetryableStatus(error.status) || error.status === 416 || error.code === "BLOB_UPLOAD_UNKNOWN" || error.code === "BLOB_UPLOAD_INVALID";
  }
  return error instanceof WasmpackError && error.kind === "network" && error.code !== "CONNECTION_REFUSED" && RETRYABLE_NETWORK_CODES.has(error.code);
}

/** The delay a failure asks for (`Retry-After`), if any. */
export function requestedDelay(error: unknown): number | undefined {
  return error instanceof RegistryError ? error.retryAfterMs : undefined;
}
