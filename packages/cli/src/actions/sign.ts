import { RegistryClient, RegistryError } from "@wasmpack/registry";
import { WasmpackError } from "@wasmpack/registry/errors";
import { formatReference, formatRepository, parseReference } from "@wasmpack/registry/oci";
import { fallbackTag, pushReferrers } from "@wasmpack/registry/referrers";
import type { SignCommandOptions } from "../commands/sign.js";
import { createConsole } from "./console.js";
import { readKey, signatureOf } from "./push-referrers.js";
import { registryClientOptions } from "./registry-client.js";

/**
 * `wasmpack sign REF --key KEY`: signs the image REF names in its registry, as `cosign sign --key`
 * v3 does (a DSSE-enveloped statement naming the digest, in a Sigstore bundle), and attaches the
 * signature to it as a referrer — through the referrers API, else the `sha256-<hex>` tag.
 */
export async function sign(ref: string, options: SignCommandOptions, env: Record<string, string | undefined>): Promise<void> {
  const out = createConsole({ quiet: options.quiet });
  const target = parseReference(ref);
  // A wrong key or password fails before the registry is asked anything.
  const key = await readKey(options.key, env);
  const client = new RegistryClient(await registryClientOptions(options, env));
  try {
    const repository = client.repository(target, "push");
    await repository.ping();
    // The signature names a digest, and must live in the repository of the image it signs.
    const image = (
      await repository.fetchManifest(target.digest ?? target.tag ?? "latest").catch((error: unknown) => {
        if (!(error instanceof RegistryError && error.status === 404)) throw error;
        throw new WasmpackError("input", "SUBJECT_NOT_FOUND", `${formatReference(target)}: no such image in ${formatRepository(target)}; push it first (a signature or SBOM lives in its image's repository)`);
      })
    ).descriptor;
    const artifact = await signatureOf(image, key);
    const { pushed, via } = await pushReferrers(repository, [artifact], client.retry);
    const signature = pushed[0]!;
    const repo = formatRepository(target);
    out.info(`signed ${repo}@${image.digest}: signature ${signature.digest} (${via === "api" ? "referrers API" : `referrers tag ${fallbackTag(image.digest)}`})`);
    if (options.json) out.json({ image: `${repo}@${image.digest}`, signature: `${repo}@${signature.digest}`, artifactType: signature.artifactType, via });
    else out.result(`${repo}@${signature.digest}`);
  } finally {
    await client.close();
  }
}
