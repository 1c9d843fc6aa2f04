// The CNCF TAG-runtime Wasm OCI artifact (formats.md §4, closing part section F), checked field
// by field against the documented format: wkg (`cargo install wkg`) takes too long to build in
// CI to serve as a judge, so the shape it writes (rust-oci-wasm `WasmConfig`) is spelled out here.
// The component made from spin-hello is taken back out of the layout and run under Wasmtime.

import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE, build, buildOk, type BuildJson } from "../support/build.js";
import { lastLine } from "../support/cli.js";
import { skopeoInspect } from "../support/judges.js";
import { tempDir, writeTree } from "../support/temp.js";
import { PYTHON, assertRunnerAvailable } from "../support/wasm-runner/run-wasmedge.js";
import { manifestOf, readBlob, readJsonBlob, sha256Hex, type Manifest } from "./support.js";

const RUN_COMPONENT = fileURLToPath(new URL("./run_component.py", import.meta.url));

interface WasmConfig {
  created: string;
  author: string | null;
  architecture: string;
  os: string;
  layerDigests: string[];
  component: { exports: string[]; imports: string[]; target: string | null } | null;
}

/** What §4 and section F require of every wasm-artifact manifest and config. */
async function expectWasmArtifact(layout: string, tag: string, wasmFile: string, title: string): Promise<{ manifest: Manifest; config: WasmConfig; layer: Buffer }> {
  const { manifest } = await manifestOf(layout, tag);
  expect(Object.keys(manifest)).toEqual(["schemaVersion", "mediaType", "config", "layers", "annotations"]);
  expect(manifest.schemaVersion).toBe(2);
  expect(manifest.mediaType).toBe("application/vnd.oci.image.manifest.v1+json"); // set explicitly
  expect(manifest.artifactType).toBeUndefined();
  expect(manifest.config.mediaType).toBe("application/vnd.wasm.config.v0+json");
  expect(manifest.layers).toHaveLength(1); // exactly one layer
  const [layerDescriptor] = manifest.layers;
  expect(layerDescriptor!.mediaType).toBe("application/wasm");
  expect(layerDescriptor!.annotations).toEqual({ "org.opencontainers.image.title": title });
  const layer = await readBlob(layout, layerDescriptor!.digest);
  expect(layer.equals(await readFile(wasmFile))).toBe(true); // raw wasm bytes

  const config = await readJsonBlob<WasmConfig>(layout, manifest.config.digest);
  // rust-oci-wasm's field order and camelCase spelling.
  expect(Object.keys(config)).toEqual(["created", "author", "architecture", "os", "layerDigests", "component"]);
  expect(config.created).toBe("1970-01-01T00:00:00Z"); // SOURCE_DATE_EPOCH default 0: reproducible
  expect(config.author).toBe("wasmpack maintainers");
  expect(config.architecture).toBe("wasm");
  expect(config.layerDigests).toEqual([layerDescriptor!.digest]);
  expect(layerDescriptor!.digest).toBe(sha256Hex(layer));
  // No wall clock unless asked for.
  expect(manifest.annotations?.["org.opencontainers.image.created"]).toBeUndefined();
  const skopeo = await skopeoInspect(layout, tag, "manifest");
  expect(skopeo).toEqual(manifest);
  return { manifest, config, layer };
}

describe("wasm-artifact of a core module", () => {
  it("is os wasip1 with component null, for both examples", async () => {
    const dir = await tempDir();
    for (const [example, title] of [["wasmedge-http", "wasmedge-http.wasm"], ["spin-hello", "hello.wasm"]] as const) {
      const built = await buildOk(EXAMPLE(example), join(dir, example), ["--format", "wasm-artifact"]);
      const { config, manifest } = await expectWasmArtifact(built.layout, built.tag, built.wasm[0]!.path, title);
      expect(config.os).toBe("wasip1");
      expect(config.component).toBeNull();
      expect(built.images[0]!.platform).toBe("wasip1/wasm");
      expect(manifest.annotations).toMatchObject({ "org.opencontainers.image.version": "0.1.0" });
    }
  });

  it("writes created from SOURCE_DATE_EPOCH into the config and the manifest annotation", async () => {
    const dir = await tempDir();
    const built = await buildOk(EXAMPLE("wasmedge-http"), join(dir, "dated"), ["--format", "wasm-artifact"], { env: { SOURCE_DATE_EPOCH: "1700000000" } });
    const { manifest } = await manifestOf(built.layout, built.tag);
    expect((await readJsonBlob<WasmConfig>(built.layout, manifest.config.digest)).created).toBe("2023-11-14T22:13:20Z");
    expect(manifest.annotations?.["org.opencontainers.image.created"]).toBe("2023-11-14T22:13:20Z");
  });
});

