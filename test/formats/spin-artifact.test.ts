// The Spin OCI artifact (formats.md §5(a), closing part section E): the locked app is parsed back
// and every digest in it must resolve to a layer of the manifest or to content inlined beside it;
// skopeo reads the manifest. Apps with files are generated in temp directories around the module
// spin-hello builds.

import { execFileSync } from "node:child_process";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE, buildOk } from "../support/build.js";
import { skopeoInspect } from "../support/judges.js";
import { tempDir, writeTree } from "../support/temp.js";
import { manifestOf, readBlob, readJsonBlob, sha256Hex, type Manifest } from "./support.js";

interface ContentRef {
  digest: string;
  inline?: string;
}
interface LockedApp {
  spin_lock_version: number;
  metadata: Record<string, unknown>;
  triggers: { id: string; trigger_type: string; trigger_config: Record<string, unknown> }[];
  components: {
    id: string;
    metadata?: Record<string, unknown>;
    source: ContentRef & { content_type: string };
    env?: Record<string, string>;
    files?: (ContentRef & { path: string })[];
    config?: Record<string, string>;
  }[];
}

const LOCKED = "application/vnd.fermyon.spin.application.v1+config";

/** The artifact's manifest, config and locked app, with the checks every Spin artifact must pass. */
async function readArtifact(layout: string, tag: string): Promise<{ manifest: Manifest; locked: LockedApp }> {
  const { manifest } = await manifestOf(layout, tag);
  expect(manifest.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
  expect(manifest.config.mediaType).toBe("application/vnd.oci.image.config.v1+json");
  const lockedLayer = manifest.layers.at(-1)!;
  expect(lockedLayer.mediaType).toBe(LOCKED); // last
  expect(manifest.layers.filter((l) => l.mediaType === LOCKED)).toHaveLength(1);
  const config = await readJsonBlob<Record<string, unknown>>(layout, manifest.config.digest);
  expect(config).toEqual({
    architecture: "wasm",
    os: "wasip1",
    config: { Labels: { "com.fermyon.spin.lockedAppDigest": lockedLayer.digest } },
    rootfs: { type: "layers", diff_ids: [] },
  });
  const digests = manifest.layers.map((l) => l.digest);
  expect(new Set(digests).size).toBe(digests.length); // deduplicated
  expect(manifest.layers.length).toBeLessThan(500);
  const skopeo = await skopeoInspect(layout, tag, "manifest");
  expect(skopeo).toEqual(manifest);
  return { manifest, locked: await readJsonBlob<LockedApp>(layout, lockedLayer.digest) };
}

/** Every content ref resolves: a wasm layer for sources; a data layer or inline bytes (with their digest) for files. */
async function expectRefsResolve(layout: string, manifest: Manifest, locked: LockedApp): Promise<void> {
  const byDigest = new Map(manifest.layers.map((l) => [l.digest, l]));
  for (const component of locked.components) {
    expect(component.source.content_type).toBe("application/wasm");
    expect(byDigest.get(component.source.digest)?.mediaType).toBe("application/vnd.wasm.content.layer.v1+wasm");
    const wasm = await readBlob(layout, component.source.digest);
    expect([...wasm.subarray(0, 4)]).toEqual([0, 0x61, 0x73, 0x6d]);
    for (const file of component.files ?? []) {
      expect(file.path).not.toMatch(/^\/|(^|\/)\.\.(\/|$)/); // relative, normal components only
      if (file.inline !== undefined) {
        expect(sha256Hex(Buffer.from(file.inline, "base64"))).toBe(file.digest);
        expect(byDigest.has(file.digest)).toBe(false); // inlined content is not pushed
      } else {
        expect(byDigest.get(file.digest)?.mediaType).toBe("application/vnd.wasm.content.layer.v1+data");
        await readBlob(layout, file.digest);
      }
    }
  }
}

describe("spin-artifact of examples/spin-hello", () => {
  it("holds the Wagi trigger, the component by digest, and Spin's metadata", async () => {
    const dir = await tempDir();
    const built = await buildOk(EXAMPLE("spin-hello"), join(dir, "oci"), ["--format", "spin-artifact"]);
    expect(built.images[0]!.platform).toBe("wasip1/wasm");
    const { manifest, locked } = await readArtifact(built.layout, built.tag);
    await expectRefsResolve(built.layout, manifest, locked);
    expect(manifest.layers.map((l) => l.mediaType)).toEqual(["application/vnd.wasm.content.layer.v1+wasm", LOCKED]);
    expect(locked.spin_lock_version).toBe(1);
    expect(locked.metadata).toEqual({
      authors: ["wasmpack maintainers"],
      description: "A Spin HTTP app with one Wagi (CGI-style) component, packaged by wasmpack",
      name: "spin-hello",
      trigger: { type: "http" },
      triggers: {},
      version: "0.1.0",
    });
    expect(locked.triggers).toEqual([{ id: "hello-http-trigger", trigger_type: "http", trigger_config: { component: "hello", executor: { type: "wagi" }, route: "/..." } }]);
    expect(locked.components.map((c) => c.id)).toEqual(["hello"]);
    expect((await readBlob(built.layout, locked.components[0]!.source.digest)).equals(await readFile(built.wasm[0]!.path))).toBe(true);
    expect(manifest.annotations).toEqual({
      "org.opencontainers.image.authors": "wasmpack maintainers",
      "org.opencontainers.image.description": "A Spin HTTP app with one Wagi (CGI-style) component, packaged by wasmpack",
      "org.opencontainers.image.title": "spin-hello",
      "org.opencontainers.image.version": "0.1.0",
    });
  });
});

describe("spin-artifact of generated apps with files", () => {
  let wasm: Buffer;
  let root: string;
  beforeAll(async () => {
    root = await tempDir();
    const hello = await buildOk(EXAMPLE("spin-hello"), join(root, "hello"), ["--format", "spin-artifact"]);
    wasm = await readFile(hello.wasm[0]!.path);
  });

  const spinToml = (component: string) => `spin_manifest_version = 2
[application]
name = "files-app"
version = "1.0.0"
[variables]
greeting = { default = "hi" }
[[trigger.http]]
route = "/..."
component = "web"
[[trigger.http]]
route = "/api/..."
component = "api"
[component.web]
source = "app.wasm"
${component}
[component.api]
source = "app.wasm"
environment = { MODE = "api" }
allowed_outbound_hosts = ["https://example.com"]
[component.api.variables]
message = "{{ greeting }}"
`;

  it("inlines small files, stores larger ones as data layers at their guest paths, and dedupes the shared module", async () => {
    const app = await writeTree(join(root, "small-app"), {
      "spin.toml": spinToml('files = ["static", { source = "assets", destination = "/data" }]'),
      "app.wasm": wasm,
      "static/tiny.txt": "tiny",
      "static/nested/page.html": `<p>${"x".repeat(300)}</p>`,
      "assets/blob.bin": "y".repeat(129),
      "assets/edge.txt": "z".repeat(128),
    });
    const built = await buildOk(app, join(root, "small-oci"), ["--format", "spin-artifact"], { env: { SOURCE_DATE_EPOCH: "1700000000" } });
    const { manifest, locked } = await readArtifact(built.layout, built.tag);
    await expectRefsResolve(built.layout, manifest, locked);
    expect(manifest.layers.map((l) => l.mediaType)).toEqual([
      "application/vnd.wasm.content.layer.v1+wasm", // one layer for both components
      "application/vnd.wasm.content.layer.v1+data",
      "application/vnd.wasm.content.layer.v1+data",
      LOCKED,
    ]);
    const web = locked.components.find((c) => c.id === "web")!;
    expect(web.files!.map((f) => [f.path, f.inline !== undefined])).toEqual([
      ["data/blob.bin", false],
      ["data/edge.txt", true], // 128 bytes: inlined, as Spin's limit is inclusive
      ["static/nested/page.html", false],
      ["static/tiny.txt", true],
    ]);
    expect(Buffer.from(web.files![3]!.inline!, "base64").toString()).toBe("tiny");
    const api = locked.components.find((c) => c.id === "api")!;
    expect(api).toMatchObject({ env: { MODE: "api" }, config: { message: "{{ greeting }}" }, metadata: { allowed_outbound_hosts: ["https://example.com"] } });
    expect(api.source.digest).toBe(web.source.digest);
    expect(manifest.annotations?.["org.opencontainers.image.created"]).toBe("2023-11-14T22:13:20Z");
    const again = await buildOk(app, join(root, "small-oci-2"), ["--format", "spin-artifact"], { env: { SOURCE_DATE_EPOCH: "1700000000" } });
    expect(again.digest).toBe(built.digest);
  });

  it("bundles a mount into one tar+gzip archive layer when one layer per file would pass 500", async () => {
    const files: Record<string, string | Uint8Array> = { "spin.toml": spinToml('files = ["many"]'), "app.wasm": wasm };
    for (let i = 0; i < 520; i++) files[`many/dir${i % 7}/file-${i}.txt`] = `file ${i} `.repeat(20);
    const app = await writeTree(join(root, "many-app"), files);
    const built = await buildOk(app, join(root, "many-oci"), ["--format", "spin-artifact"]);
    const { manifest, locked } = await readArtifact(built.layout, built.tag);
    expect(manifest.layers.map((l) => l.mediaType)).toEqual([
      "application/vnd.wasm.content.layer.v1+wasm",
      "application/vnd.wasm.content.bundle.v1.tar+gzip",
      LOCKED,
    ]);
    const web = locked.components.find((c) => c.id === "web")!;
    expect(web.files).toHaveLength(520);
    // Spin's puller unpacks the bundle and finds every file by its digest: so must we.
    const unpacked = join(root, "unpacked");
    const archive = join(root, "bundle.tar.gz");
    await writeTree(root, { "bundle.tar.gz": await readBlob(built.layout, manifest.layers[1]!.digest) });
    execFileSync("mkdir", ["-p", unpacked]);
    execFileSync("tar", ["-xzf", archive, "-C", unpacked]);
    const inArchive = new Set<string>();
    for (const entry of await readdir(unpacked, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) inArchive.add(sha256Hex(await readFile(join(entry.parentPath, entry.name))));
    }
    for (const file of web.files!) expect(inArchive.has(file.digest), file.path).toBe(true);
    expect(inArchive.size).toBe(520);
    const again = await buildOk(app, join(root, "many-oci-2"), ["--format", "spin-artifact"]);
    expect(again.digest).toBe(built.digest);
  });
});
