import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../../cli/src/exit-codes.js";
import { freePort, startFaultProxy, startRegistryFixture, writeTestImage, type FaultProxy, type RegistryFixture } from "../../../test/support/registry/index.js";
import type { WasmpackError } from "../src/errors.js";
import { OciLayout, RegistryClient, copyRemote, parseReference, pullToLayout, pushFromLayout } from "../src/index.js";

// Issue 11, item 7: a failing registry is not a wrong name; one retry budget per blob download;
// a registry-to-registry copy checks the digest the target stored.
let fixture: RegistryFixture;
let proxy: FaultProxy | undefined;
const servers: Server[] = [];
/** Four attempts in all, with backoff too short to wait for. */
const fast = { retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 } };

beforeAll(async () => {
  fixture = await startRegistryFixture("wasmpack-hardening-");
});
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});
afterAll(() => fixture?.stop());

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const failure = (promise: Promise<unknown>): Promise<WasmpackError> =>
  promise.then(
    () => expect.unreachable("it succeeded") as never,
    (error: unknown) => error as WasmpackError,
  );

describe("a registry that answers 5xx to everything", () => {
  it("is reported as reachable but failing, a registry error (exit 5), not a wrong name", async () => {
    let requests = 0;
    // A hand-made server only to inject the fault: 503 to every request.
    const host = await listen(
      createServer((req, res) => {
        requests++;
        req.resume();
        res.writeHead(503, { "content-type": "text/plain" }).end("down for maintenance");
      }),
    );
    const layout = await OciLayout.create(join(fixture.work, "503"));
    await writeTestImage(layout, { tag: "t" });
    const error = await failure(pushFromLayout(layout, parseReference(`${host}/app/down:t`), fast));
    expect(error).toMatchObject({ kind: "registry", code: "REGISTRY_UNAVAILABLE" });
    expect(EXIT_CODES[error.kind]).toBe(5);
    expect(error.message).toBe(
      `push to ${host}/app/down: the registry answered HTTP 503 Service Unavailable to every attempt (4 tries, GET http://${host}/v2/): it is reachable but failing; try again later`,
    );
    expect(error.message).not.toContain("check the registry name");
    expect(requests).toBe(4);
  });

  it("keeps 'check the registry name' for a registry it cannot connect to, a network error (exit 4)", async () => {
    const port = await freePort();
    const layout = await OciLayout.create(join(fixture.work, "refused"));
    await writeTestImage(layout, { tag: "t" });
    const error = await failure(pushFromLayout(layout, parseReference(`127.0.0.1:${port}/app/none:t`), fast));
    expect(error).toMatchObject({ kind: "network", code: "CONNECTION_REFUSED" });
    expect(EXIT_CODES[error.kind]).toBe(4);
    expect(error.message).toContain("check the registry name");
  });
});

describe("blob downloads", () => {
  /** Pushes an image to the real registry and puts a proxy in front that answers 503 to every GET of its big layer. */
  async function failingLayer(name: string) {
    const layout = await OciLayout.create(join(fixture.work, `${name}-src`));
    const image = await writeTestImage(layout, { tag: "b", bigLayerBytes: 64 * 1024 });
    await pushFromLayout(layout, parseReference(`${fixture.registry.host}/hardening/${name}:b`), fast);
    const layer = image.layers[1]!;
    const isLayerGet = (method: string, path: string) => method === "GET" && path.endsWith(`/blobs/${layer.digest}`);
    proxy = await startFaultProxy(fixture.registry.port, (req) => (isLayerGet(req.method ?? "", req.url ?? "") ? { kind: "status", status: 503 } : undefined));
    const gets = () => proxy!.seen.filter((r) => isLayerGet(r.method, r.path)).length;
    return { gets };
  }

  it("a pull tries a failing blob GET the configured number of times, not that number squared", async () => {
    const { gets } = await failingLayer("pull503");
    const pulled = await OciLayout.create(join(fixture.work, "pull503-out"));
    const error = await failure(pullToLayout(parseReference(`${proxy!.host}/hardening/pull503:b`), pulled, fast));
    expect(error).toMatchObject({ kind: "registry", status: 503 });
    // Each GET is sent once, so the count comes from the step that retried them.
    expect(error.message).toBe(`pull from ${proxy!.host}/hardening/pull503 failed on the registry's side (HTTP 503 HTTP_503) after 4 attempts: the registry has a problem; retry later`);
    expect(gets()).toBe(4);
  });

  it("a registry-to-registry copy does too (the upload step re-reads its source)", async () => {
    const { gets } = await failingLayer("copy503");
    const error = await failure(copyRemote(parseReference(`${proxy!.host}/hardening/copy503:b`), parseReference(`${fixture.registry.host}/hardening/copy503-dst:b`), fast));
    expect(error).toMatchObject({ kind: "registry", status: 503 });
    expect(gets()).toBe(4);
  });
});

