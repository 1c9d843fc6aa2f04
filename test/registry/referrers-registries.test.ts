// Issue 10's referrers (signatures, SBOMs) are tested on two registries, one per path a client has
// under the distribution spec 1.1: the referrers API (`GET /v2/<name>/referrers/<digest>`, on
// test/support/referrers-registry) and the fallback tag `sha256-<hex>` holding an image index of the
// referrers (distribution 2.8, which has no API and answers 404). This pins both down with oras as
// the judge, so wasmpack's own referrers code can be checked against what oras does on each.

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { OciLayout } from "@wasmpack/registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWasmpack } from "../support/cli.js";
import { reportMissing } from "../support/node-tools.js";
import {
  findReferrersRegistry,
  run,
  startReferrersRegistry,
  startRegistry,
  writeTestImage,
  type RunningRegistry,
} from "../support/registry/index.js";
import { tempDir } from "../support/temp.js";
import { findTool } from "../support/tools.js";

const oras = findTool("oras");
const cosign = findTool("cosign");
const referrersBin = findReferrersRegistry();
if (!oras) reportMissing("oras", "the referrers checks judged by oras");
if (!cosign) reportMissing("cosign", "cosign's own signatures as referrers");
if (!referrersBin) reportMissing("referrers-registry", "the referrers checks on a registry with the OCI 1.1 referrers API");

const SPDX = "application/spdx+json";
const INDEX = "application/vnd.oci.image.index.v1+json";
const MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const SIGSTORE_BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json";

interface Referrer {
  digest: string;
  mediaType: string;
  artifactType?: string;
}

