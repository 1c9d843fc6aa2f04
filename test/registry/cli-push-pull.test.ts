import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE, buildJson } from "../support/build.js";
import { REPO_ROOT, lastLine, runCommand, runWasmpack, type CliResult } from "../support/cli.js";
import { layoutDigest, skopeoCopy, startRegistry, startTokenRegistry, type RunningRegistry, type TokenRegistry } from "../support/registry/index.js";
import { tempDir } from "../support/temp.js";

const PASSWORD = "s3cret-Pa55word-for-tests";

/** Each suite gets its own HOME (Docker config) and state dir (build record), and runs from `cwd`. */
async function sandbox() {
  const root = await tempDir();
  const cwd = join(root, "cwd");
  await mkdir(cwd, { recursive: true });
  const env = { HOME: join(root, "home"), XDG_STATE_HOME: join(root, "state"), DOCKER_CONFIG: join(root, "docker"), WASMPACK_REGISTRY_PASSWORD: undefined };
  const wasmpack = (args: string[], input?: string) => runWasmpack(args, { cwd, env, ...(input !== undefined ? { input } : {}) });
  return { root, cwd, env, wasmpack };
}

function expectNoSecret(result: CliResult) {
  expect(result.stdout + result.stderr).not.toContain(PASSWORD);
}

async function buildSpinHello(box: Awaited<ReturnType<typeof sandbox>>, extra: string[] = []): Promise<{ digest: string; layout: string }> {
  return buildJson(EXAMPLE("spin-hello"), join(box.root, "oci"), ["-q", ...extra], { cwd: box.cwd, env: box.env });
}


/** `wasmpack build examples/spin-hello --push REF` in one step; skopeo must copy back the same digest. */
async function buildAndPush(box: Awaited<ReturnType<typeof sandbox>>, ref: string, creds?: string): Promise<void> {
  const result = await box.wasmpack(["build", join(REPO_ROOT, "examples/spin-hello"), "-o", join(box.root, "oci-push"), "--push", ref, "--json", "-q"]);
  expect(result.exitCode, result.stderr).toBe(0);
  expectNoSecret(result);
  const built = JSON.parse(result.stdout) as { digest: string; pushed: string[] };
  expect(built.pushed).toEqual([`${ref.slice(0, ref.lastIndexOf(":"))}@${built.digest}`]);
  const out = join(box.root, `skopeo-${built.digest.slice(7, 15)}-${ref.length}`);
  await skopeoCopy(`docker://${ref}`, `oci:${out}:x`, creds ? { srcCreds: creds } : {});
  expect(await layoutDigest(out, "x")).toBe(built.digest);
}

