import { WasmpackError, type ErrorKind } from "../errors.js";
import { isObject } from "../oci/index.js";
import { bearerChallenge, parseChallenges } from "./challenge.js";
import { oneLine, redactText, redactUrl } from "./redact.js";
import { parseRetryAfter } from "./retry-after.js";
import { header, type HttpMethod, type HttpResponse } from "./transport.js";

/** One entry of the distribution-spec error body `{"errors":[{code,message,detail}]}`. */
export interface RegistryErrorDetail {
  code: string;
  message?: string;
  detail?: unknown;
}

/** What was being done, for the one-line message. */
export interface ErrorContext {
  operation: "push" | "pull";
  /** `registry/repository`. */
  repository: string;
  /** The object of the request, e.g. `blob sha256:ab12…` or `manifest "latest"`. */
  subject: string;
  object: "blob" | "manifest";
}

/**
 * A registry answered with an error status. Carries the HTTP status, the spec's error codes, the
 * redacted URL and, for 429/503, the delay the registry asked for.
 */
export class RegistryError extends WasmpackError {
  readonly status: number;
  readonly errors: readonly RegistryErrorDetail[];
  readonly method: HttpMethod;
  readonly url: string;
  readonly retryAfterMs: number | undefined;
  readonly #describe: ((attempts: number) => Description) | undefined;

  constructor(
    kind: ErrorKind,
    code: string,
    message: string,
    fields: {
      status: number;
      errors: readonly RegistryErrorDetail[];
      method: HttpMethod;
      url: string;
      retryAfterMs?: number;
      /** The message again for another count of attempts (`afterAttempts`). */
      describe?: (attempts: number) => Description;
    },
  ) {
    super(kind, code, message);
    this.status = fields.status;
    this.errors = fields.errors;
    this.method = fields.method;
    this.url = fields.url;
    this.retryAfterMs = fields.retryAfterMs;
    this.#describe = fields.describe;
  }

