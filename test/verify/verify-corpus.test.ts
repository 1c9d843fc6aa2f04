import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { imageContentsFromLayout, imageContentsFromPlan, verifyImage, type ClusterRuntime, type VerifyReport } from "@wasmpack/builder";
import { OciLayout } from "@wasmpack/registry/layout";
import { encodeIndex } from "@wasmpack/registry/oci";
import type { ImagePlan } from "../../packages/builder/src/image/image-plan.js";
import { EXAMPLE, buildJson } from "../support/build.js";
import { lastLine, runWasmpack } from "../support/cli.js";
import { tempDir } from "../support/temp.js";
import { wat } from "../../packages/builder/test/support/wat.js";
import { TAG, commandComponent, compatPlan, component, httpProxyComponent, spinPlan, spinToml, wasmFile, writeLayout, writeWasmArtifact } from "./corpus.js";


let dir: string;
let wasmedgeHttp: Uint8Array; // the example: imports WasmEdge's socket extension
let spinHello: Uint8Array; // the example: a WASI preview 1 command

async function buildExampleModule(example: string): Promise<Uint8Array> {
  const built = await buildJson(EXAMPLE(example), join(dir, `${example}-oci`), ["-q"], { env: { XDG_STATE_HOME: join(dir, "state") } });
  return readFile(built.wasm[0]!.path);
}

beforeAll(async () => {
  dir = await tempDir("wasmpack-verify-");
  [wasmedgeHttp, spinHello] = [await buildExampleModule("wasmedge-http"), await buildExampleModule("spin-hello")];
});

interface BadImage {
  what: string;
  runtime?: ClusterRuntime;
  /** A plan (also verified before writing, as build will) or a layout written another way. */
  make(name: string): Promise<{ plan?: ImagePlan; layout: string }>;
  /** The failing checks, in report order; `reason` is the first one's. */
  check: string | string[];
  reason: RegExp;
}

async function fromPlan(name: string, plan: ImagePlan) {
  return { plan, layout: await writeLayout(join(dir, name), plan) };
}

