// Issue 10's "done when", end to end with the real CLI: `wasmpack build --push --sign` on both
// referrers paths a registry has (distribution 2.8: the `sha256-<hex>` fallback tag;
// test/support/referrers-registry: the OCI 1.1 referrers API), for both examples, judged by tools
// nobody here wrote (oras, cosign, skopeo); then the bad-input list, each one line on
// stderr with its documented exit code and nothing half-pushed.

import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, buildJson, type BuildJson } from "../support/build.js";
import { lastLine, runCommand, runOk, runWasmpack, type CliResult } from "../support/cli.js";
import { skopeoDigest } from "../support/judges.js";
import { reportMissing } from "../support/node-tools.js";
import { copyExample } from "../support/package.js";
import { findReferrersRegistry, startReferrersRegistry, startRegistry, type RunningRegistry } from "../support/registry/index.js";
import { tempDir, writeTree } from "../support/temp.js";
import { findTool } from "../support/tools.js";

const oras = findTool("oras");
const cosign = findTool("cosign");
const skopeo = findTool("skopeo");
const referrersBin = findReferrersRegistry();
if (!oras) reportMissing("oras", "sign-and-discover: referrers judged by oras");
if (!cosign) reportMissing("cosign", "sign-and-discover: signatures judged by cosign");
if (!skopeo) reportMissing("skopeo", "sign-and-discover: pushed manifests judged by skopeo (apt-get install skopeo)");
if (!referrersBin) reportMissing("referrers-registry", "sign-and-discover: the OCI 1.1 referrers API path");
const missing = !oras || !cosign || !skopeo || !referrersBin;

const SPDX = "application/spdx+json";
const IN_TOTO = "application/vnd.in-toto+json";
const SIGSTORE_BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json";
const INDEX = "application/vnd.oci.image.index.v1+json";
const MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const PASSWORD = "sign-and-discover";
const EXAMPLES = ["wasmedge-http", "spin-hello"] as const;
type Example = (typeof EXAMPLES)[number];

/** What one registry's describe gets: its `host` once started, and whether it keeps referrers under the fallback tag. */
interface Registry {
  host: string;
  fallbackTag: boolean;
}

let work: string;
const copies = {} as Record<Example, string>;
const keyFile = () => join(work, "cosign.key");
const pubFile = () => join(work, "cosign.pub");
/** oras, cosign and skopeo get a home of their own, so nothing reads or writes the developer's. */
const toolEnv = () => ({ HOME: join(work, "home"), DOCKER_CONFIG: join(work, "home", ".docker"), COSIGN_PASSWORD: PASSWORD });

