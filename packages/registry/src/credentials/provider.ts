import { credHelperFor, credentialFromEntry, loadAuthFile, type LoadedAuthFile } from "./auth-file.js";
import { dockerConfigPath, podmanAuthPaths } from "./config-paths.js";
import { helperGet, spawnHelper, type HelperContext } from "./credential-helper.js";
import { credentialFromEnv, credentialFromGitHubActions, credentialFromOptions } from "./explicit-credentials.js";
import { findRegistryKey, storageKey } from "./registry-key.js";
import type { Credential, CredentialProvider, Env, HelperRunner } from "./types.js";

export interface CredentialProviderOptions {
  env: Env;
  home: string;
  /** Explicit credentials (flags); they apply to every registry. */
  username?: string;
  password?: string;
  /** Runs credential helpers; defaults to spawning `docker-credential-<name>` on `env.PATH`. */
  runHelper?: HelperRunner;
}

function fromAuths(file: LoadedAuthFile, registry: string, skipNamespaceKeys: boolean): Credential | undefined {
  const auths = file.data.auths ?? {};
  const key = findRegistryKey(Object.keys(auths), registry, { skipNamespaceKeys });
  const entry = key === undefined ? undefined : auths[key];
  return key === undefined || entry === undefined ? undefined : credentialFromEntry(entry, file.path, key);
}

/** docker's config.json: a `credHelpers` entry, then `auths`, then `credsStore`. */
async function fromDockerConfig(path: string, registry: string, helpers: HelperContext): Promise<Credential | undefined> {
  const file = await loadAuthFile(path);
  if (file === undefined) return undefined;
  const serverUrl = storageKey(registry);
  const helperName = credHelperFor(file.data, registry);
  if (helperName) {
    const credential = await helperGet({ name: helperName, configFile: path }, serverUrl, helpers);
    if (credential) return credential;
  }
  const inFile = fromAuths(file, registry, false);
  if (inFile) return inFile;
  if (file.data.credsStore) return helperGet({ name: file.data.credsStore, configFile: path }, serverUrl, helpers);
  return undefined;
}

async function fromPodman(paths: readonly string[], registry: string): Promise<Credential | undefined> {
  for (const path of paths) {
    const file = await loadAuthFile(path);
    const credential = file && fromAuths(file, registry, true);
    if (credential) return credential;
  }
  return undefined;
}

/**
 * Resolves credentials the way docker, podman and CI users expect, first match wins:
 * explicit username/password → `WASMPACK_REGISTRY_USERNAME`/`_PASSWORD` → docker config
 * (`credHelpers`, `auths`, `credsStore`) → podman auth.json files → `GITHUB_TOKEN` for ghcr.io
 * in GitHub Actions → anonymous. Throws a `WasmpackError` at once for a half-given pair.
 * Answers are cached per registry for the life of the provider, so a helper runs at most once.
 */
export function createCredentialProvider(options: CredentialProviderOptions): CredentialProvider {
  const { env, home } = options;
  const explicit = credentialFromOptions(options.username, options.password) ?? credentialFromEnv(env);
  const helpers: HelperContext = { env, run: options.runHelper ?? spawnHelper };
  const cache = new Map<string, Promise<Credential | undefined>>();

  const resolve = async (registry: string): Promise<Credential | undefined> =>
    explicit ??
    (await fromDockerConfig(dockerConfigPath(env, home), registry, helpers)) ??
    (await fromPodman(podmanAuthPaths(env, home), registry)) ??
    credentialFromGitHubActions(env, registry);

  return (registry) => {
    let answer = cache.get(registry);
    if (answer === undefined) {
      answer = resolve(registry);
      // Errors are not cached: the user may fix the helper or file and retry.
      answer.catch(() => cache.delete(registry));
      cache.set(registry, answer);
    }
    return answer;
  };
}
