import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { layoutDigest, skopeoCopy, startTokenRegistry, writeTestImage, type TokenRegistry } from "../../../test/support/registry/index.js";
import { OciLayout, RegistryClient, parseReference, pullToLayout, pushFromLayout, staticCredentials, type Credential } from "../src/index.js";

// distribution with token auth, trusting an openssl certificate; the issuer signs ES256 JWTs with x5c.
let fixture: TokenRegistry;
let work: string;
const fast = { retry: { baseDelayMs: 5 } };
const PASSWORD = "pw-for-bob-123";
const REFRESH = "identity-token-for-bob-456";

beforeAll(async () => {
  fixture = await startTokenRegistry({
    users: { bob: { password: PASSWORD }, reader: { password: "reader-pass-789", actions: ["pull"] } },
    refreshTokens: { [REFRESH]: "bob" },
  });
  work = await mkdtemp(join(tmpdir(), "wasmpack-token-"));
});
afterAll(async () => {
  await fixture?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});
beforeEach(() => {
  fixture.issuer.requests.length = 0;
  fixture.issuer.controls.expireNext = 0;
});

const host = () => fixture.registry.host;
const as = (credential: Credential) => staticCredentials({ [host()]: credential });

describe("push and pull against a registry with token auth", () => {
  it("pushes with a token from Basic credentials, fetching it once per scope set; skopeo agrees", async () => {
    const layout = await OciLayout.create(join(work, "src"));
    const image = await writeTestImage(layout, { tag: "v1" });
    const result = await pushFromLayout(layout, parseReference(`${host()}/org/app:v1`), { ...fast, credentials: as({ username: "bob", password: PASSWORD }) });
    expect(result).toMatchObject({ digest: image.manifest.digest, pushed: image.blobs.length });
    // One token for repository:org/app:pull,push, cached for every request that followed.
    expect(fixture.issuer.requests).toEqual([{ method: "GET", grantType: "password", user: "bob", scopes: ["repository:org/app:pull,push"] }]);

    const out = join(work, "skopeo-out");
    await skopeoCopy(`docker://${host()}/org/app:v1`, `oci:${out}:v1`, { srcCreds: `bob:${PASSWORD}` });
    expect(await layoutDigest(out, "v1")).toBe(image.manifest.digest);
  });

  it("pulls what skopeo pushed (skopeo doing its own token dance)", async () => {
    const source = await OciLayout.create(join(work, "skopeo-src"));
    const image = await writeTestImage(source, { tag: "s", seed: "token-skopeo" });
    await skopeoCopy(`oci:${source.dir}:s`, `docker://${host()}/org/skopeo:s`, { destCreds: `bob:${PASSWORD}` });
    fixture.issuer.requests.length = 0;
    const pulled = await OciLayout.create(join(work, "pulled"));
    const result = await pullToLayout(parseReference(`${host()}/org/skopeo:s`), pulled, { ...fast, credentials: as({ username: "bob", password: PASSWORD }) });
    expect(result).toMatchObject({ digest: image.manifest.digest, pulled: image.blobs.length });
    expect(fixture.issuer.requests).toEqual([{ method: "GET", grantType: "password", user: "bob", scopes: ["repository:org/skopeo:pull"] }]);
  });

  it("exchanges an identity token with POST grant_type=refresh_token", async () => {
    const layout = await OciLayout.create(join(work, "identity"));
    const image = await writeTestImage(layout, { tag: "id" });
    const result = await pushFromLayout(layout, parseReference(`${host()}/org/identity:id`), { ...fast, credentials: as({ identityToken: REFRESH }) });
    expect(result.digest).toBe(image.manifest.digest);
    expect(fixture.issuer.requests).toEqual([{ method: "POST", grantType: "refresh_token", user: "bob", scopes: ["repository:org/identity:pull,push"] }]);
  });

  it("sends a registry token as Bearer without asking the issuer", async () => {
    const layout = await OciLayout.create(join(work, "registry-token"));
    const image = await writeTestImage(layout, { tag: "rt" });
    const token = fixture.issuer.mint("bob", ["repository:org/direct:pull,push"]);
    const result = await pushFromLayout(layout, parseReference(`${host()}/org/direct:rt`), { ...fast, credentials: as({ registryToken: token }) });
    expect(result.digest).toBe(image.manifest.digest);
    expect(fixture.issuer.requests).toEqual([]);
  });

  it("drops a token the registry refuses and fetches a new one, once", async () => {
    const layout = await OciLayout.create(join(work, "expired"));
    const image = await writeTestImage(layout, { tag: "e" });
    fixture.issuer.controls.expireNext = 1;
    const result = await pushFromLayout(layout, parseReference(`${host()}/org/expired:e`), { ...fast, credentials: as({ username: "bob", password: PASSWORD }) });
    expect(result.digest).toBe(image.manifest.digest);
    expect(fixture.issuer.requests).toHaveLength(2);
    expect(new Set(fixture.issuer.requests.map((r) => r.scopes.join()))).toEqual(new Set(["repository:org/expired:pull,push"]));
  });

  it("mounts across repositories with a token that also holds pull on the source", async () => {
    const layout = await OciLayout.create(join(work, "mount"));
    const image = await writeTestImage(layout, { tag: "m" });
    const client = new RegistryClient({ ...fast, credentials: as({ username: "bob", password: PASSWORD }) });
    try {
      await pushFromLayout(layout, parseReference(`${host()}/org/base:m`), { client });
      const result = await pushFromLayout(layout, parseReference(`${host()}/org/derived:m`), { client, mountFrom: parseReference(`${host()}/org/base`) });
      expect(result).toMatchObject({ mounted: image.blobs.length, pushed: 0 });
      expect(fixture.issuer.requests.map((r) => r.scopes)).toContainEqual(["repository:org/derived:pull,push", "repository:org/base:pull"]);
    } finally {
      await client.close();
    }
  });

  it("reports a push with a pull-only token as denied, naming the repository", async () => {
    const layout = await OciLayout.create(join(work, "denied"));
    await writeTestImage(layout, { tag: "d" });
    const error = await pushFromLayout(layout, parseReference(`${host()}/org/app:d`), {
      ...fast,
      credentials: as({ username: "reader", password: "reader-pass-789" }),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "auth", code: "DENIED" });
    expect((error as Error).message).toMatch(new RegExp(`^push to ${host()}/org/app denied \\(HTTP 401 DENIED.*\\): check that the credentials can write to this repository$`));
    expect((error as Error).message).not.toContain("reader-pass-789");
  });

  it("reports wrong credentials at the token service as an auth error", async () => {
    const pulled = await OciLayout.create(join(work, "bad"));
    const error = await pullToLayout(parseReference(`${host()}/org/app:v1`), pulled, { ...fast, credentials: as({ username: "bob", password: "nope-nope" }) }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: "auth", code: "UNAUTHORIZED" });
    expect((error as Error).message).not.toContain("nope-nope");
  });
});
