import { homedir } from "node:os";
import { openRemote, readImage, remoteSource, type ImageView, type RegistryClientOptions } from "@wasmpack/registry";
import { createCredentialProvider } from "@wasmpack/registry/credentials";
import { WasmpackError } from "@wasmpack/registry/errors";
import type { Descriptor, Reference } from "@wasmpack/registry/oci";
import { listReferrers } from "@wasmpack/registry/referrers";
import type { RegistryFlags } from "../commands/registry-flags.js";

/**
 * Client options from flags and the environment: credentials from --username with
 * WASMPACK_REGISTRY_PASSWORD, WASMPACK_REGISTRY_USERNAME/PASSWORD, the Docker config and its
 * helpers, podman's auth.json, and GITHUB_TOKEN for ghcr.io in GitHub Actions.
 */
export async function registryClientOptions(flags: RegistryFlags, env: Record<string, string | undefined>): Promise<RegistryClientOptions & { concurrency?: number }> {
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

/** The manifest (and config) a registry reference names, and with `referrers` its referrers, read with the client these flags describe. */
export async function readRemoteImage(reference: Reference, flags: RegistryFlags, env: Record<string, string | undefined>, options: { referrers?: boolean } = {}): Promise<{ view: ImageView; referrers: Descriptor[] }> {
  const repository = openRemote(reference, await registryClientOptions(flags, env));
  try {
    const view = await readImage(remoteSource(repository), reference.digest ?? reference.tag);
    const referrers = options.referrers ? (await listReferrers(repository, view.descriptor.digest)).referrers : [];
    return { view, referrers };
  } finally {
    await repository.close();
  }
}