describe.skipIf(missing)("wasmpack build --push --sign, judged by oras, cosign and skopeo", () => {
  beforeAll(async () => {
    work = await tempDir("wasmpack-sign-discover-");
    // One copy per example for both registries: cargo compiles each once.
    for (const example of EXAMPLES) copies[example] = await copyExample(example, join(work, example));
    await runOk(cosign!, ["generate-key-pair"], { cwd: work, env: toolEnv() });
  });

  describe("distribution 2.8: no referrers API, so the sha256-<hex> fallback tag", () => {
    const registry = startedRegistry(async () => {
      const running: RunningRegistry = await startRegistry();
      return { host: running.host, stop: () => running.stop() };
    }, true);
    for (const example of EXAMPLES) signedImageChecks(registry, example);
    badSigningInput(registry);

    it("keeps what other tools put under the fallback tag: cosign's signature stays when wasmpack pushes a new SBOM, and both verify", async () => {
      const { host } = registry;
      const repo = "demo/coexist";
      const ref = `${host}/${repo}:1.0`;
      const first = await buildJson(copies["wasmedge-http"], join(work, "coexist-spdx"), ["--push", ref]);
      await runOk(cosign!, ["sign", "--key", keyFile(), "--use-signing-config=false", "--tlog-upload=false", "--allow-http-registry", "--allow-insecure-registry", "-y", `${host}/${repo}@${first.digest}`], { env: toolEnv(), timeoutMs: 60_000 });
      const afterCosign = await discover(ref);
      expect(afterCosign.referrers.map((r) => r.artifactType).sort()).toEqual([SPDX, IN_TOTO, SIGSTORE_BUNDLE].sort());

      // The same image with a CycloneDX SBOM: its referrer is added to the index cosign last wrote.
      const second = await buildJson(copies["wasmedge-http"], join(work, "coexist-cyclonedx"), ["--sbom", "cyclonedx", "--push", ref]);
      expect(second.digest).toBe(first.digest);
      const after = await discover(ref);
      expect(after.referrers.map((r) => r.artifactType).sort()).toEqual([SPDX, IN_TOTO, SIGSTORE_BUNDLE, "application/vnd.cyclonedx+json"].sort());
      for (const before of afterCosign.referrers) expect(after.referrers.map((r) => r.digest)).toContain(before.digest);
      expect((await cosignVerify(ref)).exitCode).toBe(0);
      expect((await runWasmpack(["verify", ref, "--key", pubFile()])).exitCode).toBe(0);
    });

    it("an existing sha256-<hex> tag that is not an index: REFERRERS_TAG_NOT_INDEX, exit 5, neither the image nor its SBOM and provenance pushed", async () => {
      const { host } = registry;
      const layout = await unpushedBuild("fallback-not-index");
      const repo = "demo/wasmedge-http";
      // Some image manifest (the one tag 1.0 names) under the new image's fallback tag.
      await runOk(oras!, ["tag", "--plain-http", `${host}/${repo}:1.0`, fallbackTagOf(layout.digest)], { env: toolEnv() });
      const before = await registryState(host, [repo], [layout.digest]);

      const result = await runWasmpack(["push", `${host}/${repo}:not-index`, "--from", layout.layout]);
      expectOneLineError(result, 5, literally(`${repo}:${fallbackTagOf(layout.digest)} is the referrers tag of ${layout.digest} but holds a ${MANIFEST}, not an image index; nothing was pushed`));

      expect(await registryState(host, [repo], [layout.digest])).toEqual(before);
      expect(await headManifest(host, repo, layout.digest)).toBe(404);
      expect(layout.attached.map((a) => a.artifactType).sort()).toEqual([SPDX, IN_TOTO]);
      for (const referrer of await layoutReferrers(layout.layout, layout.digest)) expect(await headManifest(host, repo, referrer), referrer).toBe(404);
    });
  });

  describe("referrers-registry: the OCI 1.1 referrers API", () => {
    const registry = startedRegistry(() => startReferrersRegistry(referrersBin!), false);
    for (const example of EXAMPLES) signedImageChecks(registry, example);
    badSigningInput(registry);
  });

  describe("bad project input, before any registry", () => {
    it("no Cargo.lock: CARGO_LOCK_MISSING in one line naming it, exit 1; with --no-sbom it builds", async () => {
      const dir = await copyExample("wasmedge-http", join(await tempDir(), "no-lock"));
      await rm(join(dir, "Cargo.lock"));
      const result = await build(dir, join(dir, "oci"));
      expectOneLineError(result, 1, /Cargo\.lock does not exist: .* built --locked; run `cargo generate-lockfile`/);
      const built = await buildJson(dir, join(dir, "oci"), ["--no-sbom"]);
      expect(built.digest).toMatch(/^sha256:/);
    });

    it("a stale Cargo.lock (the package version changed, or a path dependency added): CARGO_LOCK_STALE, exit 1", async () => {
      const root = await tempDir();
      const stale = /Cargo\.lock is out of date with the Cargo\.toml files: .* run `cargo update --workspace`/;

      const bumped = await copyExample("wasmedge-http", join(root, "version-bumped"));
      const manifest = join(bumped, "Cargo.toml");
      await writeFile(manifest, (await readFile(manifest, "utf8")).replace(/^version = "0\.1\.0"$/m, 'version = "0.1.1"'));
      expectOneLineError(await build(bumped, join(bumped, "oci")), 1, stale);

      const extended = await copyExample("wasmedge-http", join(root, "path-dependency"));
      await writeTree(extended, {
        "helper/Cargo.toml": '[package]\nname = "helper"\nversion = "0.1.0"\nedition = "2021"\n',
        "helper/src/lib.rs": "pub fn answer() -> u32 { 42 }\n",
      });
      await writeFile(join(extended, "Cargo.toml"), `${await readFile(join(extended, "Cargo.toml"), "utf8")}\n[dependencies]\nhelper = { path = "helper" }\n`);
      expectOneLineError(await build(extended, join(extended, "oci")), 1, stale);
    });

    it("--sbom foo and --sign without --key are usage errors, exit 2", async () => {
      const out = join(await tempDir(), "oci");
      expectOneLineError(await build(copies["wasmedge-http"], out, ["--sbom", "foo"]), 2, /--sbom "foo": choose spdx or cyclonedx/);
      expectOneLineError(await build(copies["wasmedge-http"], out, ["--push", "127.0.0.1:1/demo/x:1", "--sign"]), 2, /--sign needs --key FILE/);
    });
  });
});

