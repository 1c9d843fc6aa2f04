import { formatRepository, type Reference } from "../oci/index.js";
import { repositoryScope, type Authenticator } from "./auth.js";
import { errorFromResponse, type RegistryError } from "./registry-error.js";
import type { HttpMethod, HttpRequest, HttpResponse, HttpTransport } from "./transport.js";

/** Per-call options of the endpoint methods. */
export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * What every endpoint of one repository shares: its base URL, the token scope it needs
 * (`pull`, or `pull,push` when pushing) and the mapping of error answers to `RegistryError`s.
 */
export class RepositoryHttp {
  readonly reference: Reference;
  readonly operation: "push" | "pull";
  /** `https://host` or `http://host`. */
  readonly origin: string;
  readonly #auth: Authenticator;
  readonly #transport: HttpTransport;

  constructor(reference: Reference, operation: "push" | "pull", origin: string, auth: Authenticator, transport: HttpTransport) {
    this.reference = reference;
    this.operation = operation;
    this.origin = origin;
    this.#auth = auth;
    this.#transport = transport;
  }

  get registry(): string {
    return this.reference.registry;
  }

  get scopes(): string[] {
    return [repositoryScope(this.reference.repository, this.operation === "push" ? ["pull", "push"] : ["pull"])];
  }

  /** `/v2/<name>/<path>` on this registry. */
  url(path: string): URL {
    return new URL(`/v2/${this.reference.repository}/${path}`, this.origin);
  }

  /** Sends with this repository's scopes, plus `extraScopes` (e.g. `pull` on a mount's source). */
  send(request: HttpRequest, extraScopes: readonly string[] = []): Promise<HttpResponse> {
    return this.#auth.send(this.registry, [...this.scopes, ...extraScopes], request);
  }

  fail(response: HttpResponse, method: HttpMethod, subject: string, object: "blob" | "manifest"): Promise<RegistryError> {
    return errorFromResponse(
      response,
      method,
      { operation: this.operation, repository: formatRepository(this.reference), subject, object },
      this.#transport.retry.maxRetryAfterMs,
    );
  }
}

export function signalOf(options: CallOptions | undefined): { signal?: AbortSignal } {
  return options?.signal ? { signal: options.signal } : {};
}
