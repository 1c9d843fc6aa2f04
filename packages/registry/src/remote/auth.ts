import { bearerChallenge, hasBasicChallenge, parseChallenges, type BearerChallenge } from "./challenge.js";
import { basicAuthorization, type Credential, type CredentialProvider } from "./credentials.js";
import { requestToken, type Token } from "./token.js";
import type { HttpRequest, HttpResponse, HttpTransport } from "./transport.js";

/** How a registry wants to be authenticated, learnt from its last `401`. */
type Scheme = { type: "bearer"; challenge: BearerChallenge } | { type: "basic" };

interface CachedToken {
  promise: Promise<Token>;
}

/** `repository:NAME:pull,push` (distribution token scope). */
export function repositoryScope(repository: string, actions: readonly string[]): string {
  return `repository:${repository}:${actions.join(",")}`;
}

/**
 * Adds credentials to requests. Anonymous until the registry answers `401`; then Basic, or a
 * Bearer token from the challenge's realm, cached per registry and scope set until it nearly
 * expires. A `401` to a request that carried a token drops that token and fetches one again,
 * once. A `registryToken` credential is sent as `Bearer` as it is, from the first request.
 */
export class Authenticator {
  readonly #transport: HttpTransport;
  readonly #credentials: CredentialProvider | undefined;
  readonly #now: () => number;
  readonly #schemes = new Map<string, Scheme>();
  readonly #tokens = new Map<string, CachedToken>();
  readonly #lookups = new Map<string, Promise<Credential | undefined>>();

  constructor(transport: HttpTransport, credentials?: CredentialProvider, now: () => number = Date.now) {
    this.#transport = transport;
    this.#credentials = credentials;
    this.#now = now;
  }

  /** Remembers the scheme a `401` response asks for; true when it named one we can use. */
  learn(registry: string, response: HttpResponse): boolean {
    const challenges = parseChallenges(response.headers["www-authenticate"]);
    const bearer = bearerChallenge(challenges);
    const scheme: Scheme | undefined = bearer ? { type: "bearer", challenge: bearer } : hasBasicChallenge(challenges) ? { type: "basic" } : undefined;
    if (scheme) this.#schemes.set(registry, scheme);
    return scheme !== undefined;
  }

  /** Sends `request` to `registry` with the authorization `scopes` need, authenticating on a `401`. */
  async send(registry: string, scopes: readonly string[], request: HttpRequest): Promise<HttpResponse> {
    const credential = await this.credential(registry);
    const first = await this.#authorization(registry, scopes, credential, request.signal);
    const response = await this.#transport.send(withAuthorization(request, first?.header));
    if (response.status !== 401 || (credential && "registryToken" in credential)) return response;
    // A 401 from where a redirect led (blob storage) is not the registry's challenge.
    if (response.url.origin !== request.url.origin) return response;
    if (!this.learn(registry, response)) return response;
    const scheme = this.#schemes.get(registry)!;
    if (scheme.type === "basic" && (first?.header.startsWith("Basic ") || !(credential && "password" in credential))) return response;
    if (first?.token) this.#dropToken(first.key, first.token);
    const asked = scheme.type === "bearer" ? scheme.challenge.scopes.filter((scope) => !isCovered(scope, scopes)) : [];
    const second = await this.#authorization(registry, [...scopes, ...asked], credential, request.signal).catch(async (error: unknown) => {
      await response.body.dump().catch(() => undefined);
      throw error;
    });
    if (!second) return response;
    await response.body.dump().catch(() => undefined);
    return this.#transport.send(withAuthorization(request, second.header));
  }

  /** The credential for `registry`, asked of the provider once per registry. */
  credential(registry: string): Promise<Credential | undefined> {
    if (!this.#credentials) return Promise.resolve(undefined);
    let lookup = this.#lookups.get(registry);
    if (!lookup) {
      lookup = this.#credentials(registry);
      this.#lookups.set(registry, lookup);
      lookup.catch(() => this.#lookups.delete(registry));
    }
    return lookup;
  }

  async #authorization(
    registry: string,
    scopes: readonly string[],
    credential: Credential | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ header: string; key?: string; token?: CachedToken } | undefined> {
    if (credential && "registryToken" in credential) return { header: `Bearer ${credential.registryToken}` };
    const scheme = this.#schemes.get(registry);
    if (!scheme) return undefined;
    if (scheme.type === "basic") {
      if (!credential || !("password" in credential)) return undefined;
      return { header: basicAuthorization(credential) };
    }
    const key = `${registry}\n${[...scopes].sort().join(" ")}`;
    let cached = this.#tokens.get(key);
    if (cached) {
      const token = await cached.promise.catch(() => undefined);
      if (!token || token.expiresAt <= this.#now()) {
        this.#dropToken(key, cached);
        cached = undefined;
      }
    }
    if (!cached) {
      const entry: CachedToken = {
        promise: requestToken(this.#transport, registry, scheme.challenge, scopes, credential, signal, this.#now),
      };
      this.#tokens.set(key, entry);
      entry.promise.catch(() => this.#dropToken(key, entry));
      cached = entry;
    }
    const token = await cached.promise;
    return { header: `Bearer ${token.value}`, key, token: cached };
  }

  /** Drops `entry` unless a concurrent request has already replaced it. */
  #dropToken(key: string | undefined, entry: CachedToken): void {
    if (key !== undefined && this.#tokens.get(key) === entry) this.#tokens.delete(key);
  }
}

/** Whether `scope` (`type:name:actions`) asks for nothing beyond what one of `scopes` grants. */
export function isCovered(scope: string, scopes: readonly string[]): boolean {
  const split = (s: string) => {
    const last = s.lastIndexOf(":");
    return { resource: s.slice(0, last), actions: new Set(s.slice(last + 1).split(",")) };
  };
  const wanted = split(scope);
  return scopes.some((held) => {
    const have = split(held);
    return have.resource === wanted.resource && [...wanted.actions].every((a) => have.actions.has(a));
  });
}

function withAuthorization(request: HttpRequest, authorization: string | undefined): HttpRequest {
  if (!authorization) return request;
  return { ...request, headers: { ...request.headers, authorization } };
}
