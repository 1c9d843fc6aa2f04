import { homedir } from "node:os";
import type { Command } from "commander";
import type { ImageView, RegistryClientOptions } from "@wasmpack/registry";
import type { Reference } from "@wasmpack/registry/oci";
import { collect } from "./flags.js";

/** Flags every command that talks to a registry takes. */
export interface RegistryFlags {
  insecureRegistry: string[];
  username?: string;
  concurrency?: string;
}

export function addRegistryOptions(command: Command): Command {
  return command
    .option("--insecure-registry <host>", "reach this registry over plain HTTP (loopback registries always are); repeatable", collect, [])
    .option("-u, --username <user>", "registry user name (the password comes from WASMPACK_REGISTRY_PASSWORD)")
    .option("--concurrency <n>", "blobs transferred at once (default 4)");
}

/**
 * Client options from flags and the environment: credentials from --username with
 * WASMPACK_REGISTRY_PASSWORD, WASMPACK_REGISTRY_USERNAME/PASSWORD, the Docker config and its
 * helpers, podman's auth.json, and GITHUB_TOKEN for ghcr.io in GitHub Actions.
 */
export async function registryClientOptions(flags: RegistryFlags, env: Record<string, string | undefined>): Promise<RegistryClientOptions & { concurrency?: number }> {
  const { createCredentialProvider } = await import("@wasmpack/registry/credentials");
  const { WasmpackError } = await import("@wasmpack/registry/errors");
  const password = flags.username ? env["WASMPACK_REGISTRY_PASSWORD"] : undefined;
  if (flags.username && password === undefined) {
    throw new WasmpackError("usage", "PASSWORD_MISSING", "--username needs the password in WASMPACK_REGISTRY_PASSWORD (or use `wasmpack login`)");
  }
  const concurrency = flags.concurrency === undefined ? undefined : Number(flags.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)) {
    throw new WasmpackError("usage", "CONCURRENCY_INVALID", `--concurrency ${JSON.stringify(flags.concurrency)} must be a whole number from 1 to 64`);
  }
  return {
    credentials: createCredentialProvider({ env, home: env["HOME"] || homedir(), ...(flags.username ? { username: flags.username, password } : {}) }),
    insecure: flags.insecureRegistry,
    ...(concurrency ? { concurrency } : {}),
  };
}

/** The manifest (and config) a registry reference names, read with the client these flags describe. */
export async function readRemoteImage(reference: Reference, flags: RegistryFlags, env: Record<string, string | undefined>): Promise<ImageView> {
  const registry = await import("@wasmpack/registry");
  const repository = registry.openRemote(reference, await registryClientOptions(flags, env));
  try {
    return await registry.readImage(registry.remoteSource(repository), reference.digest ?? reference.tag);
  } finally {
    await repository.close();
  }
}
