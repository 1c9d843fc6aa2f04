import { WasmpackError } from "../errors.js";
import { credHelperFor, loadAuthFile, type AuthEntry, type AuthFile, type LoadedAuthFile } from "./auth-file.js";
import { dockerConfigPath } from "./config-paths.js";
import { helperErase, helperStore, spawnHelper, type HelperContext, type HelperSource } from "./credential-helper.js";
import { allRegistryKeys, storageKey } from "./registry-key.js";
import type { Env, HelperRunner } from "./types.js";
import { writeAuthFile } from "./write-auth-file.js";

export interface LoginOptions {
  /** Registry host; Docker Hub aliases are stored under `https://index.docker.io/v1/`. */
  registry: string;
  username: string;
  password: string;
  env: Env;
  home: string;
  runHelper?: HelperRunner;
}

export interface LogoutOptions {
  registry: string;
  env: Env;
  home: string;
  runHelper?: HelperRunner;
}

export interface LoginResult {
  /** The docker config file that was read (and written). */
  configFile: string;
  /** The key the credential is stored under. */
  key: string;
  /** The credential helper that holds the secret; absent when it is in the file (base64, not encrypted). */
  helper?: string;
}

export interface LogoutResult {
  configFile: string;
  /** False when nothing was stored for the registry. */
  removed: boolean;
  helper?: string;
}

const CREDENTIAL_FIELDS = ["auth", "username", "password", "identitytoken", "registrytoken"] as const;

/** An entry without its credential fields (docker keeps e.g. `email`). */
function withoutCredential(entry: AuthEntry | undefined): AuthEntry {
  const rest: AuthEntry = { ...entry };
  for (const field of CREDENTIAL_FIELDS) delete rest[field];
  return rest;
}

/** The helper docker would use for `registry`: a matching `credHelpers` entry, else `credsStore`. */
function helperFor(file: LoadedAuthFile | undefined, registry: string, configFile: string): HelperSource | undefined {
  const name = (file && credHelperFor(file.data, registry)) || file?.data.credsStore;
  return name ? { name, configFile } : undefined;
}

function requireValue(value: string, what: string): void {
  if (value === "") throw new WasmpackError("usage", "CREDENTIALS_INCOMPLETE", `login needs a ${what}`);
}

/**
 * Stores a username and password for `registry` as `docker login` does: through the configured
 * credential helper (leaving an empty `auths` entry), or as base64 `auth` in the docker config.
 * Every other key of the file is kept. It does not check the credentials with the registry.
 */
export async function login(options: LoginOptions): Promise<LoginResult> {
  const { registry, username, password, env, home } = options;
  requireValue(registry, "registry");
  requireValue(username, "username");
  requireValue(password, "password");
  const configFile = dockerConfigPath(env, home);
  const file = await loadAuthFile(configFile);
  const key = storageKey(registry);
  const helper = helperFor(file, registry, configFile);
  const context: HelperContext = { env, run: options.runHelper ?? spawnHelper };

  const data: AuthFile = { ...file?.data };
  const auths: Record<string, AuthEntry> = { ...data.auths };
  const previous = Object.hasOwn(auths, key) ? auths[key] : undefined;
  let stored: AuthEntry;
  if (helper) {
    await helperStore(helper, key, username, password, context);
    stored = withoutCredential(previous);
  } else {
    stored = { ...withoutCredential(previous), auth: Buffer.from(`${username}:${password}`, "utf8").toString("base64") };
  }
  // Defined, not assigned: a key such as `__proto__` must become an entry of the file, not the object's prototype.
  Object.defineProperty(auths, key, { value: stored, enumerable: true, writable: true, configurable: true });
  data.auths = auths;
  await writeAuthFile(configFile, data, file);
  return { configFile, key, ...(helper ? { helper: helper.name } : {}) };
}

/**
 * Removes the credential for `registry`: erases it from the credential helper docker would use
 * and deletes every `auths` entry that names the registry (`host`, `https://host`, …).
 */
export async function logout(options: LogoutOptions): Promise<LogoutResult> {
  const { registry, env, home } = options;
  requireValue(registry, "registry");
  const configFile = dockerConfigPath(env, home);
  const file = await loadAuthFile(configFile);
  const key = storageKey(registry);
  const helper = helperFor(file, registry, configFile);
  const context: HelperContext = { env, run: options.runHelper ?? spawnHelper };

  const erased = helper ? await helperErase(helper, key, context) : false;
  const auths: Record<string, AuthEntry> = { ...file?.data.auths };
  const stale = allRegistryKeys(Object.keys(auths), registry);
  const removedFromFile = stale.some((k) => CREDENTIAL_FIELDS.some((field) => auths[k]?.[field]));
  if (file && stale.length > 0) {
    for (const k of stale) delete auths[k];
    await writeAuthFile(configFile, { ...file.data, auths }, file);
  }
  return { configFile, removed: erased || removedFromFile, ...(helper ? { helper: helper.name } : {}) };
}