/**
 * The "done when" for one example on one registry: built, pushed and signed in one
 * command, then judged by oras, cosign and skopeo; last, the tag moves to an image one annotation
 * different, pushed unsigned, and both cosign and wasmpack must refuse it.
 */
function signedImageChecks(registry: Registry, example: Example): void {
  describe(example, () => {
    let ref: string;
    let repo: string;
    let signed: BuildJson;

    beforeAll(async () => {
      repo = `demo/${example}`;
      ref = `${registry.host}/${repo}:1.0`;
      signed = await buildJson(copies[example], join(work, `${registry.host}-${example}-signed`), ["--push", ref, "--sign", "--key", keyFile()], { env: { COSIGN_PASSWORD: PASSWORD } });
    }, 300_000);

    it("oras discover lists one SPDX SBOM, one in-toto provenance and one Sigstore bundle for the digest wasmpack printed", async () => {
      expect(signed.pushed).toEqual([`${registry.host}/${repo}@${signed.digest}`]);
      const found = await discover(ref);
      expect(found.digest).toBe(signed.digest);
      expect(found.referrers.map((r) => r.artifactType).sort()).toEqual([SPDX, IN_TOTO, SIGSTORE_BUNDLE].sort());
      // The fallback tag is there exactly when the registry has no referrers API.
      expect(await headManifest(registry.host, repo, fallbackTagOf(signed.digest))).toBe(registry.fallbackTag ? 200 : 404);
    });

    it("cosign verify --key passes, and so does wasmpack verify --key (image checks, then signature, sbom, provenance)", async () => {
      const verified = await cosignVerify(ref);
      expect(verified.exitCode, verified.stderr).toBe(0);
      expect(verified.stdout).toContain(`"docker-manifest-digest":"${signed.digest}"`);

      const ours = await runWasmpack(["verify", ref, "--key", pubFile()]);
      expect(ours.exitCode, ours.stderr).toBe(0);
      const lines = ours.stdout.trimEnd().split("\n");
      expect(lines.every((line) => line.startsWith("ok  "))).toBe(true);
      expect(lines.slice(-3).map(checkName)).toEqual(["signature", "sbom", "provenance"]);
    });

    it("the SBOM oras fetches (manifest, then blob) is SPDX JSON naming the crate as a package", async () => {
      const sbom = (await discover(ref)).referrers.find((r) => r.artifactType === SPDX)!;
      const { stdout: manifestText } = await runOk(oras!, ["manifest", "fetch", "--plain-http", `${registry.host}/${repo}@${sbom.digest}`], { env: toolEnv() });
      const manifest = JSON.parse(manifestText) as { subject: { digest: string }; layers: { mediaType: string; digest: string }[] };
      expect(manifest.subject.digest).toBe(signed.digest);
      expect(manifest.layers).toHaveLength(1);
      const { stdout } = await runOk(oras!, ["blob", "fetch", "--plain-http", "--output", "-", `${registry.host}/${repo}@${manifest.layers[0]!.digest}`], { env: toolEnv() });
      const spdx = JSON.parse(stdout) as { spdxVersion: string; packages: { name: string; versionInfo?: string }[] };
      expect(spdx.spdxVersion).toBe("SPDX-2.3");
      expect(spdx.packages).toContainEqual(expect.objectContaining({ name: example, versionInfo: "0.1.0" }));
    });

    it("the image is the one --no-sbom --no-provenance builds, and skopeo reads that digest from the registry", async () => {
      const plain = await buildJson(copies[example], join(work, `${registry.host}-${example}-plain`), ["--no-sbom", "--no-provenance"]);
      expect(plain.digest).toBe(signed.digest);
      expect(await skopeoDigest(`docker://${ref}`)).toBe(signed.digest);
    });

    it("wasmpack inspect lists the three referrers, and a pull without --referrers brings the image alone", async () => {
      const inspected = await runWasmpack(["inspect", ref, "--json"]);
      expect(inspected.exitCode, inspected.stderr).toBe(0);
      const view = JSON.parse(inspected.stdout) as { digest: string; referrers: { artifactType: string; digest: string }[] };
      expect(view.digest).toBe(signed.digest);
      const found = await discover(ref);
      expect(view.referrers.map((r) => r.digest).sort()).toEqual(found.referrers.map((r) => r.digest).sort());

      const dir = join(work, `${registry.host}-${example}-image-only`);
      const pulled = await runWasmpack(["pull", ref, "-o", dir]);
      expect(pulled.exitCode, pulled.stderr).toBe(0);
      const index = JSON.parse(await readFile(join(dir, "index.json"), "utf8")) as { manifests: { digest: string }[] };
      expect(index.manifests.map((m) => m.digest)).toEqual([signed.digest]);
    });

    it("wasmpack pull --referrers writes a layout in which oras discover finds the three referrers", async () => {
      const dir = join(work, `${registry.host}-${example}-pulled`);
      const pulled = await runWasmpack(["pull", ref, "--referrers", "-o", dir]);
      expect(pulled.exitCode, pulled.stderr).toBe(0);
      const { stdout } = await runOk(oras!, ["discover", "--format", "json", "--oci-layout", `${dir}:1.0`], { env: toolEnv() });
      const found = JSON.parse(stdout) as Discovered;
      expect(found.digest).toBe(signed.digest);
      expect(found.referrers.map((r) => r.artifactType).sort()).toEqual([SPDX, IN_TOTO, SIGSTORE_BUNDLE].sort());
    });

    it("once the tag names an image one annotation different, pushed without --sign, cosign verify fails and wasmpack verify exits 6 on signature", async () => {
      const changed = await buildJson(copies[example], join(work, `${registry.host}-${example}-changed`), ["--annotation", "test.byte=1", "--push", ref]);
      expect(changed.digest).not.toBe(signed.digest);

      const theirs = await cosignVerify(ref);
      expect(theirs.exitCode, theirs.stdout).not.toBe(0);
      expect(theirs.stderr).toContain("no signatures found");

      const ours = await runWasmpack(["verify", ref, "--key", pubFile()]);
      expectOneLineError(ours, 6, /: signature: no signature attached/);
      expect(ours.stdout.split("\n").filter((line) => line.startsWith("FAIL")).map(checkName)).toEqual(["signature"]);
      // The signed image is still in the registry, by digest, and still verifies.
      const pinned = await runWasmpack(["verify", `${registry.host}/${repo}@${signed.digest}`, "--key", pubFile()]);
      expect(pinned.exitCode, pinned.stderr).toBe(0);
    });
  });
}

