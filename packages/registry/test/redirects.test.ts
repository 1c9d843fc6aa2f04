import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, startRegistry, writeTestImage, type FaultProxy, type RunningRegistry } from "../../../test/support/registry/index.js";
import { OciLayout, parseReference, pullToLayout, pushFromLayout, staticCredentials } from "../src/index.js";

// Registries redirect blob downloads to storage; the storage must never see the registry's credentials.
// Here a Basic-auth registry's blob GETs are redirected (by a proxy) to a second, open registry
// that holds the same blobs, standing in for blob storage on another origin.
let guarded: RunningRegistry;
let storage: RunningRegistry;
let front: FaultProxy;
let storageProxy: FaultProxy;
let work: string;
const fast = { retry: { baseDelayMs: 5 } };
const creds = () => staticCredentials({ [front.host]: { username: "carol", password: "carol-pass-1" }, [guarded.host]: { username: "carol", password: "carol-pass-1" } });

beforeAll(async () => {
  [guarded, storage] = await Promise.all([startRegistry({ kind: "htpasswd", users: { carol: "carol-pass-1" } }), startRegistry()]);
  storageProxy = await startFaultProxy(storage.port, () => undefined);
  front = await startFaultProxy(guarded.port, (req) =>
    req.method === "GET" && /\/blobs\/sha256:/.test(req.url ?? "") ? { kind: "redirect", location: `http://${storageProxy.host}${req.url}` } : undefined,
  );
  work = await mkdtemp(join(tmpdir(), "wasmpack-redirect-"));
});
afterAll(async () => {
  await front?.stop();
  await storageProxy?.stop();
  await Promise.all([guarded?.stop(), storage?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

describe("redirects", () => {
  it("follows a blob redirect to another origin without the Authorization header", async () => {
    const layout = await OciLayout.create(join(work, "src"));
    const image = await writeTestImage(layout, { tag: "r" });
    await pushFromLayout(layout, parseReference(`${guarded.host}/app/redirected:r`), { ...fast, credentials: creds() });
    await pushFromLayout(layout, parseReference(`${storage.host}/app/redirected:r`), fast);

    const pulled = await OciLayout.create(join(work, "pulled"));
    const result = await pullToLayout(parseReference(`${front.host}/app/redirected:r`), pulled, { ...fast, credentials: creds() });
    expect(result).toMatchObject({ digest: image.manifest.digest, pulled: image.blobs.length });

    const redirected = front.seen.filter((r) => r.fault === "redirect");
    expect(redirected).toHaveLength(image.blobs.length);
    expect(redirected.every((r) => r.authorization)).toBe(true);
    const atStorage = storageProxy.seen.filter((r) => r.path.includes("/blobs/"));
    expect(atStorage).toHaveLength(image.blobs.length);
    expect(storageProxy.seen.some((r) => r.authorization)).toBe(false);
  });
});
