export type { Credential, CredentialProvider, Env, HelperAction, HelperRequest, HelperResult, HelperRunner } from "./types.js";
export { createCredentialProvider, type CredentialProviderOptions } from "./provider.js";
export { login, logout, type LoginOptions, type LoginResult, type LogoutOptions, type LogoutResult } from "./login.js";
export { spawnHelper } from "./credential-helper.js";
export { redact } from "./redact.js";
export { DOCKER_HUB_KEY, registryIdentity } from "./registry-key.js";
