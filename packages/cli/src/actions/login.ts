import { homedir } from "node:os";
import type { Command } from "commander";
import { createConsole } from "../console.js";
import { readStdin } from "../input.js";
import { collect } from "../flags.js";

interface LoginCommandOptions {
  username?: string;
  passwordStdin?: boolean;
  insecureRegistry: string[];
  verify: boolean;
  quiet?: boolean;
}

export function registerLogin(program: Command, env: Record<string, string | undefined>): void {
  program
    .command("login")
    .description("check credentials against a registry and save them in the Docker config (docker and podman read it too)")
    .argument("<registry>", "registry host, e.g. ghcr.io or localhost:5000")
    .requiredOption("-u, --username <user>", "user name")
    .option("--password-stdin", "read the password or token from stdin (otherwise WASMPACK_REGISTRY_PASSWORD)")
    .option("--insecure-registry <host>", "reach this registry over plain HTTP; repeatable", collect, [])
    .option("--no-verify", "save without asking the registry first")
    .option("-q, --quiet", "print nothing but errors")
    .action(async (registryName: string, options: LoginCommandOptions) => {
      const out = createConsole({ quiet: options.quiet });
      const { WasmpackError } = await import("@wasmpack/registry/errors");
      const { login, registryIdentity } = await import("@wasmpack/registry/credentials");
      const registry = registryIdentity(registryName);
      const password = options.passwordStdin ? await readStdin() : env["WASMPACK_REGISTRY_PASSWORD"];
      if (!password) throw new WasmpackError("usage", "PASSWORD_MISSING", "give the password on stdin with --password-stdin (or in WASMPACK_REGISTRY_PASSWORD)");
      const username = options.username ?? "";
      if (options.verify) {
        const { RegistryClient, staticCredentials } = await import("@wasmpack/registry");
        const client = new RegistryClient({ credentials: staticCredentials({ [registry]: { username, password } }), insecure: options.insecureRegistry });
        try {
          await client.checkCredentials(registry);
        } finally {
          await client.close();
        }
      }
      const saved = await login({ registry, username, password, env, home: env["HOME"] || homedir() });
      out.info(`login succeeded for ${username} at ${registry}; saved ${saved.helper ? `through docker-credential-${saved.helper}` : `in ${saved.configFile}`}`);
    });

  program
    .command("logout")
    .description("remove saved credentials for a registry from the Docker config")
    .argument("<registry>", "registry host")
    .option("-q, --quiet", "print nothing but errors")
    .action(async (registryName: string, options: { quiet?: boolean }) => {
      const out = createConsole({ quiet: options.quiet });
      const { logout, registryIdentity } = await import("@wasmpack/registry/credentials");
      const registry = registryIdentity(registryName);
      const result = await logout({ registry, env, home: env["HOME"] || homedir() });
      out.info(result.removed ? `removed credentials for ${registry} from ${result.helper ? `docker-credential-${result.helper}` : result.configFile}` : `no credentials were saved for ${registry}`);
    });
}
