import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE, buildJson } from "../support/build.js";
import { TOML, YAML } from "../support/builder-deps.js";
import { REPO_ROOT, lastLine, runWasmpack } from "../support/cli.js";
import { startRegistry, type RunningRegistry } from "../support/registry/index.js";
import { tempDir } from "../support/temp.js";
import { validateStrict } from "./strict-schema.js";

type K8sObject = Record<string, any> & { apiVersion: string; kind: string };

let dir: string;
const digests: Record<string, string> = {};

async function build(example: string, output: string, extra: string[] = []): Promise<string> {
  return (await buildJson(EXAMPLE(example), output, ["-q", ...extra], { env: { XDG_STATE_HOME: join(dir, "state") } })).digest;
}

beforeAll(async () => {
  dir = await tempDir("wasmpack-k8s-");
  digests["wasmedge-http"] = await build("wasmedge-http", join(dir, "wasmedge-http"));
  digests["compat"] = await build("wasmedge-http", join(dir, "compat"), ["--variant", "compat"]);
  digests["spin-hello"] = await build("spin-hello", join(dir, "spin-hello"));
});

/** Parses the YAML the command printed, checks it round-trips and validates each object strictly. */
function objectsOf(yaml: string): K8sObject[] {
  const documents = YAML.parseAllDocuments(yaml) as { errors: unknown[]; toJS(): unknown }[];
  const objects = documents.map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as K8sObject;
  });
  for (const object of objects) validateStrict(object);
  return objects;
}
const byKind = (objects: K8sObject[], kind: string) => objects.find((o) => o.kind === kind)!;

