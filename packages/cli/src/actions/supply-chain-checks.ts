import type { VerifyCheck } from "@wasmpack/builder";
import { OciLayout } from "@wasmpack/registry/layout";
import { parseManifest, type Descriptor, type Digest } from "@wasmpack/registry/oci";
import { ArtifactType, layoutReferrers } from "@wasmpack/registry/referrers";

const SBOM_TYPES: readonly string[] = [ArtifactType.Spdx, ArtifactType.CycloneDx];

/**
 * `verify --key`: the image's signature checked with the public key, and an SBOM attached
 * (provenance too, though only its absence is a warning). Read from the referrers a layout holds
 * for the image — a remote image is pulled with them first. One check each, as `verify` prints them.
 */
export async function supplyChainChecks(layoutDir: string, image: Digest, publicKeyFile: string): Promise<VerifyCheck[]> {
  const { readPublicKey, verifyImageSignature } = await import("@wasmpack/registry/signing");
  const publicKey = await readPublicKey(publicKeyFile);
  const layout = await OciLayout.open(layoutDir);
  const referrers = await layoutReferrers(layout, image);
  const checks: VerifyCheck[] = [];

  const signatures = referrers.filter((r) => r.artifactType === ArtifactType.SigstoreBundle);
  const verdicts = [];
  for (const signature of signatures) {
    const bundle = await firstLayer(layout, signature);
    verdicts.push({ signature, verdict: bundle ? verifyImageSignature(bundle, { publicKey, subjectDigest: image }) : { ok: false as const, reason: "the referrer holds no bundle" } });
  }
  const good = verdicts.find((v) => v.verdict.ok);
  const firstBad = verdicts.find((v) => !v.verdict.ok);
  checks.push(
    good
      ? { name: "signature", ok: true, reason: `${good.signature.digest} verified with ${publicKeyFile}` }
      : { name: "signature", ok: false, reason: firstBad && !firstBad.verdict.ok ? `${signatures.length} signature(s), none verified with ${publicKeyFile}: ${firstBad.verdict.reason}` : `no signature attached (sign it with wasmpack sign REF --key KEY)` },
  );

  const sbom = referrers.find((r) => SBOM_TYPES.includes(r.artifactType ?? ""));
  checks.push(sbom ? { name: "sbom", ok: true, reason: `${sbom.artifactType} ${sbom.digest} attached` } : { name: "sbom", ok: false, reason: "no SBOM attached (build without --no-sbom, and push with its referrers)" });

  const provenance = referrers.find((r) => r.artifactType === ArtifactType.InToto);
  checks.push(provenance ? { name: "provenance", ok: true, reason: `${provenance.artifactType} ${provenance.digest} attached` } : { name: "provenance", ok: true, warning: true, reason: "no provenance attached" });
  return checks;
}

async function firstLayer(layout: OciLayout, referrer: Descriptor): Promise<Uint8Array | undefined> {
  const parsed = parseManifest(await layout.readBlob(referrer.digest), referrer.mediaType, `${layout.dir} ${referrer.digest}`);
  const layer = parsed.kind === "manifest" ? parsed.manifest.layers[0] : undefined;
  return layer ? layout.readBlob(layer.digest) : undefined;
}
