import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, lastLine, runWasmpack } from "../support/cli.js";
import { skopeoDigest, startRegistry, type RunningRegistry } from "../support/registry/index.js";
import { tempDir } from "../support/temp.js";

const APP_YAML = `# Two Wasm services and a sidecar
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello   # the Spin one
spec:
  template:
    spec:
      runtimeClassName: spin
      containers:
        - name: spin
          image: wasmpack://examples/spin-hello
          command: ["/"]
        - name: edge
          image: "wasmpack://examples/wasmedge-http"
        - name: proxy
          image: envoyproxy/envoy:v1.31   # untouched
---
apiVersion: v1
kind: Service
metadata: { name: hello }
spec:
  ports: [{ port: 80 }]
`;

describe("wasmpack resolve", () => {
  let registry: RunningRegistry;
  let root: string;
  beforeAll(async () => {
    registry = await startRegistry();
    root = await tempDir();
  });
  afterAll(() => registry?.stop());

  it("builds and pushes each wasmpack:// image and changes only those two lines", async () => {
    const file = join(root, "app.yaml");
    await writeFile(file, APP_YAML);
    const env = { HOME: join(root, "home"), XDG_STATE_HOME: join(root, "state"), WASMPACK_REPO: `${registry.host}/team` };
    const result = await runWasmpack(["resolve", "-f", file], { cwd: REPO_ROOT, env });
    expect(result.exitCode, result.stderr).toBe(0);

    const before = APP_YAML.split("\n");
    const after = `${result.stdout}`.split("\n");
    expect(after.length).toBe(before.length);
    const changed = after.flatMap((line, i) => (line === before[i] ? [] : [[before[i], line]]));
    expect(changed.map(([from]) => from)).toEqual(["          image: wasmpack://examples/spin-hello", '          image: "wasmpack://examples/wasmedge-http"']);

    // Each new line pins a digest that the registry really serves for that repository.
    for (const [, line] of changed) {
      const ref = /image: (\S+)@(sha256:[a-f0-9]{64})$/.exec(line!);
      expect(ref, line).not.toBeNull();
      expect(await skopeoDigest(`docker://${ref![1]}@${ref![2]}`)).toBe(ref![2]);
    }
    expect(changed[0]![1]).toContain(`${registry.host}/team/spin-hello@sha256:`);
    expect(changed[1]![1]).toContain(`${registry.host}/team/wasmedge-http@sha256:`);
  });

  it("asks for a repository when none is given", async () => {
    const file = join(root, "plain.yaml");
    await writeFile(file, "image: wasmpack://examples/spin-hello\n");
    const result = await runWasmpack(["resolve", "-f", file], { env: { WASMPACK_REPO: undefined, XDG_STATE_HOME: join(root, "state2") } });
    expect(result.exitCode).toBe(2);
    expect(lastLine(result.stderr)).toMatch(/needs --repo/);
    expect(await readFile(file, "utf8")).toBe("image: wasmpack://examples/spin-hello\n");
  });
});