  /**
   * The same error, its message counting `attempts`: for a step retried as a whole (a blob
   * download), whose requests are each sent once, so the response knows of one attempt only.
   */
  afterAttempts(attempts: number): RegistryError {
    if (!this.#describe) return this;
    const { message } = this.#describe(attempts);
    const { status, errors, method, url, retryAfterMs } = this;
    return new RegistryError(this.kind, this.code, message, { status, errors, method, url, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), describe: this.#describe });
  }
}

const BODY_LIMIT = 64 * 1024;

/** Reads the error body (bounded) and builds the error for `response`. */
export async function errorFromResponse(
  response: HttpResponse,
  method: HttpMethod,
  context: ErrorContext,
  maxRetryAfterMs = 60_000,
): Promise<RegistryError> {
  const text = await readLimited(response, BODY_LIMIT);
  const errors = parseErrorBody(text);
  const challenge = bearerChallenge(parseChallenges(response.headers["www-authenticate"]));
  const retryAfterMs = parseRetryAfter(header(response, "retry-after"), maxRetryAfterMs);
  const again = (attempts: number) => describe(response.status, errors, challenge?.error, context, attempts);
  const { kind, code, message } = again(response.attempts);
  return new RegistryError(kind, code, message, {
    status: response.status,
    errors,
    method,
    url: redactUrl(response.url),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    describe: again,
  });
}

export function parseErrorBody(text: string): RegistryErrorDetail[] {
  try {
    const doc: unknown = JSON.parse(text);
    const list = isObject(doc) ? doc["errors"] : undefined;
    if (!Array.isArray(list)) return [];
    return list.filter(isObject).map((e) => ({
      code: typeof e["code"] === "string" ? e["code"].toUpperCase() : "UNKNOWN",
      ...(typeof e["message"] === "string" ? { message: e["message"] } : {}),
      ...(e["detail"] !== undefined ? { detail: e["detail"] } : {}),
    }));
  } catch {
    return [];
  }
}

interface Description {
  kind: ErrorKind;
  code: string;
  message: string;
}

/** The message: `push to REG/REPO denied (HTTP 403 DENIED: …): hint`. */
export function describe(
  status: number,
  errors: readonly RegistryErrorDetail[],
  challengeError: string | undefined,
  context: ErrorContext,
  attempts = 1,
): Description {
  const first = primaryError(errors);
  const specCode = first?.code;
  const lead = `${context.operation === "push" ? "push to" : "pull from"} ${context.repository}`;
  const detail = first?.message ? `: ${oneLine(redactText(first.message), 120)}` : challengeError ? `: ${challengeError}` : "";
  const can = context.operation === "push" ? "write to" : "read";
  const after = attempts > 1 ? ` after ${attempts} attempts` : "";
  const line = (kind: ErrorKind, code: string, what: string, hint: string): Description => ({
    kind,
    code,
    message: `${lead}${what} (HTTP ${status} ${code}${detail})${after}: ${hint}`,
  });

  if (status === 401 && (challengeError === "insufficient_scope" || specCode === "DENIED")) {
    return line("auth", "DENIED", " denied", `check that the credentials can ${can} this repository`);
  }
  if (status === 401) return line("auth", specCode ?? "UNAUTHORIZED", " unauthorized", "check the credentials for this registry (wasmpack login)");
  if (status === 403) return line("auth", specCode ?? "DENIED", " denied", `check that the credentials can ${can} this repository`);
  switch (specCode) {
    case "NAME_UNKNOWN":
      return line("registry", specCode, ": repository not found", "check the name; some registries (ECR) need the repository created first");
    case "NAME_INVALID":
      return line("registry", specCode, ": invalid repository name", "use lowercase letters, digits and separators");
    case "MANIFEST_UNKNOWN":
      return line("registry", specCode, `: ${context.subject} not found`, "check the tag or digest");
    case "BLOB_UNKNOWN":
      return line("registry", specCode, `: ${context.subject} not found`, "the repository does not hold this blob");
    case "MANIFEST_INVALID":
      return line("registry", specCode, `: ${context.subject} rejected`, "the registry may not accept this media type or artifactType");
    case "MANIFEST_BLOB_UNKNOWN":
      return line("registry", specCode, `: ${context.subject} rejected`, "a blob it references is missing from the repository");
    case "DIGEST_INVALID":
    case "SIZE_INVALID":
      // For a manifest this is a bad descriptor inside it; for a blob, content that is not what its digest says.
      if (context.object === "manifest") return line("registry", specCode, `: ${context.subject} rejected`, "a descriptor in it is invalid");
      return line("integrity", specCode, `: ${context.subject} does not match its descriptor`, "the local content is corrupt; rebuild it");
    case "BLOB_UPLOAD_UNKNOWN":
    case "BLOB_UPLOAD_INVALID":
      return line("registry", specCode, `: upload of ${context.subject} was lost`, "retry the push");
    case "TOOMANYREQUESTS":
      return line("registry", specCode, " rate-limited", "wait a while before retrying");
    case "UNSUPPORTED":
      return line("registry", specCode, `: ${context.subject} not supported`, "the registry does not support this operation");
  }
  if (status === 429) return line("registry", "TOOMANYREQUESTS", " rate-limited", "wait a while before retrying");
  if (status === 404) return line("registry", specCode ?? "NOT_FOUND", `: ${context.subject} not found`, "check the repository, tag or digest");
  if (status === 413) return line("registry", specCode ?? "TOO_LARGE", `: ${context.subject} too large`, "the registry limits this size");
  if (status === 416) return line("registry", specCode ?? "RANGE_INVALID", `: upload of ${context.subject} out of step`, "retry the push");
  if (status >= 500) return line("registry", specCode ?? `HTTP_${status}`, ` failed on the registry's side`, "the registry has a problem; retry later");
  return line("registry", specCode ?? `HTTP_${status}`, `: ${context.subject} failed`, "unexpected answer from the registry");
}

/** The most telling of several errors: a registry may list a generic one first. */
const PRIORITY = ["MANIFEST_BLOB_UNKNOWN", "NAME_UNKNOWN", "DENIED", "UNAUTHORIZED", "MANIFEST_INVALID", "TOOMANYREQUESTS"];

function primaryError(errors: readonly RegistryErrorDetail[]): RegistryErrorDetail | undefined {
  for (const code of PRIORITY) {
    const found = errors.find((e) => e.code === code);
    if (found) return found;
  }
  return errors[0];
}

async function readLimited(response: HttpResponse, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      if (size < limit) chunks.push(chunk.subarray(0, limit - size));
      size += chunk.byteLength;
    }
  } catch {
    // A broken error body leaves us with the status alone.
  }
  return Buffer.concat(chunks).toString("utf8");
}
