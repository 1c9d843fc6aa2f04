// `wasmpack k8s` tells a server (Deployment and Service) from a one-shot program (refused, or a
// Job with --kind job) by what the image's wasm imports and exports, on each runtime, from a
// layout and from a registry; `wasmpack verify` reports the same as its "serves" check.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE, buildJson } from "../support/build.js";
import { YAML } from "../support/builder-deps.js";
import { lastLine, runWasmpack } from "../support/cli.js";
import { startRegistry, type RunningRegistry } from "../support/registry/index.js";
import { tempDir } from "../support/temp.js";
import { TAG, compatPlan, httpProxyComponent, wasmFile, writeLayout, writeWasmArtifact } from "../verify/corpus.js";
import { validateStrict } from "./strict-schema.js";

type K8sObject = Record<string, any> & { apiVersion: string; kind: string };

const PROGRAM = "is a one-shot program (no socket listen, no wasi:http/incoming-handler export): it would exit and restart forever as a Deployment; use --kind job";

let dir: string;
/** Layout arguments (LAYOUT:TAG) by what they hold. */
const images: Record<string, string> = {};
const digests: Record<string, string> = {};

beforeAll(async () => {
  dir = await tempDir("wasmpack-k8s-kind-");
  const env = { XDG_STATE_HOME: join(dir, "state") };
  const edge = await buildJson(EXAMPLE("wasmedge-http"), join(dir, "wasmedge-http"), ["-q"], { env });
  images["wasmedge-http"] = `${join(dir, "wasmedge-http")}:${edge.tag}`;
  // spin-hello is a Wagi (CGI) program: one response on stdout, then exit 0. Outside Spin it runs once.
  const hello = await buildJson(EXAMPLE("spin-hello"), join(dir, "spin-hello"), ["-q", "--format", "spin-layout,spin-artifact,compat,wasm-artifact", "--component", "command"], { env });
  for (const image of hello.images) {
    images[`spin-hello ${image.format}`] = `${join(dir, "spin-hello")}:${image.tag}`;
    digests[`spin-hello ${image.format}`] = image.digest;
  }
  // A wasi:http/incoming-handler component: runwasi's wasmtime shim serves it on :8080.
  const proxy = await httpProxyComponent();
  images["proxy compat"] = `${await writeLayout(join(dir, "proxy"), compatPlan("proxy", await wasmFile(dir, "proxy.wasm", proxy)))}:${TAG}`;
  images["proxy wasm-artifact"] = `${await writeWasmArtifact(dir, "proxy", proxy)}:${TAG}`;
});

/** Parses the YAML the command printed and validates each object strictly against the API schema. */
function objectsOf(yaml: string): K8sObject[] {
  const objects = (YAML.parseAllDocuments(yaml) as { errors: unknown[]; toJS(): unknown }[]).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as K8sObject;
  });
  for (const object of objects) validateStrict(object);
  return objects;
}
const byKind = (objects: K8sObject[], kind: string) => objects.find((o) => o.kind === kind)!;
const k8s = (image: string, ...args: string[]) => runWasmpack(["k8s", image, "--repo", "registry.example/acme/app", ...args]);

async function expectServer(image: string, args: string[], kinds: string[]) {
  const result = await k8s(image, ...args);
  expect(result.exitCode, result.stderr).toBe(0);
  const objects = objectsOf(result.stdout);
  expect(objects.map((o) => o.kind)).toEqual(kinds);
  // A server never completes: --kind job is refused in one line.
  const asJob = await k8s(image, ...args, "--kind", "job");
  expect(asJob.exitCode).toBe(2);
  expect(lastLine(asJob.stderr)).toMatch(/ is a server \(.*\): it never exits, so a Job would never complete; drop --kind job$/);
  expect(asJob.stdout).toBe("");
  return objects;
}

