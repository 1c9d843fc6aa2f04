// The "serves" check: whether an image can take connections (a Deployment) or runs once and exits
// (a Job), read from what its wasm imports and exports, on each runtime.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { imageContentsFromLayout, imageContentsFromPlan, imageServing, verifyImage, type ClusterRuntime, type ImageContents, type VerifyCheck, type VerifyReport, type WorkloadKind } from "@wasmpack/builder";
import { EXAMPLE, buildJson } from "../support/build.js";
import { tempDir } from "../support/temp.js";
import { wat } from "../../packages/builder/test/support/wat.js";
import { TAG, commandComponent, compatPlan, httpProxyComponent, socketCommandComponent, spinPlan, spinToml, wasmFile, writeLayout, writeWasmArtifact } from "./corpus.js";

let dir: string;
let wasmedgeHttp: Uint8Array; // imports sock_open, sock_bind, sock_listen, sock_accept
let spinHello: Uint8Array; // a Wagi (CGI) program: one response on stdout, then exit 0

beforeAll(async () => {
  dir = await tempDir("wasmpack-serves-");
  for (const example of ["wasmedge-http", "spin-hello"]) {
    const built = await buildJson(EXAMPLE(example), join(dir, `${example}-oci`), ["-q"], { env: { XDG_STATE_HOME: join(dir, "state") } });
    const bytes = await readFile(built.wasm[0]!.path);
    if (example === "wasmedge-http") wasmedgeHttp = bytes;
    else spinHello = bytes;
  }
});

const compat = async (name: string, bytes: Uint8Array) => imageContentsFromPlan(compatPlan(name, await wasmFile(dir, `${name}.wasm`, bytes)));

async function serves(image: ImageContents, runtime?: ClusterRuntime, kind?: WorkloadKind): Promise<{ report: VerifyReport; check: VerifyCheck | undefined }> {
  const report = await verifyImage(image, { ...(runtime ? { runtime } : {}), ...(kind ? { kind } : {}) });
  return { report, check: report.checks.find((c) => c.name === "serves") };
}

describe("verify: serves", () => {
  it("WasmEdge: a module that listens through the socket extension serves", async () => {
    const { report, check } = await serves(await compat("server", wasmedgeHttp));
    expect(check).toEqual({ name: "serves", ok: true, reason: "listens through WasmEdge's socket extension (imports sock_open, sock_bind, sock_listen, sock_accept)" });
    expect(report.serving?.mode).toBe("server");
    // A server fails a Job: it never completes.
    const asJob = await serves(await compat("server", wasmedgeHttp), "wasmedge", "job");
    expect(asJob.check?.ok).toBe(false);
    expect(asJob.check?.reason).toMatch(/a server never exits, so a Job would never complete \(use --kind deployment\)$/);
  });

  it("WasmEdge: the CGI program (no listen) is a one-shot program: a warning, a failure as a Deployment, a pass as a Job", async () => {
    const image = await compat("hello", spinHello);
    const plain = await serves(image);
    expect(plain.report.ok).toBe(true);
    expect(plain.check).toEqual({
      name: "serves",
      ok: true,
      warning: true,
      reason: "a one-shot program (no socket listen, no wasi:http/incoming-handler export): it runs once and exits; wasmpack k8s needs --kind job for it",
    });
    const deployment = await serves(image, "wasmedge", "deployment");
    expect(deployment.report.ok).toBe(false);
    expect(deployment.report.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(["serves"]);
    expect(deployment.check?.reason).toContain("as a Deployment it would exit and restart forever (use --kind job)");
    const job = await serves(image, "wasmedge", "job");
    expect([job.report.ok, job.check?.warning]).toEqual([true, undefined]);
  });

  it("a module that imports sock_accept but never listens is still a program: no runtime preopens a listener", async () => {
    const acceptOnly = await wat('(module (import "wasi_snapshot_preview1" "sock_accept" (func (param i32 i32 i32) (result i32))) (func (export "_start")))');
    const { report } = await serves(await compat("accept", acceptOnly));
    expect(report.serving).toEqual({ mode: "program", why: "no socket listen, no wasi:http/incoming-handler export" });
  });

  it("wasmtime: a wasi:http/incoming-handler component serves, a wasi:cli/run command does not, one that can create TCP sockets may", async () => {
    const http = await serves(await compat("proxy", await httpProxyComponent()), "wasmtime");
    expect(http.check?.ok).toBe(true);
    expect(http.check?.reason).toMatch(/^exports wasi:http\/incoming-handler@0\.2\.12: the runtime serves it over HTTP$/);
    const command = await serves(await compat("command", await commandComponent(spinHello)), "wasmtime", "deployment");
    expect(command.report.serving?.mode).toBe("program");
    expect(command.check?.ok).toBe(false);
    const sockets = await serves(await compat("sockets", await socketCommandComponent()), "wasmtime");
    expect(sockets.check).toEqual({ name: "serves", ok: true, reason: "may listen itself: imports wasi:sockets/tcp-create-socket@0.2.12" });
  });

  it("wasmtime: reads a Wasm artifact's application/wasm layer, which verify used to skip", async () => {
    const program = await imageContentsFromLayout(await writeWasmArtifact(dir, "hello", await commandComponent(spinHello)), TAG);
    const report = await verifyImage(program);
    expect([report.kind, report.runtime]).toEqual(["wasm-artifact", "wasmtime"]);
    expect(report.checks.map((c) => c.name)).toEqual(["image", "annotation", "platform", "wasm layer hello.wasm", "imports layer hello.wasm", "config", "serves"]);
    expect(report.serving?.mode).toBe("program");
    const server = await imageContentsFromLayout(await writeWasmArtifact(dir, "proxy", await httpProxyComponent()), TAG);
    expect((await imageServing(server)).mode).toBe("server");
  });

  it("Spin: a Spin app is served by containerd-shim-spin, whatever its module (here a Wagi CGI program)", async () => {
    const image = imageContentsFromPlan(spinPlan(spinToml("hello.wasm"), [{ sourcePath: "hello.wasm", ...(await wasmFile(dir, "spin-app.wasm", spinHello)) }]));
    const { report, check } = await serves(image, "spin", "deployment");
    expect(report.ok).toBe(true);
    expect(check?.reason).toBe("a Spin app: containerd-shim-spin runs its triggers and serves HTTP on :80");
    expect((await serves(image, "spin", "job")).check?.ok).toBe(false);
  });

  it("the serving verdict is the same from a plan and from the layout written from it", async () => {
    const plan = compatPlan("hello", await wasmFile(dir, "same.wasm", spinHello));
    const layout = await writeLayout(join(dir, "same"), plan);
    expect(await imageServing(await imageContentsFromLayout(layout, TAG))).toEqual(await imageServing(imageContentsFromPlan(plan)));
  });
});