/**
 * Keys and subjects wasmpack must refuse, on one registry: each one line, its exit code, and the
 * registry as it was (same repositories, tags and referrers).
 */
function badSigningInput(registry: Registry): void {
  describe("bad signing input: one line, the documented exit code, nothing pushed", () => {
    const repo = "demo/wasmedge-http";
    let layout: Unpushed;
    let existing: string;

    beforeAll(async () => {
      layout = await unpushedBuild(`bad-signing-${registry.fallbackTag ? "tag" : "api"}`);
      existing = await skopeoDigest(`docker://${registry.host}/${repo}:1.0`);
    }, 300_000);

    /** Runs wasmpack and expects its one-line error, with the registry left as it was. */
    async function refused(args: string[], env: Record<string, string | undefined>, exitCode: number, message: RegExp): Promise<void> {
      const repos = [repo, "demo/other", "demo/nothing-here"];
      const subjects = [existing, layout.digest];
      const before = await registryState(registry.host, repos, subjects);
      expectOneLineError(await runWasmpack(args, { env }), exitCode, message);
      expect(await registryState(registry.host, repos, subjects)).toEqual(before);
      expect(await headManifest(registry.host, repo, layout.digest)).toBe(404);
    }

    const pushSigned = (key: string) => ["push", `${registry.host}/${repo}:bad`, "--from", layout.layout, "--sign", "--key", key];
    const sign = (ref: string, key: string) => ["sign", ref, "--key", key];

    it("a cosign.key with the wrong COSIGN_PASSWORD: push --sign and sign refuse it (exit 2, as a bad flag value)", async () => {
      const wrong = { COSIGN_PASSWORD: "not-the-password" };
      await refused(pushSigned(keyFile()), wrong, 2, literally(`wasmpack: wrong password for signing key ${keyFile()}`, { whole: true }));
      await refused(sign(`${registry.host}/${repo}:1.0`, keyFile()), wrong, 2, literally(`wasmpack: wrong password for signing key ${keyFile()}`, { whole: true }));
    });

    it("a key file that is not a key (Cargo.toml): exit 1", async () => {
      const notAKey = join(copies["wasmedge-http"], "Cargo.toml");
      const env = { COSIGN_PASSWORD: PASSWORD };
      await refused(pushSigned(notAKey), env, 1, /Cargo\.toml is not a private key \(expected cosign\.key or a PEM PRIVATE KEY\)$/);
      await refused(sign(`${registry.host}/${repo}:1.0`, notAKey), env, 1, /Cargo\.toml is not a private key/);
    });

    it("wasmpack sign of an image the registry does not hold: SUBJECT_NOT_FOUND, exit 1", async () => {
      const env = { COSIGN_PASSWORD: PASSWORD };
      await refused(sign(`${registry.host}/demo/nothing-here:1.0`, keyFile()), env, 1, /demo\/nothing-here:1\.0: no such image in .*demo\/nothing-here; push it first/);
      await refused(sign(`${registry.host}/${repo}@${layout.digest}`, keyFile()), env, 1, /no such image in/);
    });

    it("wasmpack sign of a digest that is in another repository of the registry: SUBJECT_NOT_FOUND, exit 1", async () => {
      expect(await headManifest(registry.host, repo, existing)).toBe(200);
      await refused(sign(`${registry.host}/demo/other@${existing}`, keyFile()), { COSIGN_PASSWORD: PASSWORD }, 1, /demo\/other@sha256:[0-9a-f]{64}: no such image in .*demo\/other; push it first/);
    });
  });
}

