// undici ships types for its index only; these are the files ./undici.ts imports one by one.
declare module "undici/lib/dispatcher/agent.js" {
  const Agent: unknown;
  export default Agent;
}
declare module "undici/lib/dispatcher/env-http-proxy-agent.js" {
  const EnvHttpProxyAgent: unknown;
  export default EnvHttpProxyAgent;
}
declare module "undici/lib/api/index.js" {
  const api: unknown;
  export default api;
}
declare module "undici/lib/dispatcher/dispatcher.js" {
  const Dispatcher: { prototype: object };
  export default Dispatcher;
}
