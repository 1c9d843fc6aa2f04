import { homedir } from "node:os";
import { RegistryClient, staticCredentials } from "@wasmpack/registry";
import { login as saveLogin, logout as removeLogin, registryIdentity } from "@wasmpack/registry/credentials";
import { WasmpackError } from "@wasmpack/registry/errors";
import type { LoginCommandOptions } from "../commands/login.js";
import { createConsole } from "./console.js";
import { readStdin } from "./input.js";

/** `wasmpack login`: checks the credentials against the registry (unless --no-verify), then saves them. */
export async function login(registryName: string, options: LoginCommandOptions, env: Record<string, string | undefined>): Promise<void> {
  const out = createConsole({ quiet: options.quiet });
  const registry = registryIdentity(registryName);
  const password = options.passwordStdin ? await readStdin() : env["WASMPACK_REGISTRY_PASSWORD"];
  if (!password) throw new WasmpackError("usage", "PASSWORD_MISSING", "give the password on stdin with --password-stdin (or in WASMPACK_REGISTRY_PASSWORD)");
  const username = options.username ?? "";
  if (options.verify) {
    const client = new RegistryClient({ credentials: staticCredentials({ [registry]: { username, password } }), insecure: options.insecureRegistry });
    try {
      await client.checkCredentials(registry);
    } finally {
      await client.close();
    }
  }
  const saved = await saveLogin({ registry, username, password, env, home: env["HOME"] || homedir() });
  out.info(`login succeeded for ${username} at ${registry}; saved ${saved.helper ? `through docker-credential-${saved.helper}` : `in ${saved.configFile}`}`);
}

/** `wasmpack logout`: removes the saved credentials, from the credential helper when one holds them. */
export async function logout(registryName: string, options: { quiet?: boolean }, env: Record<string, string | undefined>): Promise<void> {
  const out = createConsole({ quiet: options.quiet });
  const registry = registryIdentity(registryName);
  const result = await removeLogin({ registry, env, home: env["HOME"] || homedir() });
  out.info(result.removed ? `removed credentials for ${registry} from ${result.helper ? `docker-credential-${result.helper}` : result.configFile}` : `no credentials were saved for ${registry}`);
}