describe("OCI 1.1 referrers on distribution (fallback tag) and referrers-registry (API), judged by oras", () => {
  let root: string;
  let layout: string;
  let distribution: RunningRegistry;
  let referrers: { host: string; stop(): Promise<void> } | undefined;
  const env = () => ({ HOME: join(root, "home"), XDG_STATE_HOME: join(root, "state"), DOCKER_CONFIG: join(root, "docker") });

  beforeAll(async () => {
    root = await tempDir();
    layout = join(root, "layout");
    await writeTestImage(await OciLayout.create(layout), { tag: "1.0" });
    await writeFile(join(root, "sbom.spdx.json"), JSON.stringify({ spdxVersion: "SPDX-2.3", name: "referrers-test" }));
    distribution = await startRegistry();
    if (referrersBin) referrers = await startReferrersRegistry(referrersBin);
  });
  afterAll(async () => {
    await distribution?.stop();
    await referrers?.stop();
  });

  /** wasmpack pushes the image, oras attaches an SPDX file to it; both digests. */
  async function push(ref: string): Promise<string> {
    const pushed = await runWasmpack(["push", ref, "--from", layout, "--json"], { env: env() });
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    return (JSON.parse(pushed.stdout) as { digest: string }).digest;
  }

  async function pushAndAttach(host: string): Promise<{ subject: string; sbom: string }> {
    const ref = `${host}/referrers/app:1.0`;
    const subject = await push(ref);
    const attached = await run(oras!, ["attach", "--plain-http", "--artifact-type", SPDX, "--format", "json", ref, "sbom.spdx.json"], { cwd: root, env: env() });
    const sbom = (JSON.parse(attached.stdout) as { digest: string }).digest;
    return { subject, sbom };
  }

  /** What `oras discover` lists as the referrers of `subject`. */
  async function discover(host: string, subject: string, repo = "referrers/app"): Promise<Referrer[]> {
    const { stdout } = await run(oras!, ["discover", "--plain-http", "--format", "json", `${host}/${repo}@${subject}`], { env: env() });
    return (JSON.parse(stdout) as { referrers: Referrer[] }).referrers;
  }

  async function get(url: string): Promise<{ status: number; contentType: string | null; headers: Headers; json?: unknown }> {
    const response = await fetch(url, { headers: { accept: `${INDEX}, ${MANIFEST}` } });
    const text = await response.text();
    const json = response.ok ? (JSON.parse(text) as unknown) : undefined;
    return { status: response.status, contentType: response.headers.get("content-type"), headers: response.headers, json };
  }

  async function tags(host: string, repo = "referrers/app"): Promise<string[]> {
    return ((await get(`http://${host}/v2/${repo}/tags/list`)).json as { tags: string[] }).tags;
  }

  it.skipIf(!oras)("distribution 2.8: no referrers API (404), so oras keeps the referrers in the sha256-<hex> fallback tag, and discover finds them there", async () => {
    const { subject, sbom } = await pushAndAttach(distribution.host);
    expect(await discover(distribution.host, subject)).toEqual([expect.objectContaining({ digest: sbom, mediaType: MANIFEST, artifactType: SPDX })]);

    expect((await get(`${distribution.url}/v2/referrers/app/referrers/${subject}`)).status).toBe(404);
    const fallbackTag = subject.replace(":", "-");
    expect(await tags(distribution.host)).toContain(fallbackTag);
    const fallback = await get(`${distribution.url}/v2/referrers/app/manifests/${fallbackTag}`);
    expect(fallback.status).toBe(200);
    expect(fallback.json).toMatchObject({ schemaVersion: 2, mediaType: INDEX, manifests: [{ digest: sbom, mediaType: MANIFEST, artifactType: SPDX }] });
  });

  it.skipIf(!oras || !referrersBin)("referrers-registry: the referrers API answers 200 with an image index, and oras, told so by OCI-Subject, writes no fallback tag", async () => {
    const host = referrers!.host;
    const { subject, sbom } = await pushAndAttach(host);
    expect(await discover(host, subject)).toEqual([expect.objectContaining({ digest: sbom, mediaType: MANIFEST, artifactType: SPDX })]);

    const answer = await get(`http://${host}/v2/referrers/app/referrers/${subject}`);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe(INDEX);
    expect(answer.json).toMatchObject({ schemaVersion: 2, mediaType: INDEX, manifests: [{ digest: sbom, mediaType: MANIFEST, artifactType: SPDX }] });
    expect(await tags(host)).toEqual(["1.0"]);

    // The artifactType filter, as the spec describes it: applied, and said so.
    const filtered = await get(`http://${host}/v2/referrers/app/referrers/${subject}?artifactType=application%2Fvnd.dev.cosign.artifact.sig.v1%2Bjson`);
    expect(filtered.headers.get("oci-filters-applied")).toBe("artifactType");
    expect(filtered.json).toMatchObject({ manifests: [] });
  });

  // cosign v3, offline (a key pair, no transparency log), stores its signature as a Sigstore bundle
  // referrer on both paths, and verifies it back: what wasmpack's signatures are compared with.
  it.skipIf(!oras || !cosign || !referrersBin)("cosign v3 signs with a key offline and verifies on both registries; its bundle is a referrer on each", async () => {
    const cosignEnv = { ...env(), COSIGN_PASSWORD: "referrers-test" };
    await run(cosign!, ["generate-key-pair"], { cwd: root, env: cosignEnv });
    const hostFlags = ["--allow-http-registry", "--allow-insecure-registry"];
    for (const [host, fallbackTag] of [[distribution.host, true], [referrers!.host, false]] as const) {
      const ref = `${host}/referrers/signed:1.0`; // cosign refuses one-character repository names
      const subject = await push(ref);
      const signFlags = ["--key", "cosign.key", "--use-signing-config=false", "--tlog-upload=false", ...hostFlags, "-y"];
      await run(cosign!, ["sign", ...signFlags, `${host}/referrers/signed@${subject}`], { cwd: root, env: cosignEnv });
      await run(cosign!, ["verify", "--key", "cosign.pub", "--insecure-ignore-tlog=true", ...hostFlags, ref], { cwd: root, env: cosignEnv });
      expect(await discover(host, subject, "referrers/signed"), host).toEqual([expect.objectContaining({ mediaType: MANIFEST, artifactType: SIGSTORE_BUNDLE })]);
      expect(await tags(host, "referrers/signed"), host).toEqual(fallbackTag ? expect.arrayContaining(["1.0", subject.replace(":", "-")]) : ["1.0"]);
    }
  });
});