// --- helpers ---

/** Starts a registry for the describe it is called in (stopped after it); its fields fill in beforeAll. */
function startedRegistry(start: () => Promise<{ host: string; stop(): Promise<void> }>, fallbackTag: boolean): Registry {
  const registry: Registry = { host: "", fallbackTag };
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const running = await start();
    registry.host = running.host;
    stop = () => running.stop();
  });
  afterAll(async () => {
    await stop?.();
  });
  return registry;
}

interface Unpushed {
  layout: string;
  digest: string;
  attached: { artifactType: string; digest: string }[];
}

/** A build of the wasmedge-http copy (with its SBOM and provenance) whose image no registry holds yet. */
async function unpushedBuild(name: string): Promise<Unpushed> {
  const layout = join(work, name);
  const built = (await buildJson(copies["wasmedge-http"], layout, ["--annotation", `test.unpushed=${name}`])) as BuildJson & { attached: Unpushed["attached"] };
  return { layout, digest: built.digest, attached: built.attached };
}

/** The referrer manifests a layout's index.json holds for `subject` (untagged entries with artifactType). */
async function layoutReferrers(layout: string, subject: string): Promise<string[]> {
  const index = JSON.parse(await readFile(join(layout, "index.json"), "utf8")) as { manifests: { digest: string; artifactType?: string }[] };
  const referrers: string[] = [];
  for (const entry of index.manifests.filter((m) => m.artifactType !== undefined)) {
    const manifest = JSON.parse(await readFile(join(layout, "blobs", ...entry.digest.split(":")), "utf8")) as { subject?: { digest: string } };
    if (manifest.subject?.digest === subject) referrers.push(entry.digest);
  }
  expect(referrers.length).toBeGreaterThan(0);
  return referrers;
}

