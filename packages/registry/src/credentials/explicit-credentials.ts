import { WasmpackError } from "../errors.js";
import { registryIdentity } from "./registry-key.js";
import { nonEmpty, type Credential, type Env } from "./types.js";

function pair(username: string | undefined, password: string | undefined, missing: (which: string) => string): Credential | undefined {
  const user = nonEmpty(username);
  const pass = nonEmpty(password);
  if (user === undefined && pass === undefined) return undefined;
  if (user === undefined) throw new WasmpackError("usage", "CREDENTIALS_INCOMPLETE", missing("username"));
  if (pass === undefined) throw new WasmpackError("usage", "CREDENTIALS_INCOMPLETE", missing("password"));
  return { username: user, password: pass };
}

/** A username and password given as options (flags); both or neither. */
export function credentialFromOptions(username: string | undefined, password: string | undefined): Credential | undefined {
  return pair(username, password, (which) =>
    which === "username" ? "a registry password was given without a username" : "a registry username was given without a password",
  );
}

/** `WASMPACK_REGISTRY_USERNAME` and `WASMPACK_REGISTRY_PASSWORD`; both or neither. */
export function credentialFromEnv(env: Env): Credential | undefined {
  return pair(env.WASMPACK_REGISTRY_USERNAME, env.WASMPACK_REGISTRY_PASSWORD, (which) =>
    which === "username"
      ? "WASMPACK_REGISTRY_PASSWORD is set but WASMPACK_REGISTRY_USERNAME is not"
      : "WASMPACK_REGISTRY_USERNAME is set but WASMPACK_REGISTRY_PASSWORD is not",
  );
}

/**
 * In GitHub Actions, `GITHUB_TOKEN` can push to ghcr.io (given `packages: write`). GHCR accepts
 * any user name with it; the actor is the conventional one.
 */
export function credentialFromGitHubActions(env: Env, registry: string): Credential | undefined {
  if (env.GITHUB_ACTIONS !== "true" || registryIdentity(registry) !== "ghcr.io") return undefined;
  const token = nonEmpty(env.GITHUB_TOKEN);
  if (token === undefined) return undefined;
  return { username: nonEmpty(env.GITHUB_ACTOR) ?? "x-access-token", password: token };
}