describe("copyRemote checks the digest the target stored", () => {
  it("passes when the target's Docker-Content-Digest equals the source manifest's digest", async () => {
    const layout = await OciLayout.create(join(fixture.work, "digest-src"));
    const image = await writeTestImage(layout, { tag: "d" });
    await pushFromLayout(layout, parseReference(`${fixture.registry.host}/hardening/digest-src:d`), fast);
    const target = await rewritingProxy(fixture.registry.port, undefined);
    const result = await copyRemote(parseReference(`${fixture.registry.host}/hardening/digest-src:d`), parseReference(`${target.host}/hardening/digest-dst:d`), fast);
    expect(result.digest).toBe(image.manifest.digest);
    // What the target said it stored, on the PUT the check read, and what it serves now.
    expect(target.putDigests).toEqual([image.manifest.digest]);
    const client = new RegistryClient(fast);
    try {
      const head = await client.repository(parseReference(`${fixture.registry.host}/hardening/digest-dst:d`)).headManifest("d");
      expect(head?.digest).toBe(image.manifest.digest);
    } finally {
      await client.close();
    }
  });

  it("fails with one integrity line (exit 6) when the target reports another digest for the manifest PUT", async () => {
    const layout = await OciLayout.create(join(fixture.work, "lie-src"));
    const image = await writeTestImage(layout, { tag: "l" });
    await pushFromLayout(layout, parseReference(`${fixture.registry.host}/hardening/lie-src:l`), fast);
    const other = `sha256:${"0".repeat(64)}`;
    const target = await rewritingProxy(fixture.registry.port, other);
    const error = await failure(copyRemote(parseReference(`${fixture.registry.host}/hardening/lie-src:l`), parseReference(`${target.host}/hardening/lie-dst:l`), fast));
    expect(error).toMatchObject({ kind: "integrity", code: "DIGEST_MISMATCH" });
    expect(EXIT_CODES[error.kind]).toBe(6);
    expect(error.message).toBe(`${target.host} stored manifest ${image.manifest.digest} as ${other}`);
    expect(error.message).not.toContain("\n");
    expect(target.putDigests).toEqual([image.manifest.digest]);
  });
});

/**
 * A hand-made proxy in front of the real registry, only to inject one fault: the
 * Docker-Content-Digest of a manifest PUT's answer becomes `digest` (unchanged when undefined).
 * Records the digest the registry itself answered each manifest PUT with.
 */
async function rewritingProxy(upstreamPort: number, digest: string | undefined): Promise<{ host: string; putDigests: string[] }> {
  const putDigests: string[] = [];
  const server = createServer((req, res) => {
    const upstream = httpRequest({ host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      const headers = { ...answer.headers };
      if (req.method === "PUT" && (req.url ?? "").includes("/manifests/")) {
        putDigests.push(String(headers["docker-content-digest"]));
        if (digest) headers["docker-content-digest"] = digest;
      }
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  return { host: await listen(server), putDigests };
}