const BAD_IMAGES: BadImage[] = [
  {
    what: "wrong entrypoint",
    make: async (name) => fromPlan(name, { ...compatPlan("app", await wasmFile(dir, `${name}.wasm`, wasmedgeHttp)), entrypoint: ["/server.wasm"] }),
    check: "entrypoint",
    reason: /"\/server\.wasm" resolves to \/server\.wasm, which is not in the image; the image holds \/app\.wasm/,
  },
  {
    what: "missing spin source",
    make: async (name) => fromPlan(name, spinPlan(spinToml("hello.wasm"), [{ sourcePath: "target/hello.wasm", ...(await wasmFile(dir, `${name}.wasm`, spinHello)) }])),
    check: "source hello",
    reason: /component hello source \/hello\.wasm is not in the image/,
  },
  {
    what: "WasmEdge socket imports under --runtime wasmtime",
    runtime: "wasmtime",
    make: async (name) => fromPlan(name, compatPlan("server", await wasmFile(dir, `${name}.wasm`, wasmedgeHttp))),
    check: "imports /server.wasm",
    reason: /imports WasmEdge's socket extension \(sock_open, (sock_setsockopt, )?sock_bind, sock_listen\).*runwasi's wasmtime shim has standard WASI preview 1 only/,
  },
  {
    what: "WasmEdge socket imports in a Spin component",
    make: async (name) => fromPlan(name, spinPlan(spinToml("hello.wasm"), [{ sourcePath: "hello.wasm", ...(await wasmFile(dir, `${name}.wasm`, wasmedgeHttp)) }])),
    check: "imports /hello.wasm",
    reason: /imports WasmEdge's socket extension .*containerd-shim-spin has standard WASI preview 1 only/,
  },
  {
    what: "not-wasm bytes",
    make: async (name) => fromPlan(name, compatPlan("app", await wasmFile(dir, `${name}.wasm`, new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0])))),
    check: "wasm /app.wasm",
    reason: /is not WebAssembly: an ELF executable/,
  },
  {
    what: "truncated wasm",
    make: async (name) => fromPlan(name, compatPlan("app", await wasmFile(dir, `${name}.wasm`, wasmedgeHttp.subarray(0, 5000)))),
    check: "wasm /app.wasm",
    reason: /is not a valid WebAssembly module: .*extends past end of the module/,
  },
  {
    what: "truncated component",
    runtime: "wasmtime",
    make: async (name) => {
      const proxy = await httpProxyComponent();
      return fromPlan(name, compatPlan("proxy", await wasmFile(dir, `${name}.wasm`, proxy.subarray(0, proxy.byteLength - 200))));
    },
    check: "wasm /proxy.wasm",
    reason: /is not a valid WebAssembly component: .*unexpected end-of-file/,
  },
  {
    what: "compat-smart entrypoint without .wasm",
    make: async (name) => {
      const plan = compatPlan("app", await wasmFile(dir, `${name}.wasm`, wasmedgeHttp));
      const [file] = plan.files;
      return fromPlan(name, { ...plan, files: [{ ...file!, path: "bin/app" }], entrypoint: ["/bin/app"] });
    },
    check: "entrypoint suffix",
    reason: /compat-smart makes crun use the Wasm handler only when process\.args\[0\] ends in \.wasm or \.wat; "\/bin\/app" does not/,
  },
  {
    what: "no variant annotation on a WasmEdge image",
    runtime: "wasmedge",
    make: async (name) => {
      const plan = compatPlan("app", await wasmFile(dir, `${name}.wasm`, wasmedgeHttp));
      return fromPlan(name, { ...plan, annotations: { "org.opencontainers.image.title": "app" } });
    },
    check: "annotation",
    reason: /no module\.wasm\.image\/variant on the manifest/,
  },
  {
    what: "a wasi:http component under WasmEdge",
    make: async (name) => fromPlan(name, compatPlan("proxy", await wasmFile(dir, `${name}.wasm`, await httpProxyComponent()))),
    check: "wasm /proxy.wasm",
    reason: /is a component exporting wasi:http\/incoming-handler@0\.2\.12; crun's WasmEdge handler runs core modules only/,
  },
  {
    what: "a component without an entry point under wasmtime",
    runtime: "wasmtime",
    make: async (name) => fromPlan(name, compatPlan("lib", await wasmFile(dir, `${name}.wasm`, await component(await wat("(module)"))))),
    check: "exports /lib.wasm",
    reason: /exports neither wasi:http\/incoming-handler .* nor wasi:cli\/run/,
  },
  {
    what: "no _start export",
    make: async (name) => fromPlan(name, compatPlan("lib", await wasmFile(dir, `${name}.wasm`, await wat('(module (memory (export "memory") 1))')))),
    check: "exports /lib.wasm",
    reason: /exports no _start; crun's WasmEdge handler calls _start \(exports: memory\)/,
  },
  {
    what: "an import no runtime provides",
    runtime: "wasmtime",
    make: async (name) => fromPlan(name, compatPlan("app", await wasmFile(dir, `${name}.wasm`, await wat('(module (import "env" "host_call" (func)) (func (export "_start")))')))),
    check: "imports /app.wasm",
    reason: /imports env\.host_call, which runwasi's wasmtime shim does not provide/,
  },
  {
    what: "a spin.toml containerd-shim-spin refuses",
    make: async (name) => fromPlan(name, spinPlan(spinToml("hello.wasm", 'exclude_files = ["*.bak"]'), [{ sourcePath: "hello.wasm", ...(await wasmFile(dir, `${name}.wasm`, spinHello)) }])),
    check: "spin.toml",
    reason: /\/spin\.toml: component\.hello\.exclude_files is not supported by containerd-shim-spin's direct mounts/,
  },
  {
    what: "a spin.toml that is not TOML",
    make: async (name) => fromPlan(name, spinPlan(`${spinToml("hello.wasm")}\n[component.hello\n`, [{ sourcePath: "hello.wasm", ...(await wasmFile(dir, `${name}.wasm`, spinHello)) }])),
    check: "spin.toml",
    reason: /^\/spin\.toml: invalid TOML at line 11, column \d+: /,
  },
  {
    what: "a missing files directory",
    make: async (name) => fromPlan(name, spinPlan(spinToml("hello.wasm", 'files = ["static"]'), [{ sourcePath: "hello.wasm", ...(await wasmFile(dir, `${name}.wasm`, spinHello)) }])),
    check: "files hello",
    reason: /mounted directory \/static not in the image/,
  },
  {
    what: "a spin.toml image under WasmEdge",
    runtime: "wasmedge",
    make: async (name) => fromPlan(name, spinPlan(spinToml("hello.wasm"), [{ sourcePath: "hello.wasm", ...(await wasmFile(dir, `${name}.wasm`, spinHello)) }])),
    check: ["image", "annotation"],
    reason: /a spin\.toml image runs on containerd-shim-spin \(--runtime spin\)/,
  },
  {
    what: "a tag naming an image index",
    make: async (name) => {
      const layout = await writeLayout(join(dir, name), compatPlan("app", await wasmFile(dir, `${name}.wasm`, wasmedgeHttp)));
      const store = await OciLayout.open(layout);
      const manifest = await store.resolve(TAG);
      const index = encodeIndex([{ ...manifest, annotations: {}, platform: { os: "wasi", architecture: "wasm" } }]);
      await store.writeEncoded(index);
      await store.tag(TAG, index.descriptor);
      return { layout };
    },
    check: "manifest",
    reason: /the tag names an image index \(1 entries\); containerd .* "no match for platform in manifest"/,
  },
  {
    // What `wkg oci push` 0.16.1 writes for a core module (a real run): os wasip2, an empty world.
    what: "a Wasm artifact of a core module labelled wasip2 with an empty world",
    make: async (name) => ({
      layout: await writeWasmArtifact(dir, name, spinHello, { config: (c) => ({ ...c, os: "wasip2", component: { exports: [], imports: [], target: null } }) }),
    }),
    check: "config",
    reason: /^config os is wasip2 but the layer is a core module \(wasip1\); config component is an empty world but the layer is a core module: it must be null$/,
  },
  {
    what: "a Wasm artifact of a component labelled wasip1",
    make: async (name) => ({ layout: await writeWasmArtifact(dir, name, await commandComponent(spinHello), { config: (c) => ({ ...c, os: "wasip1" }) }) }),
    check: "config",
    reason: /^config os is wasip1 but the layer is a component \(wasip2\)$/,
  },
  {
    what: "a Wasm artifact whose config lists an export the component lacks",
    make: async (name) => ({
      layout: await writeWasmArtifact(dir, name, await commandComponent(spinHello), {
        config: (c) => ({ ...c, component: { ...c.component!, exports: ["wasi:http/incoming-handler@0.2.0"] } }),
      }),
    }),
    check: "config",
    reason: /^config component\.exports lists wasi:http\/incoming-handler@0\.2\.0 that the component does not export; config component\.exports omits wasi:cli\/run@0\.2\.\d+, which the component exports$/,
  },
  {
    what: "a Wasm artifact whose config layerDigests are not its layers",
    make: async (name) => ({ layout: await writeWasmArtifact(dir, name, spinHello, { config: (c) => ({ ...c, layerDigests: [`sha256:${"0".repeat(64)}`] }) }) }),
    check: "config",
    reason: /^config layerDigests \["sha256:0{64}"\] are not the manifest's layer digests \["sha256:[0-9a-f]{64}"\]$/,
  },
];

