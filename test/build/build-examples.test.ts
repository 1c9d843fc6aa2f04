import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE, buildOk, type BuildJson } from "../support/build.js";
import { REPO_ROOT, runCommand } from "../support/cli.js";
import { BUILD_REFERRERS, layoutEntries, skopeoInspect, umociUnpack } from "../support/judges.js";
import { tempDir } from "../support/temp.js";

async function listTree(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return Promise.all(
    entries.map(async (e) => {
      const full = join(e.parentPath, e.name);
      const mode = ((await stat(full)).mode & 0o777).toString(8);
      return `${full.slice(root.length + 1)}${e.isDirectory() ? "/" : ""} ${mode}`;
    }),
  ).then((lines) => lines.sort());
}

describe("wasmpack build examples/wasmedge-http", () => {
  let dir: string;
  let first: BuildJson;
  beforeAll(async () => {
    dir = await tempDir();
    first = await buildOk(EXAMPLE("wasmedge-http"), join(dir, "a"));
  });

  it("writes a compat-smart wasi/wasm image that skopeo reads", async () => {
    expect(first.runtime).toBe("wasmedge");
    expect(first.tag).toBe("0.1.0");
    const info = await skopeoInspect(first.layout, "0.1.0");
    expect(info["Digest"]).toBe(first.digest);
    expect(info["Os"]).toBe("wasi");
    expect(info["Architecture"]).toBe("wasm");
    const manifest = await skopeoInspect(first.layout, "0.1.0", "manifest");
    expect(manifest["mediaType"]).toBe("application/vnd.oci.image.manifest.v1+json");
    const annotations = manifest["annotations"] as Record<string, string>;
    expect(annotations["module.wasm.image/variant"]).toBe("compat-smart");
    expect(annotations["org.opencontainers.image.title"]).toBe("wasmedge-http");
    expect(annotations["org.opencontainers.image.version"]).toBe("0.1.0");
    const layers = manifest["layers"] as { mediaType: string }[];
    expect(layers.map((l) => l.mediaType)).toEqual(["application/vnd.oci.image.layer.v1.tar+gzip"]);
    const config = await skopeoInspect(first.layout, "0.1.0", "config");
    expect((config["config"] as Record<string, unknown>)["Entrypoint"]).toEqual(["/wasmedge-http.wasm"]);
  });

  it("holds exactly the module at /wasmedge-http.wasm, mode 0755, when umoci unpacks it", async () => {
    const rootfs = join(dir, "rootfs");
    await umociUnpack(first.layout, "0.1.0", rootfs);
    expect(await listTree(rootfs)).toEqual(["wasmedge-http.wasm 755"]);
    const wasm = await readFile(join(rootfs, "wasmedge-http.wasm"));
    expect(wasm.equals(await readFile(first.wasm[0]!.path))).toBe(true);
  });

  it("gives the same digest when built again, and follows --variant and SOURCE_DATE_EPOCH", async () => {
    const again = await buildOk(EXAMPLE("wasmedge-http"), join(dir, "b"));
    expect(again.digest).toBe(first.digest);
    const compat = await buildOk(EXAMPLE("wasmedge-http"), join(dir, "c"), ["--variant", "compat"]);
    const manifest = await skopeoInspect(compat.layout, "0.1.0", "manifest");
    expect((manifest["annotations"] as Record<string, string>)["module.wasm.image/variant"]).toBe("compat");
    const dated = await buildOk(EXAMPLE("wasmedge-http"), join(dir, "d"), [], { env: { SOURCE_DATE_EPOCH: "1700000000" } });
    expect(dated.digest).not.toBe(first.digest);
    expect((await skopeoInspect(dated.layout, "0.1.0"))["Created"]).toBe("2023-11-14T22:13:20Z");
  });

  it("writes --oci-archive, --platform, --tag, --annotation and --label where asked", async () => {
    const archive = join(dir, "image.tar");
    const result = await buildOk(EXAMPLE("wasmedge-http"), join(dir, "e"), [
      "--oci-archive", archive, "--platform", "wasip1/wasm", "--tag", "dev",
      "--annotation", "org.example/team=wasm", "--label", "tier=edge",
    ]);
    expect(result.tag).toBe("dev");
    const archived = await runCommand("skopeo", ["inspect", `oci-archive:${archive}:dev`]);
    expect(archived.exitCode, archived.stderr).toBe(0);
    const info = JSON.parse(archived.stdout) as Record<string, unknown>;
    expect(info["Digest"]).toBe(result.digest);
    expect(info["Os"]).toBe("wasip1");
    expect(info["Labels"]).toEqual({ tier: "edge" });
    const manifest = await skopeoInspect(result.layout, "dev", "manifest");
    expect((manifest["annotations"] as Record<string, string>)["org.example/team"]).toBe("wasm");
  });
});

describe("wasmpack build examples/spin-hello", () => {
  let dir: string;
  let first: BuildJson;
  beforeAll(async () => {
    dir = await tempDir();
    first = await buildOk(EXAMPLE("spin-hello"), join(dir, "a"));
  });

  it("writes the spin.toml layout: /spin.toml and the module at its source path, entrypoint /", async () => {
    expect(first.runtime).toBe("spin");
    const rootfs = join(dir, "rootfs");
    await umociUnpack(first.layout, first.tag, rootfs);
    const spinToml = await readFile(join(REPO_ROOT, "examples/spin-hello/spin.toml"), "utf8");
    const source = /source\s*=\s*"([^"]+)"/.exec(spinToml)?.[1];
    expect(source).toBeDefined();
    const tree = await listTree(rootfs);
    expect(tree).toContain("spin.toml 644");
    expect(tree).toContain(`${source} 755`);
    expect(tree.filter((l) => !l.includes("/ ") && !l.endsWith("/ 755"))).toEqual([`${source} 755`, "spin.toml 644"].sort());
    expect(await readFile(join(rootfs, "spin.toml"), "utf8")).toBe(spinToml);
    const config = await skopeoInspect(first.layout, first.tag, "config");
    expect((config["config"] as Record<string, unknown>)["Entrypoint"]).toEqual(["/"]);
    expect([config["os"], config["architecture"]]).toEqual(["wasi", "wasm"]);
  });

  it("is reproducible", async () => {
    const again = await buildOk(EXAMPLE("spin-hello"), join(dir, "b"));
    expect(again.digest).toBe(first.digest);
    // One image in the layout, plus its SBOM and provenance referrers; those are reproducible too.
    const built = await layoutEntries(again.layout);
    expect(built.images.map((m) => m.digest)).toEqual([first.digest]);
    expect(built.referrers.map((r) => [r.artifactType, r.subject]).sort()).toEqual(BUILD_REFERRERS.map((type) => [type, first.digest]));
    expect(built.referrers).toEqual((await layoutEntries(first.layout)).referrers);
  });
});
