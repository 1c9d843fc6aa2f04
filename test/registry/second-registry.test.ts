import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE, buildJson, type BuildJson } from "../support/build.js";
import { runWasmpack } from "../support/cli.js";
import { findCrane, layoutDigest, skopeoCopy, startCraneRegistry } from "../support/registry/index.js";
import { tempDir } from "../support/temp.js";

const crane = findCrane();

// distribution is the registry every other test runs; this one checks wasmpack against a second
// implementation (go-containerregistry's). crane comes from `go install`, which needs Go.
describe.skipIf(!crane)("push and pull against go-containerregistry's registry (crane registry serve)", () => {
  let registry: Awaited<ReturnType<typeof startCraneRegistry>>;
  let root: string;
  let built: BuildJson;
  const env = () => ({ HOME: join(root, "home"), XDG_STATE_HOME: join(root, "state") });

  beforeAll(async () => {
    registry = await startCraneRegistry(crane!);
    root = await tempDir();
    built = await buildJson(EXAMPLE("wasmedge-http"), join(root, "oci"), ["-q"], { env: env() });
  });
  afterAll(() => registry?.stop());

  it("pushes, then skopeo and wasmpack both read back the same digest", async () => {
    const ref = `${registry.host}/wasmedge-http:0.1.0`;
    const pushed = await runWasmpack(["push", ref, "--from", built.layout], { env: env() });
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    expect(pushed.stdout.trim()).toBe(`${registry.host}/wasmedge-http@${built.digest}`);
    await skopeoCopy(`docker://${ref}`, `oci:${join(root, "skopeo")}:0.1.0`);
    expect(await layoutDigest(join(root, "skopeo"), "0.1.0")).toBe(built.digest);
    const pulled = await runWasmpack(["pull", ref, "-o", join(root, "pulled")], { env: env() });
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    expect(await layoutDigest(join(root, "pulled"), "0.1.0")).toBe(built.digest);
  });

  it("skips every blob on a warm push", async () => {
    const pushed = await runWasmpack(["push", `${registry.host}/wasmedge-http:0.1.0`, "--from", built.layout, "--json"], { env: env() });
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    expect(JSON.parse(pushed.stdout)).toMatchObject({ digest: built.digest, pushed: 0, skipped: 2 });
  });
});