function failures(report: VerifyReport) {
  return report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.reason}`);
}

describe("verify: a corpus of images that will not start", () => {
  const reasons = new Map<string, string>();

  it.each(BAD_IMAGES.map((b, i) => [b.what, i] as const))("%s: fails with its own reason", async (_, i) => {
    const bad = BAD_IMAGES[i]!;
    const { plan, layout } = await bad.make(`bad-${i}`);
    const options = bad.runtime ? { runtime: bad.runtime } : {};
    const report = await verifyImage(await imageContentsFromLayout(layout, TAG), options);
    expect(report.ok).toBe(false);
    const failed = report.checks.filter((c) => !c.ok);
    expect(failed.map((c) => c.name), failures(report).join("\n")).toEqual([bad.check].flat());
    expect(failed[0]!.reason).toMatch(bad.reason);
    reasons.set(bad.what, failed[0]!.reason);
    if (plan) {
      // The same verdict before anything is written, as `build` will ask it.
      expect(failures(await verifyImage(imageContentsFromPlan(plan), options))).toEqual(failures(report));
    }
  });

  it("gives every bad image a different reason", () => {
    expect(reasons.size).toBe(BAD_IMAGES.length);
    expect(new Set(reasons.values()).size).toBe(BAD_IMAGES.length);
  });
});

describe("verify: images that will start", () => {
  it("passes a wasi:http component and a command component on wasmtime, and a component on Spin", async () => {
    const http = await writeLayout(join(dir, "ok-http"), compatPlan("proxy", await wasmFile(dir, "ok-http.wasm", await httpProxyComponent())));
    const command = await writeLayout(join(dir, "ok-command"), compatPlan("hello", await wasmFile(dir, "ok-command.wasm", await commandComponent(spinHello))));
    const spin = await writeLayout(join(dir, "ok-spin-component"), spinPlan(spinToml("hello.wasm"), [{ sourcePath: "hello.wasm", ...(await wasmFile(dir, "ok-spin.wasm", await httpProxyComponent())) }]));
    for (const [layout, runtime] of [[http, "wasmtime"], [command, "wasmtime"], [spin, "spin"]] as const) {
      const report = await verifyImage(await imageContentsFromLayout(layout, TAG), { runtime });
      expect(failures(report)).toEqual([]);
    }
  });

  it("passes wasmpack's own Wasm artifacts of spin-hello, core module (wasip1) and component (wasip2), with their config agreeing", async () => {
    const env = { env: { XDG_STATE_HOME: join(dir, "state") } };
    const module = await buildJson(EXAMPLE("spin-hello"), join(dir, "ok-artifact-module"), ["-q", "--format", "wasm-artifact"], env);
    const made = await buildJson(EXAMPLE("spin-hello"), join(dir, "ok-artifact-component"), ["-q", "--format", "wasm-artifact", "--component", "command"], env);
    const reasons: (string | undefined)[] = [];
    for (const built of [module, made]) {
      const report = await verifyImage(await imageContentsFromLayout(built.layout, built.tag));
      expect([report.kind, failures(report)]).toEqual(["wasm-artifact", []]);
      reasons.push(report.checks.find((c) => c.name === "config")?.reason);
    }
    expect(reasons[0]).toBe("os wasip1 for a core module, component null, layerDigests match the manifest");
    expect(reasons[1]).toMatch(/^os wasip2 for a component, component lists its \d+ import\(s\) and 1 export\(s\), layerDigests match the manifest$/);
  });

  it("passes the WasmEdge example's module in a compat-smart image on WasmEdge, without a warning", async () => {
    const layout = await writeLayout(join(dir, "ok-compat"), compatPlan("server", await wasmFile(dir, "ok-compat.wasm", wasmedgeHttp)));
    const report = await verifyImage(await imageContentsFromLayout(layout, TAG));
    expect([report.runtime, report.kind, report.ok]).toEqual(["wasmedge", "compat-smart", true]);
    expect(report.checks.filter((c) => c.warning)).toEqual([]);
  });
});

describe("wasmpack verify (CLI) on a bad image", () => {
  it("prints a FAIL line with the reason and exits 1 with VERIFY_FAILED's message", async () => {
    const layout = await writeLayout(join(dir, "cli-bad"), compatPlan("server", await wasmFile(dir, "cli-bad.wasm", wasmedgeHttp)));
    const result = await runWasmpack(["verify", `${layout}:${TAG}`, "--runtime", "wasmtime"]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^FAIL {2}imports \/server\.wasm: imports WasmEdge's socket extension/m);
    expect(result.stdout).toMatch(/^ok {4}entrypoint: \/server\.wasm is in the image/m);
    expect(lastLine(result.stderr)).toMatch(/^wasmpack: .*cli-bad:test will not start on wasmtime: imports \/server\.wasm: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);

    const json = await runWasmpack(["verify", `${layout}:${TAG}`, "--runtime", "wasmtime", "--json"]);
    expect(json.exitCode).toBe(1);
    const report = JSON.parse(json.stdout) as VerifyReport & { digest: string };
    expect([report.ok, report.runtime, report.kind]).toEqual([false, "wasmtime", "compat-smart"]);
    expect(report.checks.find((c) => !c.ok)?.name).toBe("imports /server.wasm");
    expect(report.digest).toMatch(/^sha256:/);
  });

  it("fails a mislabelled Wasm artifact on its config check: wkg's wasip2 core module", async () => {
    const layout = await writeWasmArtifact(dir, "cli-wkg", spinHello, { config: (c) => ({ ...c, os: "wasip2", component: { exports: [], imports: [], target: null } }) });
    const result = await runWasmpack(["verify", `${layout}:${TAG}`]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^FAIL {2}config: config os is wasip2 but the layer is a core module \(wasip1\); /m);
    expect(result.stdout).toMatch(/^ok {4}wasm layer cli-wkg\.wasm: valid core module/m);
    expect(lastLine(result.stderr)).toMatch(/^wasmpack: .*cli-wkg-artifact:test will not start on wasmtime: config: config os is wasip2 /);
  });

  it("treats a bad --runtime and a path that is no image as usage errors", async () => {
    const layout = join(dir, "cli-bad");
    expect((await runWasmpack(["verify", layout, "--runtime", "wasmer"])).exitCode).toBe(2);
    const missing = await runWasmpack(["verify", join(dir, "nothing-here")]);
    expect(missing.exitCode).toBe(2);
    expect(lastLine(missing.stderr)).toContain("is neither an OCI layout");
  });
});