async function expectProgram(image: string, args: string[], kinds: string[]) {
  for (const asked of [[], ["--kind", "deployment"]]) {
    const refused = await k8s(image, ...args, ...asked);
    expect(refused.exitCode, refused.stderr).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr.trimEnd().split("\n")).toEqual([`wasmpack: ${image} ${PROGRAM}`]);
  }
  const result = await k8s(image, ...args, "--kind", "job");
  expect(result.exitCode, result.stderr).toBe(0);
  const objects = objectsOf(result.stdout);
  expect(objects.map((o) => o.kind)).toEqual(kinds);
  const job = byKind(objects, "Job");
  const pod = job["spec"]["template"]["spec"];
  expect([job["apiVersion"], job["spec"]["backoffLimit"], pod["restartPolicy"]]).toEqual(["batch/v1", 3, "Never"]);
  expect(pod["containers"][0]).not.toHaveProperty("ports");
  expect(pod["containers"][0]["resources"]).toEqual({ requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "200m", memory: "64Mi" } });
  expect(pod["securityContext"]).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } });
  expect(pod["containers"][0]["securityContext"]).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
  return objects;
}

describe("wasmpack k8s: WasmEdge (crun)", () => {
  it("deploys examples/wasmedge-http, which listens through WasmEdge sockets, with the pod's PID namespace shared", async () => {
    const objects = await expectServer(images["wasmedge-http"]!, [], ["Deployment", "Service"]);
    expect(byKind(objects, "Deployment")["spec"]["template"]["spec"]["shareProcessNamespace"]).toBe(true);
    const result = await k8s(images["wasmedge-http"]!);
    expect(result.stdout).toContain("# The pause process, not the Wasm module, is PID 1");
    expect(result.stderr).toContain("note: the pod sets shareProcessNamespace: true: crun runs the module as PID 1 of its own PID namespace");
  });

  it("refuses spin-hello built --format compat as a Deployment, and runs it as a Job with --kind job", async () => {
    const objects = await expectProgram(images["spin-hello compat"]!, [], ["Job"]);
    const template = byKind(objects, "Job")["spec"]["template"];
    expect(template["metadata"]["annotations"]).toEqual({ "module.wasm.image/variant": "compat-smart" });
    expect(template["spec"]["shareProcessNamespace"]).toBe(true);
    expect(template["spec"]["nodeSelector"]).toEqual({ wasmedge: "true" });
    expect(template["spec"]["containers"][0]["image"]).toBe(`registry.example/acme/app@${digests["spin-hello compat"]}`);
  });

  it("refuses a server's flags on a Job, and unknown kinds", async () => {
    for (const args of [["--kind", "job", "--replicas", "2"], ["--kind", "job", "--health", "/"], ["--kind", "cronjob"], ["--backoff-limit", "1"]]) {
      const result = await k8s(images["spin-hello compat"]!, ...args);
      expect(result.exitCode, `${args.join(" ")}: ${result.stderr}`).toBe(2);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe("wasmpack k8s: runwasi wasmtime", () => {
  it("refuses spin-hello as a wasi:cli/run component artifact, and runs it as a Job naming the module", async () => {
    const objects = await expectProgram(images["spin-hello wasm-artifact"]!, [], ["RuntimeClass", "Job"]);
    const pod = byKind(objects, "Job")["spec"]["template"]["spec"];
    expect([pod["runtimeClassName"], pod["containers"][0]["command"]]).toEqual(["wasmtime", ["spin-hello.wasm"]]);
    expect(pod).not.toHaveProperty("shareProcessNamespace");
  });

  it("deploys a wasi:http/incoming-handler component, as a Wasm artifact or in a rootfs image", async () => {
    await expectServer(images["proxy wasm-artifact"]!, [], ["RuntimeClass", "Deployment", "Service"]);
    const objects = await expectServer(images["proxy compat"]!, ["--runtime", "wasmtime"], ["RuntimeClass", "Deployment", "Service"]);
    expect(byKind(objects, "Deployment")["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"]).toBe(8080);
  });
});

describe("wasmpack k8s: Spin", () => {
  it.each(["spin-layout", "spin-artifact"])("deploys spin-hello as a %s: containerd-shim-spin serves the app", async (format) => {
    const objects = await expectServer(images[`spin-hello ${format}`]!, [], ["RuntimeClass", "Deployment", "Service"]);
    expect(byKind(objects, "Deployment")["spec"]["template"]["spec"]["runtimeClassName"]).toBe("spin");
  });
});

describe("wasmpack verify: serves", () => {
  it("warns about a one-shot program, fails it under --kind deployment, and fails a server under --kind job", async () => {
    const plain = await runWasmpack(["verify", images["spin-hello compat"]!]);
    expect(plain.exitCode, plain.stdout + plain.stderr).toBe(0);
    expect(plain.stdout).toContain("warn  serves: a one-shot program (no socket listen, no wasi:http/incoming-handler export): it runs once and exits; wasmpack k8s needs --kind job for it");
    const deployment = await runWasmpack(["verify", images["spin-hello wasm-artifact"]!, "--kind", "deployment"]);
    expect(deployment.exitCode).toBe(1);
    expect(deployment.stdout).toMatch(/^FAIL {2}serves: a one-shot program .*as a Deployment it would exit and restart forever \(use --kind job\)$/m);
    const server = await runWasmpack(["verify", images["wasmedge-http"]!, "--kind", "job", "--json"]);
    expect(server.exitCode).toBe(1);
    const report = JSON.parse(server.stdout) as { serving: { mode: string }; checks: { name: string; ok: boolean }[] };
    expect(report.serving.mode).toBe("server");
    expect(report.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(["serves"]);
    expect((await runWasmpack(["verify", images["wasmedge-http"]!, "--kind", "daemon"])).exitCode).toBe(2);
  });
});

describe("wasmpack k8s on a registry reference: the wasm is pulled to tell a server from a program", () => {
  let registry: RunningRegistry;
  const push = async (image: string, ref: string) => {
    const pushed = await runWasmpack(["push", ref, "--from", image.slice(0, image.lastIndexOf(":")), "--source-tag", image.slice(image.lastIndexOf(":") + 1)], { env: { XDG_STATE_HOME: join(dir, "push-state") } });
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    return ref;
  };
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(() => registry?.stop());

  it("refuses spin-hello's compat image by tag, and pins the Job to the digest", async () => {
    const ref = await push(images["spin-hello compat"]!, `${registry.host}/acme/hello:cgi`);
    const refused = await runWasmpack(["k8s", ref]);
    expect(refused.exitCode).toBe(2);
    expect(lastLine(refused.stderr)).toBe(`wasmpack: ${ref} ${PROGRAM}`);
    const job = await runWasmpack(["k8s", ref, "--kind", "job"]);
    expect(job.exitCode, job.stderr).toBe(0);
    const objects = objectsOf(job.stdout);
    expect(objects.map((o) => o.kind)).toEqual(["Job"]);
    expect(byKind(objects, "Job")["spec"]["template"]["spec"]["containers"][0]["image"]).toBe(`${registry.host}/acme/hello@${digests["spin-hello compat"]}`);
  });

  it("refuses the wasm-artifact, deploys wasmedge-http, and deploys a Spin app", async () => {
    const artifact = await push(images["spin-hello wasm-artifact"]!, `${registry.host}/acme/hello:wasm`);
    expect(lastLine((await runWasmpack(["k8s", artifact])).stderr)).toBe(`wasmpack: ${artifact} ${PROGRAM}`);
    const server = await push(images["wasmedge-http"]!, `${registry.host}/acme/edge:1`);
    const deployed = await runWasmpack(["k8s", server]);
    expect(deployed.exitCode, deployed.stderr).toBe(0);
    expect(objectsOf(deployed.stdout).map((o) => o.kind)).toEqual(["Deployment", "Service"]);
    const spin = await push(images["spin-hello spin-artifact"]!, `${registry.host}/acme/hello:spin`);
    const served = await runWasmpack(["k8s", spin]);
    expect(served.exitCode, served.stderr).toBe(0);
    expect(objectsOf(served.stdout).map((o) => o.kind)).toEqual(["RuntimeClass", "Deployment", "Service"]);
  });

  it("verifies a pushed program as a Deployment from the registry: serves fails", async () => {
    const ref = `${registry.host}/acme/hello:cgi`;
    const result = await runWasmpack(["verify", ref, "--kind", "deployment"]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^FAIL {2}serves: a one-shot program/m);
  });
});
