// `wasmpack build` on a cargo workspace (issue 9): every service with one cargo build, each into
// its own layout, pushed to PREFIX/NAME:VERSION through one registry client; failures isolated.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE } from "../support/build.js";
import { TOML, YAML } from "../support/builder-deps.js";
import { validateStrict } from "../kubernetes/strict-schema.js";
import { lastLine, runWasmpack, type CliResult } from "../support/cli.js";
import { layoutDigest, skopeoCopy, startFaultProxy, startRegistry, type FaultProxy, type RunningRegistry } from "../support/registry/index.js";
import { cargoLock, tempDir, writeTree } from "../support/temp.js";

interface ServiceJson {
  name: string;
  package: string;
  kind: "crate" | "spin";
  ok: boolean;
  digest?: string;
  tag?: string;
  format?: string;
  layout?: string;
  images?: { format: string; tag: string; digest: string }[];
  ref?: string;
  pushed?: string[];
  error?: string;
}

interface WorkspaceJson {
  workspace: string;
  services: ServiceJson[];
  skipped: { package: string; reason: string }[];
}

const parse = (result: CliResult): WorkspaceJson => JSON.parse(result.stdout) as WorkspaceJson;

/** A crate of the workspace: a bin printing its name, or a library with `lib: true`. */
function member(name: string, options: { lib?: boolean; body?: string; metadata?: string; deps?: string } = {}): Record<string, string> {
  const cargo = `[package]\nname = "${name}"\nversion = "0.2.0"\nedition = "2021"\n${options.deps ? `\n[dependencies]\n${options.deps}\n` : ""}${options.metadata ? `\n[package.metadata.wasmpack]\n${options.metadata}\n` : ""}`;
  return options.lib
    ? { [`${name}/Cargo.toml`]: cargo, [`${name}/src/lib.rs`]: "pub fn greeting() -> &'static str { \"hi\" }\n" }
    : { [`${name}/Cargo.toml`]: cargo, [`${name}/src/main.rs`]: options.body ?? `fn main() { println!("${name}"); }\n` };
}

/** A workspace of `members` with its Cargo.lock committed, as cargo writes it for these path-only members. */
async function workspace(members: string[], files: Record<string, string>): Promise<string> {
  const dir = await tempDir("wasmpack-ws-");
  const list = members.map((m) => `"${m}"`).join(", ");
  const packages = members.map((m) => {
    const toml = TOML.parse(files[`${m}/Cargo.toml`]!) as { package: { name: string; version: string }; dependencies?: Record<string, unknown> };
    return { ...toml.package, dependencies: Object.keys(toml.dependencies ?? {}) };
  });
  return writeTree(dir, { "Cargo.toml": `[workspace]\nmembers = [${list}]\n\n[profile.release]\nopt-level = "s"\n`, "Cargo.lock": cargoLock(packages), ...files });
}

describe("wasmpack build examples/workspace --push PREFIX", () => {
  let registry: RunningRegistry;
  let out: string;
  let result: CliResult;
  beforeAll(async () => {
    registry = await startRegistry();
    out = await tempDir();
    result = await runWasmpack(["build", EXAMPLE("workspace"), "-o", join(out, "oci"), "--push", `${registry.host}/ws`, "--json"], { timeoutMs: 300_000 });
  }, 320_000);
  afterAll(() => registry?.stop());

  it("builds the three services with one cargo build and skips the library once", () => {
    expect(result.exitCode, result.stderr).toBe(0);
    const built = parse(result);
    expect(built.services.map((s) => [s.name, s.kind, s.ok, s.format])).toEqual([
      ["echo-api", "crate", true, "compat"],
      ["greeter", "spin", true, "spin-layout"],
      ["hello-api", "crate", true, "compat"],
    ]);
    expect(built.skipped).toEqual([{ package: "httpkit", reason: expect.stringMatching(/library only/) }]);
    expect(result.stderr.match(/skipped/g)).toHaveLength(1);
    // httpkit compiles once, in the one cargo build of the workspace.
    expect(result.stderr.match(/Compiling httpkit|Fresh httpkit/g)?.length ?? 0).toBeLessThanOrEqual(1);
    for (const service of built.services) expect(service.layout).toBe(join(out, "oci", service.name));
  });

  it("pushes each service to PREFIX/NAME:VERSION, and skopeo pulls back the digest wasmpack printed", async () => {
    const built = parse(result);
    for (const service of built.services) {
      expect(service.ref).toBe(`${registry.host}/ws/${service.name}:0.1.0`);
      expect(service.pushed).toEqual([`${registry.host}/ws/${service.name}@${service.digest}`]);
      const copy = join(out, `skopeo-${service.name}`);
      await skopeoCopy(`docker://${service.pushed![0]}`, `oci:${copy}:x`);
      expect(await layoutDigest(copy, "x")).toBe(service.digest);
    }
  });

  it("builds only what -p selects, and leaves out --exclude", async () => {
    const one = await runWasmpack(["build", EXAMPLE("workspace"), "-o", join(out, "sel"), "-p", "greeter", "--json", "-q"]);
    expect(one.exitCode, one.stderr).toBe(0);
    expect(parse(one).services.map((s) => s.name)).toEqual(["greeter"]);
    const two = await runWasmpack(["build", EXAMPLE("workspace"), "-o", join(out, "sel"), "--exclude", "greeter", "--json", "-q"]);
    expect(two.exitCode, two.stderr).toBe(0);
    expect(parse(two).services.map((s) => s.name)).toEqual(["echo-api", "hello-api"]);
  });

  it("--workspace from inside a member builds the whole workspace; a member alone still builds as one crate", async () => {
    const inside = await runWasmpack(["build", join(EXAMPLE("workspace"), "services/hello-api"), "--workspace", "-o", join(out, "inside"), "--json", "-q"]);
    expect(inside.exitCode, inside.stderr).toBe(0);
    expect(parse(inside).services).toHaveLength(3);
    const alone = await runWasmpack(["build", join(EXAMPLE("workspace"), "services/hello-api"), "-o", join(out, "alone"), "--json", "-q"]);
    expect(alone.exitCode, alone.stderr).toBe(0);
    const single = JSON.parse(alone.stdout) as { digest: string; tag: string };
    expect(single.tag).toBe("0.1.0");
    expect(single.digest).toBe(parse(result).services.find((s) => s.name === "hello-api")!.digest);
  });
});

