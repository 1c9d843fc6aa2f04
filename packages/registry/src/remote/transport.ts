import { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import { Agent, EnvHttpProxyAgent, request } from "./undici.js";
import { WasmpackError } from "../errors.js";
import { errorCode, networkError } from "./network-error.js";
import { redactUrl } from "./redact.js";
import { parseRetryAfter } from "./retry-after.js";
import {
  REFUSED_RETRIES,
  backoffDelay,
  isRetryableErrorCode,
  isRetryableStatus,
  retryOptions,
  sleep,
  type RetryOptions,
} from "./retry-policy.js";

/**
 * A request body that can be opened again from its start, for retries and redirects. An iterable
 * is asked for a chunk only once the last one has been written (undici's `writeIterable`).
 */
export type BodySource = () => RequestBody | Promise<RequestBody>;
export type RequestBody = Readable | Uint8Array | AsyncIterable<Uint8Array>;

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface HttpRequest {
  method: HttpMethod;
  url: URL;
  /** Lower-case names. */
  headers?: Record<string, string>;
  body?: BodySource;
  /** `false` sends once: the caller retries a larger step (an upload session). Default true. */
  retry?: boolean;
  signal?: AbortSignal;
}

export type ResponseBody = Dispatcher.ResponseData["body"];

export interface HttpResponse {
  status: number;
  /** The URL that answered, after redirects; relative `Location` headers resolve against it. */
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: ResponseBody;
  /** Attempts it took, the first included. */
  attempts: number;
}

export function header(response: Pick<HttpResponse, "headers">, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(", ") : value;
}

export interface RetryEvent {
  method: HttpMethod;
  /** The redacted URL, or the blob a whole-step retry is about. */
  url: string;
  /** The attempt that failed (1 = the first). */
  attempt: number;
  delayMs: number;
  reason: string;
}

/** Connection settings; every field has a default. */
export interface TransportOptions {
  retry?: Partial<RetryOptions>;
  timeouts?: {
    /** TCP + TLS connect. Default 30 s. */
    connectMs?: number;
    /** From the request sent to the response headers. Default 120 s (a registry hashes a large blob on the final PUT). */
    headersMs?: number;
    /** Between two chunks of a response body. Default 60 s. */
    bodyMs?: number;
  };
  /**
   * `"environment"` (default): `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` as undici's
   * `EnvHttpProxyAgent` reads them; an object to give them explicitly; `"none"` to connect directly.
   */
  proxy?: "environment" | "none" | { httpProxy?: string; httpsProxy?: string; noProxy?: string };
  /** A dispatcher of your own (custom TLS, a shared pool); the transport will not close it. */
  dispatcher?: Dispatcher;
  /** Called before each retry, e.g. to show "retrying in 2 s". */
  onRetry?: (event: RetryEvent) => void;
  userAgent?: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/**
 * HTTP over undici with timeouts, proxy support, retries with backoff (honouring `Retry-After`)
 * and redirects followed by hand so that `Authorization` never reaches another origin: registries
 * redirect blob downloads to storage services that must not see the registry's token.
 */
export class HttpTransport {
  readonly retry: RetryOptions;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #onRetry: ((event: RetryEvent) => void) | undefined;
  readonly #userAgent: string;

  constructor(options: TransportOptions = {}) {
    this.retry = retryOptions(options.retry);
    this.#onRetry = options.onRetry;
    this.#userAgent = options.userAgent ?? "wasmpack";
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? createDispatcher(options);
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /** Sends `request`, retrying what is worth retrying; the last response is returned whatever its status. */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const attempts = request.retry === false ? 1 : this.retry.attempts;
    let refused = 0;
    for (let attempt = 1; ; attempt++) {
      let response: HttpResponse;
      try {
        response = await this.#sendFollowingRedirects(request, attempt);
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason;
        // A failing request body (a local file that vanished) already says what went wrong.
        if (error instanceof WasmpackError) throw error;
        const code = errorCode(error);
        const retryable = isRetryableErrorCode(code) && (code !== "ECONNREFUSED" || refused++ < REFUSED_RETRIES);
        if (!retryable || attempt >= attempts) throw networkError(error, request.method, request.url, attempt);
        await this.#wait(request, attempt, backoffDelay(this.retry, attempt), code ?? "connection error");
        continue;
      }
      if (!isRetryableStatus(response.status) || attempt >= attempts) return response;
      const retryAfter = parseRetryAfter(header(response, "retry-after"), this.retry.maxRetryAfterMs);
      await response.body.dump().catch(() => undefined);
      await this.#wait(request, attempt, retryAfter ?? backoffDelay(this.retry, attempt), `HTTP ${response.status}`);
    }
  }

  async #wait(request: HttpRequest, attempt: number, delayMs: number, reason: string): Promise<void> {
    this.#onRetry?.({ method: request.method, url: redactUrl(request.url), attempt, delayMs, reason });
    await sleep(delayMs, request.signal);
  }

  async #sendFollowingRedirects(request: HttpRequest, attempt: number): Promise<HttpResponse> {
    let { method, url, body } = request;
    const headers: Record<string, string> = { "user-agent": this.#userAgent, ...request.headers };
    const origin = url.origin;
    for (let hop = 0; ; hop++) {
      const response = await this.#sendOnce(method, url, headers, body, request.signal);
      const location = header(response, "location");
      if (!REDIRECTS.has(response.statusCode) || !location || hop >= MAX_REDIRECTS) {
        return { status: response.statusCode, url, headers: response.headers, body: response.body, attempts: attempt };
      }
      await response.body.dump().catch(() => undefined);
      url = new URL(location, url);
      if (url.origin !== origin) delete headers["authorization"];
      if (response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && method === "POST")) {
        method = method === "HEAD" ? "HEAD" : "GET";
        body = undefined;
        delete headers["content-length"];
        delete headers["content-type"];
        delete headers["content-range"];
      }
    }
  }

  async #sendOnce(
    method: HttpMethod,
    url: URL,
    headers: Record<string, string>,
    body: BodySource | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Dispatcher.ResponseData & { headers: Record<string, string | string[] | undefined> }> {
    const payload = body ? await body() : undefined;
    try {
      return await request(this.#dispatcher, {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        headers,
        // undici takes an AsyncIterable (docs/api/Dispatcher.md) though its types do not say so.
        body: (payload ?? null) as Dispatcher.DispatchOptions["body"],
        signal: signal ?? null,
      });
    } catch (error) {
      if (payload instanceof Readable) payload.destroy();
      else if (payload && isAsyncGenerator(payload)) await payload.return(undefined).catch(() => undefined);
      throw error;
    }
  }
}

function isAsyncGenerator(body: RequestBody): body is AsyncGenerator<Uint8Array> {
  return typeof (body as Partial<AsyncGenerator>).return === "function" && Symbol.asyncIterator in body;
}

function createDispatcher(options: TransportOptions): Dispatcher {
  const timeouts = {
    connectTimeout: options.timeouts?.connectMs ?? 30_000,
    headersTimeout: options.timeouts?.headersMs ?? 120_000,
    bodyTimeout: options.timeouts?.bodyMs ?? 60_000,
  };
  const proxy = options.proxy ?? "environment";
  if (proxy === "none") return new Agent(timeouts);
  if (proxy === "environment") return new EnvHttpProxyAgent(timeouts);
  // Empty strings, not undefined: an unset field would make undici read the environment.
  return new EnvHttpProxyAgent({ ...timeouts, httpProxy: proxy.httpProxy ?? "", httpsProxy: proxy.httpsProxy ?? "", noProxy: proxy.noProxy ?? "" });
}
