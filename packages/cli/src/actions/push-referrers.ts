import type { RegistryClient } from "@wasmpack/registry";
import type { OciLayout } from "@wasmpack/registry/layout";
import type { Descriptor, Reference } from "@wasmpack/registry/oci";
import { createArtifact, layoutArtifacts, planReferrers, pushReferrers, type Artifact, type ReferrersPlan } from "@wasmpack/registry/referrers";
import type { SigningKey } from "@wasmpack/registry/signing";

/**
 * What goes up beside the images of a push, as OCI 1.1 referrers: the SBOM and provenance the
 * build attached in the layout, and with `--sign` a signature of each image. Read and checked
 * before the first byte is pushed (the key, the registry's referrers support, its fallback
 * tags), so a refusal leaves nothing half-pushed.
 */
export interface ReferrersPush {
  /** Pushes the referrers of the images pushed (by their descriptors); answers what went up, by image digest. */
  push(images: readonly Descriptor[]): Promise<Map<string, Descriptor[]>>;
}

export async function prepareReferrersPush(input: {
  client: RegistryClient;
  target: Reference;
  layout: OciLayout;
  digests: readonly string[];
  /** false: push the images alone (`--no-referrers`). */
  attach: boolean;
  key?: SigningKey | undefined;
  signal?: AbortSignal | undefined;
}): Promise<ReferrersPush> {
  const stored = new Map<string, Artifact[]>();
  if (input.attach) {
    for (const digest of input.digests) {
      stored.set(digest, await layoutArtifacts(input.layout, digest as Descriptor["digest"]));
    }
  }
  const key = input.key;
  if (!key && [...stored.values()].every((list) => list.length === 0)) return { push: async () => new Map() };
  const call = input.signal ? { signal: input.signal } : {};
  const repository = input.client.repository(input.target, "push");
  await repository.ping(call);
  const plan: ReferrersPlan = await planReferrers(repository, input.digests as Descriptor["digest"][], call);
  return {
    async push(images) {
      const artifacts: Artifact[] = [];
      for (const image of images) {
        artifacts.push(...(stored.get(image.digest) ?? []));
        if (key) artifacts.push(await signatureOf(image, key));
      }
      const { pushed } = await pushReferrers(repository, artifacts, input.client.retry, { ...call, plan });
      const bySubject = new Map<string, Descriptor[]>();
      pushed.forEach((referrer, i) => {
        const subject = artifacts[i]!.subject.digest;
        bySubject.set(subject, [...(bySubject.get(subject) ?? []), referrer]);
      });
      return bySubject;
    },
  };
}

/** Reads `--key` (a cosign.key with $COSIGN_PASSWORD, or PEM) before anything is pushed. */
export async function readKey(file: string, env: Record<string, string | undefined>): Promise<SigningKey> {
  const { readSigningKey } = await loadSigning();
  return readSigningKey(file, { ...(env["COSIGN_PASSWORD"] !== undefined ? { password: env["COSIGN_PASSWORD"] } : {}) });
}

/** A cosign-compatible signature of `image` as a referrer artifact. */
export async function signatureOf(image: Descriptor, key: SigningKey): Promise<Artifact> {
  const { signImage } = await loadSigning();
  const signature = signImage({ subject: image, key });
  return createArtifact({
    artifactType: signature.artifactType,
    subject: image,
    files: [{ mediaType: signature.mediaType, bytes: signature.bytes }],
    annotations: signature.annotations,
  });
}

// The signing code (and its cipher) loads only when a command signs.
const loadSigning = () => import("@wasmpack/registry/signing");