describe("wasmpack k8s on a workspace", () => {
  it("prints one multi-document YAML: each service on its runtime, pinned in --repo PREFIX/NAME, one RuntimeClass spin", async () => {
    const built = await runWasmpack(["build", EXAMPLE("workspace"), "--json", "-q"], { timeoutMs: 300_000 });
    expect(built.exitCode, built.stderr).toBe(0);
    const digests = Object.fromEntries(parse(built).services.map((s) => [s.name, s.digest]));
    const result = await runWasmpack(["k8s", EXAMPLE("workspace"), "--repo", "registry.example/ws", "-q"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const docs = result.stdout.split(/^---$/m).map((d) => d.trim()).filter(Boolean);
    const kinds = docs.map((d) => `${/^kind: (\S+)/m.exec(d)?.[1]} ${/^  name: (\S+)/m.exec(d)?.[1]}`);
    expect(kinds).toEqual(["Deployment echo-api", "Service echo-api", "RuntimeClass spin", "Deployment greeter", "Service greeter", "Deployment hello-api", "Service hello-api"]);
    for (const [name, digest] of Object.entries(digests)) expect(result.stdout).toContain(`image: registry.example/ws/${name}@${digest}`);
    // Every object is valid Kubernetes (kubernetes-models plus the strict unknown-field check).
    for (const document of YAML.parseAllDocuments(result.stdout)) {
      expect(document.errors).toEqual([]);
      validateStrict(document.toJS() as { apiVersion: string; kind: string });
    }
    expect(docs.find((d) => d.includes("name: greeter") && d.startsWith("apiVersion: apps/v1"))).toMatch(/runtimeClassName: spin/);
    const missing = await runWasmpack(["k8s", EXAMPLE("workspace")], { env: { WASMPACK_REPO: undefined } });
    expect(missing.exitCode).toBe(2);
    expect(lastLine(missing.stderr)).toMatch(/is a workspace: name where its services were pushed with --repo PREFIX/);
  }, 300_000);
});

describe("one registry client for the whole run", () => {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startFaultProxy(Number(registry.host.split(":")[1]), () => undefined);
  });
  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
  });

  it("pings the registry once and mounts the blobs one service pushed into the next one's repository", async () => {
    // Two services built from the same source: their layer and config are the same blobs.
    const same = { body: 'fn main() { println!("same"); }\n' };
    const bin = '\n[[bin]]\nname = "app"\npath = "src/main.rs"\n';
    const files = { ...member("a", same), ...member("b", same) };
    files["a/Cargo.toml"] += bin;
    files["b/Cargo.toml"] += bin;
    const dir = await workspace(["a", "b"], files);
    const result = await runWasmpack(["build", dir, "--push", `${proxy.host}/mono`, "--json"], { timeoutMs: 300_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    const built = parse(result);
    expect(built.services.map((s) => s.pushed?.[0])).toEqual(built.services.map((s) => `${proxy.host}/mono/${s.name}@${s.digest}`));
    // One ping for the whole run, though each service's SBOM and provenance go along too.
    expect(proxy.seen.filter((r) => r.method === "GET" && r.path === "/v2/")).toHaveLength(1);
    // b's layer and config are a's: mounted, not uploaded (its referrers' SBOM and provenance are b's own).
    expect(proxy.seen.filter((r) => r.method === "POST" && r.path.startsWith("/v2/mono/b/blobs/uploads/?mount="))).toHaveLength(2);
    expect(result.stderr).toMatch(/^pushed b .*: 0 blobs uploaded, 0 already there, 2 mounted/m);
    // A correct referrers push on distribution (no referrers API): per image, the API probed once,
    // the sha256-<hex> fallback tag read, the two artifact manifests put by digest, and the
    // fallback index put under that tag, all in the image's own repository.
    for (const service of built.services) {
      const repo = `/v2/mono/${service.name}`;
      const fallback = `${repo}/manifests/${service.digest!.replace(":", "-")}`;
      const requests = (method: string, match: (path: string) => boolean) => proxy.seen.filter((r) => r.method === method && match(r.path));
      expect(requests("GET", (p) => p === `${repo}/referrers/${service.digest}`)).toHaveLength(1);
      expect(requests("GET", (p) => p === fallback)).toHaveLength(1);
      expect(requests("PUT", (p) => p === fallback)).toHaveLength(1);
      expect(requests("PUT", (p) => p.startsWith(`${repo}/manifests/sha256:`))).toHaveLength(2);
      expect(requests("PUT", (p) => p === `${repo}/manifests/0.2.0`)).toHaveLength(1);
    }
  }, 300_000);
});