describe("wasmpack build, then push, against an open registry", () => {
  let registry: RunningRegistry;
  let box: Awaited<ReturnType<typeof sandbox>>;
  let built: { digest: string; layout: string };
  beforeAll(async () => {
    registry = await startRegistry();
    box = await sandbox();
    built = await buildSpinHello(box);
  });
  afterAll(() => registry?.stop());

  it("pushes the last build from the same directory, prints REPO@DIGEST, and skopeo copies back the same digest", async () => {
    const ref = `${registry.host}/spin-hello:1.0`;
    const pushed = await box.wasmpack(["push", ref]);
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    expect(pushed.stdout.trim()).toBe(`${registry.host}/spin-hello@${built.digest}`);
    const out = join(box.root, "skopeo");
    await skopeoCopy(`docker://${ref}`, `oci:${out}:1.0`);
    expect(await layoutDigest(out, "1.0")).toBe(built.digest);
  });

  it("builds and pushes in one step with build --push", async () => {
    await buildAndPush(box, `${registry.host}/spin-hello:1.0-onestep`);
  });

  it("skips every blob on a warm push and writes extra --tag tags", async () => {
    const pushed = await box.wasmpack(["push", `${registry.host}/spin-hello:1.0`, "--tag", "latest", "--json"]);
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    const result = JSON.parse(pushed.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ digest: built.digest, pushed: 0, skipped: 2, tags: ["1.0", "latest"] });
    const out = join(box.root, "skopeo-latest");
    await skopeoCopy(`docker://${registry.host}/spin-hello:latest`, `oci:${out}:latest`);
    expect(await layoutDigest(out, "latest")).toBe(built.digest);
  });

  it("pulls it back into a layout with the same digest", async () => {
    const out = join(box.root, "pulled");
    const pulled = await box.wasmpack(["pull", `${registry.host}/spin-hello:1.0`, "-o", out, "--json"]);
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    expect(JSON.parse(pulled.stdout)).toMatchObject({ digest: built.digest, layout: out });
    expect(await layoutDigest(out, "1.0")).toBe(built.digest);
  });

  it("inspects the pushed image and the local layout alike", async () => {
    const remote = await box.wasmpack(["inspect", `${registry.host}/spin-hello:1.0`, "--json"]);
    expect(remote.exitCode, remote.stderr).toBe(0);
    const local = await box.wasmpack(["inspect", `${built.layout}:0.1.0`, "--json"]);
    expect(local.exitCode, local.stderr).toBe(0);
    for (const result of [remote, local]) {
      const view = JSON.parse(result.stdout) as { digest: string; kind: string; config: { os: string; config: { Entrypoint: string[] } } };
      expect(view).toMatchObject({ digest: built.digest, kind: "spin-layout" });
      expect(view.config.config.Entrypoint).toEqual(["/"]);
    }
    const human = await box.wasmpack(["inspect", `${registry.host}/spin-hello:1.0`]);
    expect(human.stdout).toMatch(/kind\s+spin-layout: containerd-shim-spin/);
    expect(human.stdout).toMatch(/platform\s+wasi\/wasm/);
  });

  it("leaves no layout behind when a pull fails", async () => {
    const out = join(box.root, "never");
    const result = await box.wasmpack(["pull", `${registry.host}/spin-hello:nope`, "-o", out]);
    expect(result.exitCode).toBe(5);
    expect(lastLine(result.stderr)).toMatch(/^wasmpack: pull from .*spin-hello: manifest "nope" not found/);
    expect(existsSync(out)).toBe(false);
  });

  it("pushes --from a layout", async () => {
    const pushed = await box.wasmpack(["push", `${registry.host}/other/app:v2`, "--from", built.layout]);
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    expect(pushed.stdout.trim()).toBe(`${registry.host}/other/app@${built.digest}`);
  });

  it("refuses --from LAYOUT:TAG with a different --source-tag instead of pushing either", async () => {
    const result = await box.wasmpack(["push", `${registry.host}/other/app:v3`, "--from", `${built.layout}:0.1.0`, "--source-tag", "other"]);
    expect(result.exitCode).toBe(2);
    expect(lastLine(result.stderr)).toBe(`wasmpack: --from ${built.layout}:0.1.0 names tag 0.1.0, --source-tag names other: give one`);
    const same = await box.wasmpack(["push", `${registry.host}/other/app:v3`, "--from", `${built.layout}:0.1.0`, "--source-tag", "0.1.0"]);
    expect(same.exitCode, same.stderr).toBe(0);
  });

  it("fails with one line and the network exit code when the registry is unreachable", async () => {
    const result = await box.wasmpack(["push", "127.0.0.1:1/app:1"]);
    expect(result.exitCode).toBe(4);
    expect(lastLine(result.stderr)).toMatch(/^wasmpack: .*127\.0\.0\.1:1/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("tells a user with nothing built what to do", async () => {
    const other = await sandbox();
    const result = await other.wasmpack(["push", `${registry.host}/x:1`]);
    expect(result.exitCode).toBe(2);
    expect(lastLine(result.stderr)).toBe("wasmpack: no image to push: run `wasmpack build` in this directory first, or pass --from LAYOUT");
  });
});

describe("against a registry with htpasswd basic auth", () => {
  let registry: RunningRegistry;
  let box: Awaited<ReturnType<typeof sandbox>>;
  let built: { digest: string; layout: string };
  beforeAll(async () => {
    registry = await startRegistry({ kind: "htpasswd", users: { alice: PASSWORD } });
    box = await sandbox();
    built = await buildSpinHello(box);
  });
  afterAll(() => registry?.stop());

  it("refuses a push without credentials with the auth exit code", async () => {
    const result = await box.wasmpack(["push", `${registry.host}/spin-hello:1.0`]);
    expect(result.exitCode).toBe(3);
    expect(lastLine(result.stderr)).toMatch(/^wasmpack: .*spin-hello/);
  });

  it("rejects a wrong password at login and saves nothing", async () => {
    const result = await box.wasmpack(["login", registry.host, "-u", "alice", "--password-stdin"], "wrong-password\n");
    expect(result.exitCode).toBe(3);
    expect(result.stderr).not.toContain("wrong-password");
  });

  it("logs in, pushes with the saved credentials, and skopeo agrees", async () => {
    const login = await box.wasmpack(["login", registry.host, "-u", "alice", "--password-stdin"], `${PASSWORD}\n`);
    expect(login.exitCode, login.stderr).toBe(0);
    expectNoSecret(login);
    const pushed = await box.wasmpack(["push", `${registry.host}/spin-hello:1.0`]);
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    expectNoSecret(pushed);
    const out = join(box.root, "skopeo");
    await skopeoCopy(`docker://${registry.host}/spin-hello:1.0`, `oci:${out}:1.0`, { srcCreds: `alice:${PASSWORD}` });
    expect(await layoutDigest(out, "1.0")).toBe(built.digest);
  });

  it("builds and pushes in one step with the saved credentials", async () => {
    await buildAndPush(box, `${registry.host}/spin-hello:onestep`, `alice:${PASSWORD}`);
  });

  it("pulls with credentials from the environment", async () => {
    const other = await sandbox();
    const result = await runWasmpack(["pull", `${registry.host}/spin-hello:1.0`, "-o", join(other.root, "pulled"), "-u", "alice"], {
      cwd: other.cwd,
      env: { ...other.env, WASMPACK_REGISTRY_PASSWORD: PASSWORD },
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await layoutDigest(join(other.root, "pulled"), "1.0")).toBe(built.digest);
  });

  it("logs out", async () => {
    const logout = await box.wasmpack(["logout", registry.host]);
    expect(logout.exitCode, logout.stderr).toBe(0);
    const result = await box.wasmpack(["push", `${registry.host}/spin-hello:2.0`]);
    expect(result.exitCode).toBe(3);
  });
});

describe("against a registry with token auth", () => {
  let fixture: TokenRegistry;
  let box: Awaited<ReturnType<typeof sandbox>>;
  let built: { digest: string; layout: string };
  beforeAll(async () => {
    fixture = await startTokenRegistry({ users: { bob: { password: PASSWORD } } });
    box = await sandbox();
    built = await buildSpinHello(box);
  });
  afterAll(() => fixture?.stop());

  it("logs in, pushes through the token flow, and skopeo copies back the same digest", async () => {
    const host = fixture.registry.host;
    const login = await box.wasmpack(["login", host, "-u", "bob", "--password-stdin"], PASSWORD);
    expect(login.exitCode, login.stderr).toBe(0);
    const pushed = await box.wasmpack(["push", `${host}/org/spin-hello:1.0`, "--json"]);
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    expectNoSecret(pushed);
    expect(JSON.parse(pushed.stdout)).toMatchObject({ digest: built.digest, pushed: 2 });
    const out = join(box.root, "skopeo");
    await skopeoCopy(`docker://${host}/org/spin-hello:1.0`, `oci:${out}:1.0`, { srcCreds: `bob:${PASSWORD}` });
    expect(await layoutDigest(out, "1.0")).toBe(built.digest);
  });

  it("builds and pushes in one step through the token flow", async () => {
    await buildAndPush(box, `${fixture.registry.host}/org/spin-hello:onestep`, `bob:${PASSWORD}`);
  });
});

describe("progress on a terminal", () => {
  let registry: RunningRegistry;
  let box: Awaited<ReturnType<typeof sandbox>>;
  beforeAll(async () => {
    registry = await startRegistry();
    box = await sandbox();
    await buildSpinHello(box);
  });
  afterAll(() => registry?.stop());

  it("redraws one status line on a TTY and prints plain lines otherwise", async () => {
    // util-linux `script` runs the command on a pseudo-terminal, as a person's shell would.
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(REPO_ROOT, "packages/cli/dist/bin.js"))} push ${registry.host}/tty/app:1`;
    const onTty = await runCommand("script", ["-qec", command, "/dev/null"], { cwd: box.cwd, env: box.env });
    expect(onTty.exitCode, onTty.stdout).toBe(0);
    expect(onTty.stdout).toContain("\r\x1b[2Kpushed "); // the live status line, redrawn in place
    expect(onTty.stdout).toMatch(/manifest → 1/);

    const piped = await box.wasmpack(["push", `${registry.host}/piped/app:1`]);
    expect(piped.exitCode, piped.stderr).toBe(0);
    expect(piped.stderr).not.toContain("\x1b[");
    expect(piped.stderr).toMatch(/^ {2}[0-9a-f]{12} +[\d.]+ KiB {2}pushed$/m);
  });
});