describe("wasm-artifact of spin-hello made a component with --component command", () => {
  let built: BuildJson;
  let config: WasmConfig;
  let layer: Buffer;
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir();
    built = await buildOk(EXAMPLE("spin-hello"), join(dir, "oci"), ["--format", "wasm-artifact", "--component", "command"]);
    const component = built.wasm[0]!.component;
    expect(component).toBeDefined();
    ({ config, layer } = await expectWasmArtifact(built.layout, built.tag, component!.path, "hello.wasm"));
  });

  it("is os wasip2 with the component's WIT world: it exports wasi:cli/run and imports only WASI 0.2", () => {
    expect(config.os).toBe("wasip2");
    expect(built.images[0]!.platform).toBe("wasip2/wasm");
    expect(config.component).not.toBeNull();
    expect(config.component!.target).toBeNull();
    expect(config.component!.exports).toEqual([expect.stringMatching(/^wasi:cli\/run@0\.2\.\d+$/)]);
    expect(config.component!.imports.length).toBeGreaterThan(0);
    for (const name of config.component!.imports) expect(name).toMatch(/^wasi:(cli|io|clocks|filesystem|random|sockets)\/[a-z-]+@0\.2\.\d+$/);
    expect(config.component!.imports).toContain(config.component!.exports[0]!.replace("run", "environment"));
    // The component preamble: \0asm, version 0x0d, layer 1.
    expect([...layer.subarray(0, 8)]).toEqual([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]);
  });

  it("runs under Wasmtime, taken from the layout's layer blob, and answers a Wagi request", async () => {
    assertRunnerAvailable();
    const stdin = join(dir, "stdin");
    const stdout = join(dir, "stdout");
    await writeFile(stdin, "hello, component");
    const wasm = join(dir, "blobs-only.wasm");
    await writeFile(wasm, layer);
    const env = ["REQUEST_METHOD=POST", "PATH_INFO=/greet", "QUERY_STRING=x=1", "X_FULL_URL=http://localhost:3000/greet?x=1", "CONTENT_LENGTH=16"];
    const run = spawnSync(PYTHON, [RUN_COMPONENT, wasm, config.component!.exports[0]!, stdin, stdout, ...env], { encoding: "utf8", timeout: 60_000 });
    expect(run.stdout.trim(), run.stderr).toBe("ok");
    expect(run.status).toBe(0);
    const output = await readFile(stdout, "utf8");
    expect(output).toBe(
      "Content-Type: text/plain; charset=utf-8\nStatus: 200\n\n" +
        "Hello from Spin (Wagi) on wasmpack! You asked for /greet\nMethod: POST\nQuery: x=1\nURL: http://localhost:3000/greet?x=1\nYou sent 16 bytes: hello, component\n",
    );
  });
});

describe("a project whose wasm already is a component", () => {
  it("is packaged as a component (os wasip2) without --component, and --optimize refuses it", async () => {
    const dir = await tempDir();
    const made = await buildOk(EXAMPLE("spin-hello"), join(dir, "made"), ["--format", "wasm-artifact", "--component", "command"]);
    const app = await writeTree(join(dir, "app"), {
      "spin.toml": 'spin_manifest_version = 2\n[application]\nname = "prebuilt"\nversion = "2.0.0"\n[[trigger.http]]\nroute = "/..."\ncomponent = "hello"\n[component.hello]\nsource = "hello.wasm"\n',
      "hello.wasm": await readFile(made.wasm[0]!.component!.path),
    });
    const built = await buildOk(app, join(dir, "oci"), ["--format", "wasm-artifact,spin-artifact"]);
    expect(built.wasm[0]!.kind).toBe("component");
    expect(built.images.map((i) => i.platform)).toEqual(["wasip2/wasm", "wasip1/wasm"]);
    const { manifest } = await manifestOf(built.layout, built.tag);
    const config = await readJsonBlob<WasmConfig>(built.layout, manifest.config.digest);
    expect(config.os).toBe("wasip2");
    expect(config.component?.exports).toEqual([expect.stringMatching(/^wasi:cli\/run@/)]);
    const refused = await build(app, join(dir, "refused"), ["--format", "wasm-artifact", "--optimize"]);
    expect(refused.exitCode).toBe(2);
    expect(lastLine(refused.stderr)).toMatch(/^wasmpack: --optimize runs Binaryen, which optimizes core modules only, and hello \(.*hello\.wasm\) is a component$/);
  });
});
