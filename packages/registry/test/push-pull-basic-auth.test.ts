import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { layoutDigest, skopeoCopy, startRegistry, writeTestImage, type RunningRegistry } from "../../../test/support/registry/index.js";
import { OciLayout, WasmpackError, parseReference, pullToLayout, pushFromLayout, staticCredentials } from "../src/index.js";

// distribution with htpasswd (bcrypt) auth: the client answers the Basic challenge.
let registry: RunningRegistry;
let work: string;
const fast = { retry: { baseDelayMs: 5 } };
const USER = "alice";
const PASSWORD = "s3cret-Pa55word";

beforeAll(async () => {
  registry = await startRegistry({ kind: "htpasswd", users: { [USER]: PASSWORD } });
  work = await mkdtemp(join(tmpdir(), "wasmpack-basic-"));
});
afterAll(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const credentials = () => staticCredentials({ [registry.host]: { username: USER, password: PASSWORD } });

describe("push and pull against a registry with Basic auth", () => {
  it("pushes with Basic credentials; skopeo reads back the same digest", async () => {
    const layout = await OciLayout.create(join(work, "src"));
    const image = await writeTestImage(layout, { tag: "v1" });
    const result = await pushFromLayout(layout, parseReference(`${registry.host}/team/app:v1`), { ...fast, credentials: credentials() });
    expect(result).toMatchObject({ digest: image.manifest.digest, pushed: image.blobs.length });

    const out = join(work, "skopeo-out");
    await skopeoCopy(`docker://${registry.host}/team/app:v1`, `oci:${out}:v1`, { srcCreds: `${USER}:${PASSWORD}` });
    expect(await layoutDigest(out, "v1")).toBe(image.manifest.digest);
  });

  it("pulls what skopeo pushed with credentials", async () => {
    const source = await OciLayout.create(join(work, "skopeo-src"));
    const image = await writeTestImage(source, { tag: "s", seed: "basic-skopeo" });
    await skopeoCopy(`oci:${source.dir}:s`, `docker://${registry.host}/team/skopeo:s`, { destCreds: `${USER}:${PASSWORD}` });
    const pulled = await OciLayout.create(join(work, "pulled"));
    const result = await pullToLayout(parseReference(`${registry.host}/team/skopeo:s`), pulled, { ...fast, credentials: credentials() });
    expect(result).toMatchObject({ digest: image.manifest.digest, pulled: image.blobs.length });
  });

  it("fails with an auth error, and no secret in it, when the password is wrong", async () => {
    const layout = await OciLayout.create(join(work, "wrong"));
    await writeTestImage(layout, { tag: "x" });
    const error = await pushFromLayout(layout, parseReference(`${registry.host}/team/app:x`), {
      ...fast,
      credentials: staticCredentials({ [registry.host]: { username: USER, password: "wrong-password-123" } }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasmpackError);
    expect(error).toMatchObject({ kind: "auth", code: "UNAUTHORIZED" });
    const text = `${(error as Error).message} ${String((error as Error).cause ?? "")}`;
    expect((error as Error).message).toContain(`push to ${registry.host}/team/app unauthorized (HTTP 401 UNAUTHORIZED`);
    expect(text).not.toContain("wrong-password-123");
    expect(text).not.toContain(Buffer.from(`${USER}:wrong-password-123`).toString("base64"));
  });

  it("fails with an auth error when no credentials are found", async () => {
    const pulled = await OciLayout.create(join(work, "anon"));
    await expect(pullToLayout(parseReference(`${registry.host}/team/app:v1`), pulled, fast)).rejects.toMatchObject({ kind: "auth", code: "UNAUTHORIZED" });
  });
});