describe("wasmpack k8s on a layout", () => {
  it("pins the layout's digest under --repo and carries the image's variant to the pod", async () => {
    const result = await runWasmpack(["k8s", join(dir, "wasmedge-http"), "--repo", "ghcr.io/acme/wasmedge-http", "--health", "/health", "--service", "nodeport:31001"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const objects = objectsOf(result.stdout);
    expect(objects.map((o) => o.kind)).toEqual(["Deployment", "Service"]);
    const deployment = byKind(objects, "Deployment");
    const container = deployment["spec"]["template"]["spec"]["containers"][0];
    expect(container["image"]).toBe(`ghcr.io/acme/wasmedge-http@${digests["wasmedge-http"]}`);
    expect(deployment["spec"]["template"]["metadata"]["annotations"]).toEqual({ "module.wasm.image/variant": "compat-smart" });
    expect(deployment["metadata"]["labels"]).toEqual({ "app.kubernetes.io/name": "wasmedge-http", "app.kubernetes.io/version": "0.1.0", "app.kubernetes.io/managed-by": "wasmpack" });
    expect(container["readinessProbe"]["httpGet"]).toEqual({ path: "/health", port: "http" });
    expect(byKind(objects, "Service")["spec"]["ports"][0]["nodePort"]).toBe(31001);
    expect(result.stderr).toContain('note: this image is a rootfs layout (tar layers): containerd ≥ 2.3 pulls it but does not unpack');
    expect(result.stderr).toContain("module.wasm.image/variant=compat-smart (image annotations never reach crun)");
  });

  it("follows a compat image, and refuses a --variant that contradicts it", async () => {
    const compat = await runWasmpack(["k8s", join(dir, "compat"), "--repo", "ghcr.io/acme/app"]);
    expect(compat.exitCode, compat.stderr).toBe(0);
    expect(byKind(objectsOf(compat.stdout), "Deployment")["spec"]["template"]["metadata"]["annotations"]).toEqual({ "module.wasm.image/variant": "compat" });
    const contradiction = await runWasmpack(["k8s", join(dir, "compat"), "--repo", "ghcr.io/acme/app", "--variant", "compat-smart"]);
    expect(contradiction.exitCode).toBe(2);
    expect(lastLine(contradiction.stderr)).toContain("--variant compat-smart contradicts the image, which is compat");
  });

  it("writes the Spin RuntimeClass and a Deployment with runtimeClassName spin and command [\"/\"] to -o", async () => {
    const file = join(dir, "spin.yaml");
    const image = `registry.example:5000/apps/spin-hello@${digests["spin-hello"]}`;
    const result = await runWasmpack(["k8s", `${join(dir, "spin-hello")}:0.1.0`, "--image", image, "--namespace", "apps", "-o", file]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe("");
    const objects = objectsOf(await readFile(file, "utf8"));
    expect(objects.map((o) => o.kind)).toEqual(["RuntimeClass", "Deployment", "Service"]);
    expect([byKind(objects, "RuntimeClass")["handler"], byKind(objects, "RuntimeClass")["metadata"]["name"]]).toEqual(["spin", "spin"]);
    const pod = byKind(objects, "Deployment")["spec"]["template"]["spec"];
    expect([pod["runtimeClassName"], pod["containers"][0]["command"], pod["containers"][0]["image"]]).toEqual(["spin", ["/"], image]);
    expect(byKind(objects, "Deployment")["metadata"]["namespace"]).toBe("apps");
    expect(result.stderr).toContain("a Spin OCI artifact (spin registry push) needs no unpack");
  });

  it("needs to know where the image was pushed, and that it is this image", async () => {
    const unpushed = await runWasmpack(["k8s", join(dir, "spin-hello")]);
    expect(unpushed.exitCode).toBe(2);
    expect(lastLine(unpushed.stderr)).toContain("a cluster pulls from a registry: pass --push REF, push it with wasmpack push, or name it with --repo REPO");
    const other = await runWasmpack(["k8s", join(dir, "spin-hello"), "--image", `ghcr.io/acme/spin-hello@${digests["wasmedge-http"]}`]);
    expect(other.exitCode).toBe(2);
    expect(lastLine(other.stderr)).toContain(`but ${join(dir, "spin-hello")} holds ${digests["spin-hello"]}`);
    const wrongRuntime = await runWasmpack(["k8s", join(dir, "spin-hello"), "--repo", "ghcr.io/acme/x", "--runtime", "wasmedge"]);
    expect(wrongRuntime.exitCode).toBe(2);
    expect(lastLine(wrongRuntime.stderr)).toContain("--runtime wasmedge cannot run this spin-layout image (it runs on spin)");
  });

  it("runs a compat image under runwasi's wasmtime shim on request", async () => {
    const result = await runWasmpack(["k8s", join(dir, "wasmedge-http"), "--repo", "ghcr.io/acme/app", "--runtime", "wasmtime", "--name", "edge-app", "--replicas", "1", "--limits", "memory=128Mi"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const objects = objectsOf(result.stdout);
    expect(byKind(objects, "RuntimeClass")["handler"]).toBe("wasmtime");
    const deployment = byKind(objects, "Deployment");
    expect([deployment["metadata"]["name"], deployment["spec"]["replicas"], deployment["spec"]["template"]["spec"]["runtimeClassName"]]).toEqual(["edge-app", 1, "wasmtime"]);
    expect(deployment["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]).toEqual({ cpu: "200m", memory: "128Mi" });
    expect(deployment["spec"]["template"]["metadata"]["annotations"]).toBeUndefined();
  });
});

describe("wasmpack k8s on what was pushed to a registry", () => {
  let registry: RunningRegistry;
  const state = () => ({ XDG_STATE_HOME: join(dir, "push-state") });
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(() => registry?.stop());

  it("reads the kind from the registry and pins the tag to its digest", async () => {
    const pushed = await runWasmpack(["push", `${registry.host}/acme/spin-hello:0.1.0`, "--from", join(dir, "spin-hello")], { env: state() });
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    const result = await runWasmpack(["k8s", `${registry.host}/acme/spin-hello:0.1.0`]);
    expect(result.exitCode, result.stderr).toBe(0);
    const objects = objectsOf(result.stdout);
    expect(byKind(objects, "RuntimeClass")["handler"]).toBe("spin");
    const deployment = byKind(objects, "Deployment");
    expect(deployment["metadata"]["name"]).toBe("spin-hello");
    expect(deployment["metadata"]["labels"]["app.kubernetes.io/version"]).toBe("0.1.0");
    expect(deployment["spec"]["template"]["spec"]["containers"][0]["image"]).toBe(`${registry.host}/acme/spin-hello@${digests["spin-hello"]}`);
  });

  it("pins what `wasmpack push` recorded, or pushes with --push first", async () => {
    const cwd = join(dir, "record-cwd");
    await mkdir(cwd, { recursive: true });
    const built = await runWasmpack(["build", join(REPO_ROOT, "examples/wasmedge-http"), "-o", join(dir, "recorded"), "-q"], { cwd, env: state() });
    expect(built.exitCode, built.stderr).toBe(0);
    const pushed = await runWasmpack(["push", `${registry.host}/acme/edge:1`], { cwd, env: state() });
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    const fromRecord = await runWasmpack(["k8s", join(dir, "recorded")], { cwd, env: state() });
    expect(fromRecord.exitCode, fromRecord.stderr).toBe(0);
    expect(fromRecord.stdout).toContain(`image: ${pushed.stdout.trim()}`);

    const withPush = await runWasmpack(["k8s", join(dir, "compat"), "--push", `${registry.host}/acme/compat:2`], { env: state() });
    expect(withPush.exitCode, withPush.stderr).toBe(0);
    expect(withPush.stdout).toContain(`image: ${registry.host}/acme/compat@${digests["compat"]}`);
  });

  it("verifies an image straight from the registry", async () => {
    const result = await runWasmpack(["verify", `${registry.host}/acme/spin-hello:0.1.0`, "--json"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { digest: string; runtime: string; checks: { ok: boolean }[] };
    expect(report.digest).toBe(digests["spin-hello"]);
    expect(report.runtime).toBe("spin");
    expect(report.checks.length).toBeGreaterThan(3);
    expect(report.checks.every((c) => c.ok)).toBe(true);
    const wrong = await runWasmpack(["verify", `${registry.host}/acme/spin-hello:0.1.0`, "--runtime", "wasmedge"]);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stdout).toMatch(/^FAIL/m);
  });

  it.each([
    ["wasmedge-http", "Deployment", "wasmedge"],
    ["spin-hello", "RuntimeClass", "spin"],
  ])("build %s --push, then k8s on the project: valid objects that pin the pushed digest", async (example, firstKind, runtime) => {
    const cwd = join(dir, `e2e-${example}`);
    await mkdir(cwd, { recursive: true });
    const project = join(REPO_ROOT, "examples", example);
    const built = await runWasmpack(["build", project, "-o", join(cwd, "oci"), "--push", `${registry.host}/e2e/${example}:0.1.0`], { cwd, env: state() });
    expect(built.exitCode, built.stderr).toBe(0);
    const pinned = built.stdout.trim();
    expect(pinned).toMatch(new RegExp(`^${registry.host}/e2e/${example}@sha256:[a-f0-9]{64}$`));
    const k8s = await runWasmpack(["k8s", project], { cwd, env: state() });
    expect(k8s.exitCode, k8s.stderr).toBe(0);
    const objects = objectsOf(k8s.stdout);
    expect(objects[0]!.kind).toBe(firstKind);
    const pod = byKind(objects, "Deployment")["spec"]["template"];
    expect(pod["spec"]["containers"][0]["image"]).toBe(pinned);
    expect(pod["spec"]["nodeSelector"]).toEqual({ [runtime]: "true" });
  });

  it("refuses bad flag values as usage errors", async () => {
    const ref = `${registry.host}/acme/spin-hello:0.1.0`;
    for (const args of [[ref, "--service", "loadbalancer"], [ref, "--replicas", "-1"], [ref, "--runtime", "docker"], [ref, "--requests", "gpu=1"], [ref, "--runtime", "spin", "--variant", "compat"], [ref, "--runtime", "wasmedge"]]) {
      const result = await runWasmpack(["k8s", ...args]);
      expect(result.exitCode, `${args.join(" ")}: ${result.stderr}`).toBe(2);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe("wasmpack node-config", () => {
  it("prints the containerd block, the 2.3 pull setting and the label command", async () => {
    const result = await runWasmpack(["node-config", "--runtime", "spin", "--containerd-version", "2.3"]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("# containerd 2.3: the spin runtime, as a drop-in (sudo mkdir -p /etc/containerd/conf.d) — /etc/containerd/conf.d/wasmpack-spin.toml");
    expect(result.stdout).toContain('[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.spin]');
    expect(result.stdout).toContain('imports = ["/etc/containerd/conf.d/*.toml"]');
    expect(result.stdout).toContain('[plugins."io.containerd.cri.v1.images"]\n  use_local_image_pull = true');
    expect(result.stdout).toContain("kubectl label node NODE spin=true");
    expect(result.stderr).toContain("note: install containerd-shim-spin-v2 on the node");
  });

  it("gives each section as JSON, its TOML parseable", async () => {
    const result = await runWasmpack(["node-config", "--runtime", "wasmedge", "--json", "--node-selector", "tier=wasm"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const config = JSON.parse(result.stdout) as { cri: string; sections: { language: string; text: string }[] };
    expect(config.cri).toBe("crio");
    const toml = TOML.parse(config.sections.find((s) => s.language === "toml")!.text) as Record<string, any>;
    expect(toml["crio"]["runtime"]["runtimes"]["crun"]["allowed_annotations"]).toEqual(["module.wasm.image/variant"]);
    expect(config.sections.findLast((s) => s.language === "shell")!.text).toContain("kubectl label node NODE tier=wasm");
  });

  it("refuses what cannot work", async () => {
    for (const args of [["--runtime", "spin", "--cri", "crio"], ["--runtime", "spin", "--containerd-version", "1.4"], ["--runtime", "wasmer"], []]) {
      const result = await runWasmpack(["node-config", ...args]);
      expect(result.exitCode, `${args.join(" ")}: ${result.stderr}`).toBe(2);
    }
  });
});