describe("several DIRs without a workspace", () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(() => registry?.stop());

  it("builds each DIR as its own project and pushes each to WASMPACK_REPO/NAME:VERSION", async () => {
    const out = await tempDir();
    const result = await runWasmpack(["build", EXAMPLE("wasmedge-http"), EXAMPLE("spin-hello"), "-o", out, "--json"], { env: { WASMPACK_REPO: `${registry.host}/apps` }, timeoutMs: 300_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    const built = parse(result);
    expect(built.services.map((s) => [s.name, s.kind, s.layout])).toEqual([
      ["wasmedge-http", "crate", join(out, "wasmedge-http")],
      ["spin-hello", "spin", join(out, "spin-hello")],
    ]);
    for (const service of built.services) {
      expect(service.pushed).toEqual([`${registry.host}/apps/${service.name}@${service.digest}`]);
      const copy = join(out, `skopeo-${service.name}`);
      await skopeoCopy(`docker://${registry.host}/apps/${service.name}:0.1.0`, `oci:${copy}:x`);
      expect(await layoutDigest(copy, "x")).toBe(service.digest);
    }
    expect(result.stderr.match(/^using /gm)).toHaveLength(1);
  }, 300_000);

  it("refuses a workspace among several DIRs, and -p", async () => {
    const both = await runWasmpack(["build", EXAMPLE("workspace"), EXAMPLE("spin-hello")]);
    expect(both.exitCode).toBe(2);
    expect(lastLine(both.stderr)).toMatch(/examples\/workspace is a cargo workspace: build it on its own/);
    const p = await runWasmpack(["build", EXAMPLE("wasmedge-http"), EXAMPLE("spin-hello"), "-p", "x"]);
    expect(p.exitCode).toBe(2);
  });
});

describe("failure isolation", () => {
  let registry: RunningRegistry;
  let dir: string;
  beforeAll(async () => {
    registry = await startRegistry();
    dir = await workspace(["good", "bad", "other"], {
      ...member("good"),
      ...member("bad", { body: 'fn main() { let x: u32 = "no"; }\n' }),
      ...member("other"),
    });
  });
  afterAll(() => registry?.stop());

  it("reports every service, names the failed one with its reason, exits non-zero and pushes nothing", async () => {
    const result = await runWasmpack(["build", dir, "--push", `${registry.host}/iso`, "--json"], { timeoutMs: 300_000 });
    expect(result.exitCode).toBe(1);
    const built = parse(result);
    expect(built.services.map((s) => [s.name, s.ok])).toEqual([["bad", false], ["good", true], ["other", true]]);
    expect(built.services[0]!.error).toMatch(/cargo build failed for .*bad\/Cargo\.toml/);
    expect(result.stderr).toMatch(/^FAILED bad +cargo build failed/m);
    expect(result.stderr).toMatch(/pushed nothing: 1 of 3 services failed \(--keep-going/);
    expect(lastLine(result.stderr)).toBe("wasmpack: 1 of 3 services failed (bad); pushed nothing");
    expect(built.services.every((s) => s.pushed === undefined)).toBe(true);
    // Stripped modules go to the workspace's target/, beside the layout; no member gets a target/ of its own.
    expect(existsSync(join(dir, "target", "wasmpack", "good", "wasm", "good.wasm"))).toBe(true);
    expect(existsSync(join(dir, "good", "target"))).toBe(false);
  }, 300_000);

  it("--keep-going pushes the services that built", async () => {
    const result = await runWasmpack(["build", dir, "--push", `${registry.host}/iso`, "--keep-going", "--json"], { timeoutMs: 300_000 });
    expect(result.exitCode).toBe(1);
    const built = parse(result);
    const good = built.services.find((s) => s.name === "good")!;
    expect(good.pushed).toEqual([`${registry.host}/iso/good@${good.digest}`]);
    expect(lastLine(result.stderr)).toBe("wasmpack: 1 of 3 services failed (bad); pushed the 2 that built (--keep-going)");
  }, 300_000);
});

describe("bad input on a workspace", () => {
  const run = (dir: string, args: string[] = []) => runWasmpack(["build", dir, ...args], { timeoutMs: 300_000 });

  it("two members with the same image name", async () => {
    const dir = await workspace(["a", "b"], { ...member("a", { metadata: 'image = "api"' }), ...member("b", { metadata: 'image = "api"' }) });
    const result = await run(dir);
    expect(result.exitCode).toBe(1);
    expect(lastLine(result.stderr)).toMatch(/^wasmpack: members a \(a\) and b \(b\) both make image api; set \[package\.metadata\.wasmpack\] image/);
  });

  it("a -p that names no member, and -p on a single crate", async () => {
    const dir = await workspace(["a"], member("a"));
    const result = await run(dir, ["-p", "nope"]);
    expect(result.exitCode).toBe(2);
    expect(lastLine(result.stderr)).toMatch(/^wasmpack: -p nope names no member of the workspace at .* \(members: a\)$/);
    const crate = await run(join(dir, "a"), ["-p", "a"]);
    expect(crate.exitCode).toBe(2);
    expect(lastLine(crate.stderr)).toMatch(/-p: only on a workspace/);
  });

  it("members on different targets", async () => {
    const dir = await workspace(["a", "b"], { ...member("a", { metadata: 'target = "wasm32-wasi"' }), ...member("b", { metadata: 'target = "wasm32-wasip1"' }) });
    const result = await run(dir);
    expect(result.exitCode).toBe(1);
    expect(lastLine(result.stderr)).toMatch(/different targets in \[package\.metadata\.wasmpack\] \(a → wasm32-wasi; b → wasm32-wasip1\)/);
  });

  it("a Spin app whose source points into the workspace's shared target/", async () => {
    const spin = 'spin_manifest_version = 2\n[application]\nname = "app"\n[[trigger.http]]\nroute = "/..."\ncomponent = "app"\n[component.app]\nsource = "../target/wasm32-wasi/release/app.wasm"\n[component.app.build]\ncommand = "cargo build --target wasm32-wasi --release"\n';
    const dir = await workspace(["app"], { ...member("app"), "app/spin.toml": spin });
    const result = await run(dir);
    expect(result.exitCode).toBe(1);
    expect(lastLine(result.stderr)).toMatch(/component app source "\.\.\/target\/wasm32-wasi\/release\/app\.wasm" points into the workspace's shared target\//);
  });

  it("a PREFIX with a tag or a digest, before cargo runs", async () => {
    const dir = await workspace(["a"], member("a"));
    for (const prefix of ["127.0.0.1:5000/ws:1.0", `127.0.0.1:5000/ws@sha256:${"a".repeat(64)}`]) {
      const result = await run(dir, ["--push", prefix]);
      expect(result.exitCode).toBe(2);
      expect(lastLine(result.stderr)).toMatch(/on a workspace this is a repository prefix, and each service goes to PREFIX\/NAME:VERSION; drop the (tag|digest)/);
      expect(existsSync(join(dir, "target"))).toBe(false);
    }
  });

  it("skip = true and library-only members are left out, each said once; nothing left is an error", async () => {
    const dir = await workspace(["lib", "skipped", "svc"], { ...member("lib", { lib: true }), ...member("skipped", { metadata: "skip = true" }), ...member("svc", { deps: 'lib = { path = "../lib" }' }) });
    const result = await run(dir, ["--json"]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parse(result).services.map((s) => s.name)).toEqual(["svc"]);
    expect(result.stderr.match(/^note: lib: skipped, a library only/gm)).toHaveLength(1);
    expect(result.stderr.match(/^note: skipped: skipped, \[package\.metadata\.wasmpack\] skip = true/gm)).toHaveLength(1);
    const none = await run(dir, ["-p", "lib"]);
    expect(none.exitCode).toBe(1);
    expect(lastLine(none.stderr)).toMatch(/no selected member of the workspace at .* builds a wasm binary or is a Spin app/);
  });
});
