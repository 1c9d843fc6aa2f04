import { STATUS_CODES } from "node:http";
import { WasmpackError } from "../errors.js";
import { formatRepository, type Reference } from "../oci/index.js";
import { Authenticator } from "./auth.js";
import { BlobLocations } from "./blob-locations.js";
import type { CredentialProvider } from "./credentials.js";
import { registryOrigin } from "./endpoint-url.js";
import { redactUrl } from "./redact.js";
import { RemoteRepository } from "./repository.js";
import { RepositoryHttp, signalOf, type CallOptions } from "./repository-http.js";
import type { RetryOptions } from "./retry-policy.js";
import { HttpTransport, type TransportOptions } from "./transport.js";

/** The code of a ping the registry answered with 5xx: reachable, but failing. */
const UNAVAILABLE = "REGISTRY_UNAVAILABLE";

/** Options of a `RegistryClient`; see `TransportOptions` for timeouts, retries and proxies. */
export interface RegistryClientOptions extends TransportOptions {
  /** Where credentials come from, per registry; anonymous when absent. */
  credentials?: CredentialProvider;
  /**
   * Registries (`host` or `host:port`) reached over plain HTTP. Loopback registries
   * (`localhost`, 127.0.0.0/8, `[::1]`) always are; everything else is HTTPS.
   */
  insecure?: readonly string[];
}

/**
 * The connection pool, credentials and token cache shared by every repository it opens. Close it
 * when done.
 */
export class RegistryClient {
  readonly #transport: HttpTransport;
  readonly #auth: Authenticator;
  readonly #insecure: readonly string[];
  readonly #pings = new Map<string, Promise<void>>();
  /** Blobs this client has pushed or found, for mounting them into other repositories. */
  readonly blobLocations = new BlobLocations();

  constructor(options: RegistryClientOptions = {}) {
    this.#transport = new HttpTransport(options);
    this.#auth = new Authenticator(this.#transport, options.credentials);
    this.#insecure = options.insecure ?? [];
  }

  /**
   * The repository `reference` names; `operation` decides the token scope (`pull`, or `pull,push`).
   * Its `close()` does nothing unless `closesClient` (`openRemote`): close the client.
   */
  repository(reference: Reference, operation: "pull" | "push" = "pull", options: { closesClient?: boolean } = {}): RemoteRepository {
    const http = new RepositoryHttp(reference, operation, this.origin(reference.registry), this.#auth, this.#transport);
    const close = options.closesClient ? () => this.close() : async () => {};
    const lead = `${operation === "push" ? "push to" : "pull from"} ${formatRepository(reference)}`;
    const ping = (call?: CallOptions) =>
      this.ping(reference.registry, call).catch((error: unknown) => {
        // The shared ping names the registry only; the repository's own call says what was being done.
        if (error instanceof WasmpackError && error.code === UNAVAILABLE) throw new WasmpackError(error.kind, error.code, `${lead}: ${error.message}`, { cause: error });
        throw error;
      });
    return new RemoteRepository(http, ping, close);
  }

  /** The retry settings, for steps that retry as a whole (uploads, downloads). */
  get retry(): RetryOptions {
    return this.#transport.retry;
  }

  /** `https://host` or `http://host` for a registry. */
  origin(registry: string): string {
    return registryOrigin(registry, this.#insecure);
  }

  /** `GET /v2/` once per registry: fails early on an unreachable host and learns the auth scheme. */
  ping(registry: string, options?: CallOptions): Promise<void> {
    let ping = this.#pings.get(registry);
    if (!ping) {
      ping = this.#ping(registry, options);
      this.#pings.set(registry, ping);
      ping.catch(() => this.#pings.delete(registry));
    }
    return ping;
  }

  /**
   * Checks that the registry accepts this client's credentials, as `docker login` does: `GET /v2/`
   * with Basic credentials, or with a token issued for no repository scope.
   */
  async checkCredentials(registry: string, options?: CallOptions): Promise<void> {
    await this.ping(registry, options);
    const url = new URL("/v2/", this.origin(registry));
    const response = await this.#auth.send(registry, [], { method: "GET", url, ...signalOf(options) });
    await response.body.dump().catch(() => undefined);
    if (response.status === 200) return;
    if (response.status === 401 || response.status === 403) {
      throw new WasmpackError("auth", "LOGIN_FAILED", `login to ${registry} failed: the registry refused these credentials (HTTP ${response.status})`);
    }
    throw new WasmpackError("registry", "LOGIN_FAILED", `login to ${registry} failed: HTTP ${response.status} from GET ${redactUrl(url)}`);
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }

  async #ping(registry: string, options?: CallOptions): Promise<void> {
    const url = new URL("/v2/", this.origin(registry));
    const response = await this.#transport.send({ method: "GET", url, ...signalOf(options) });
    await response.body.dump().catch(() => undefined);
    if (response.status === 200) return;
    if (response.status === 401 && this.#auth.learn(registry, response)) return;
    if (response.status >= 500) {
      // Something answered: the name is right, the registry is failing (a wrong name fails to connect: a network error).
      const tries = response.attempts > 1 ? "every attempt" : "the attempt";
      throw new WasmpackError(
        "registry",
        UNAVAILABLE,
        `the registry answered HTTP ${response.status}${STATUS_CODES[response.status] ? ` ${STATUS_CODES[response.status]}` : ""} to ${tries} (${response.attempts} ${response.attempts === 1 ? "try" : "tries"}, GET ${redactUrl(url)}): it is reachable but failing; try again later`,
      );
    }
    throw new WasmpackError(
      "registry",
      "NOT_A_REGISTRY",
      `${registry} does not answer as an OCI registry (HTTP ${response.status} from GET ${redactUrl(url)}): check the registry name`,
    );
  }
}

/** A repository with a client of its own: `close()` the repository when done, which closes the client. */
export function openRemote(reference: Reference, options: RegistryClientOptions & { operation?: "pull" | "push" } = {}): RemoteRepository {
  return new RegistryClient(options).repository(reference, options.operation ?? "pull", { closesClient: true });
}
