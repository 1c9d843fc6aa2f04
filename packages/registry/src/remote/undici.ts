/**
 * The three parts of undici the transport uses, each from its own file. undici's index evaluates
 * its whole fetch, WebSocket, cache and mock stack first: ~45 ms of every push or pull here on
 * Node 20 and 24 alike, against ~20 ms for these. The version is pinned and bundled, and the
 * registry tests run every request through these imports.
 */
import type * as Undici from "undici";
import AgentClass from "undici/lib/dispatcher/agent.js";
import EnvHttpProxyAgentClass from "undici/lib/dispatcher/env-http-proxy-agent.js";
import api from "undici/lib/api/index.js";
import DispatcherClass from "undici/lib/dispatcher/dispatcher.js";

// undici's index gives every Dispatcher its API methods, and its ProxyAgent relies on them
// (`client.connect()` opens the CONNECT tunnel): without this, every push through HTTP_PROXY fails.
Object.assign(DispatcherClass.prototype, api);

export const Agent = AgentClass as typeof Undici.Agent;
export const EnvHttpProxyAgent = EnvHttpProxyAgentClass as typeof Undici.EnvHttpProxyAgent;

/** `dispatcher.request(options)`: undici's index adds it to every Dispatcher; without the index, call it on one. */
export function request(dispatcher: Undici.Dispatcher, options: RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  return (api as { request: (this: Undici.Dispatcher, options: RequestOptions) => Promise<Undici.Dispatcher.ResponseData> }).request.call(dispatcher, options);
}

type RequestOptions = Parameters<Undici.Dispatcher["request"]>[0];
