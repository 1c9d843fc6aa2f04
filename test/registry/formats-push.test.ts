import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runWasmpack } from "../support/cli.js";
import { layoutDigest, skopeoDigest, startRegistry, type RunningRegistry } from "../support/registry/index.js";
import { tempDir } from "../support/temp.js";
import { PYTHON } from "../support/wasm-runner/run-wasmedge.js";

const RUN_COMPONENT = fileURLToPath(new URL("../formats/run_component.py", import.meta.url));

interface Built {
  images: { format: string; tag: string; digest: string }[];
  pushed: string[];
}

describe("every format of one build, pushed and pulled back", () => {
  let registry: RunningRegistry;
  let root: string;
  let built: Built;
  const env = () => ({ HOME: join(root, "home"), XDG_STATE_HOME: join(root, "state") });

  beforeAll(async () => {
    registry = await startRegistry();
    root = await tempDir();
    const result = await runWasmpack(
      ["build", join(REPO_ROOT, "examples/spin-hello"), "-o", join(root, "oci"), "--format", "spin-layout,spin-artifact,wasm-artifact", "--component", "command", "--push", `${registry.host}/spin-hello:1.0`, "--json", "-q"],
      { env: env() },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    built = JSON.parse(result.stdout) as Built;
  });
  afterAll(() => registry?.stop());

  it("pushes each format as its own tag of one repository, never an index", async () => {
    expect(built.images.map((i) => [i.format, i.tag])).toEqual([["spin-layout", "0.1.0"], ["spin-artifact", "0.1.0-spin"], ["wasm-artifact", "0.1.0-wasm"]]);
    const tags = { "spin-layout": "1.0", "spin-artifact": "1.0-spin", "wasm-artifact": "1.0-wasm" } as Record<string, string>;
    for (const image of built.images) {
      expect(await skopeoDigest(`docker://${registry.host}/spin-hello:${tags[image.format]}`)).toBe(image.digest);
    }
    expect(built.pushed).toEqual(built.images.map((i) => `${registry.host}/spin-hello@${i.digest}`));
  });

  it("pulls the component artifact back with wasmpack pull, and Wasmtime runs it", async () => {
    const out = join(root, "pulled");
    const pulled = await runWasmpack(["pull", `${registry.host}/spin-hello:1.0-wasm`, "-o", out], { env: env() });
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    const digest = await layoutDigest(out, "1.0-wasm");
    expect(digest).toBe(built.images[2]!.digest);

    const manifest = JSON.parse(await readFile(join(out, "blobs/sha256", digest!.slice(7)), "utf8")) as { config: { digest: string }; layers: { digest: string }[] };
    const config = JSON.parse(await readFile(join(out, "blobs/sha256", manifest.config.digest.slice(7)), "utf8")) as { os: string; component: { exports: string[] } };
    expect(config.os).toBe("wasip2");
    const component = join(out, "blobs/sha256", manifest.layers[0]!.digest.slice(7));
    const stdin = join(root, "stdin");
    const stdout = join(root, "stdout");
    await writeFile(stdin, "");
    const run = spawnSync(PYTHON, [RUN_COMPONENT, component, config.component.exports[0]!, stdin, stdout, "REQUEST_METHOD=GET", "PATH_INFO=/pulled", "X_FULL_URL=http://localhost:3000/pulled"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.stdout.trim(), run.stderr).toBe("ok");
    const response = await readFile(stdout, "utf8");
    expect(response).toMatch(/^Content-Type: text\/plain/);
    expect(response).toContain("Hello from Spin (Wagi) on wasmpack! You asked for /pulled");
  });
});