interface Discovered {
  digest: string;
  referrers: { digest: string; artifactType: string }[];
}

/** `oras discover` of a reference on a plain-HTTP registry. */
async function discover(ref: string): Promise<Discovered> {
  const { stdout } = await runOk(oras!, ["discover", "--format", "json", "--plain-http", ref], { env: toolEnv() });
  return JSON.parse(stdout) as Discovered;
}

function cosignVerify(ref: string): Promise<CliResult> {
  return runCommand(cosign!, ["verify", "--key", pubFile(), "--insecure-ignore-tlog=true", "--allow-http-registry", "--allow-insecure-registry", ref], { env: toolEnv(), timeoutMs: 60_000 });
}

/** A RegExp matching `text` as written (anywhere, or as the whole string). */
const literally = (text: string, options: { whole?: boolean } = {}) => {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(options.whole ? `^${escaped}$` : escaped);
};
const fallbackTagOf = (digest: string) => digest.replace(":", "-");
const checkName = (line: string) => /^\S+\s+([^:]+):/.exec(line)?.[1];

async function headManifest(host: string, repo: string, reference: string): Promise<number> {
  const response = await fetch(`http://${host}/v2/${repo}/manifests/${reference}`, { method: "HEAD", headers: { accept: `${MANIFEST}, ${INDEX}` } });
  return response.status;
}

/** What could change in a registry by a push: its repositories, their tags (with the digest each names), and the referrers of some subjects. */
async function registryState(host: string, repos: string[], subjects: string[]): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  state["catalog"] = ((await (await fetch(`http://${host}/v2/_catalog`)).json()) as { repositories: string[] }).repositories.sort();
  for (const repo of repos) {
    const response = await fetch(`http://${host}/v2/${repo}/tags/list`);
    if (response.status === 404) {
      state[repo] = 404;
      continue;
    }
    const tags = (((await response.json()) as { tags: string[] | null }).tags ?? []).sort();
    const digests: Record<string, string | null> = {};
    for (const tag of tags) {
      const head = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, { method: "HEAD", headers: { accept: `${MANIFEST}, ${INDEX}` } });
      digests[tag] = head.headers.get("docker-content-digest");
    }
    state[repo] = digests;
    for (const subject of subjects) {
      const found = await runCommand(oras!, ["discover", "--format", "json", "--plain-http", `${host}/${repo}@${subject}`], { env: toolEnv() });
      state[`${repo}@${subject}`] = found.exitCode === 0 ? (JSON.parse(found.stdout) as Discovered).referrers.map((r) => r.digest).sort() : "absent";
    }
  }
  return state;
}

/** A refusal as the README promises: the exit code, one `wasmpack:` line (the last on stderr), no stack trace. */
function expectOneLineError(result: CliResult, exitCode: number, message: RegExp): void {
  expect(result.exitCode, result.stderr).toBe(exitCode);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr.split("\n").filter((line) => line.startsWith("wasmpack:"))).toHaveLength(1);
  expect(lastLine(result.stderr)).toMatch(/^wasmpack: /);
  expect(lastLine(result.stderr)).toMatch(message);
}
