import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSpinManifest } from "./spin-manifest.js";

async function read(text: string) {
  const dir = await mkdtemp(join(tmpdir(), "spin-manifest-"));
  await writeFile(join(dir, "spin.toml"), text);
  return readSpinManifest(dir);
}

describe("readSpinManifest", () => {
  it("reads a version 2 manifest with files, build and url sources", async () => {
    const app = await read(`spin_manifest_version = 2
[application]
name = "app"
version = "2.0.0"
authors = ["A <a@example.com>"]
[[trigger.http]]
route = "/..."
component = "web"
[component.web]
source = "./target/wasm32-wasi/release/web.wasm"
files = ["static/", { source = "assets", destination = "/a" }]
[component.web.build]
command = ["cargo build --target wasm32-wasi --release", "echo done"]
workdir = "web"
[component.fileserver]
source = { url = "https://example.com/fs.wasm", digest = "sha256:abc" }
`);
    expect(app.manifestVersion).toBe(2);
    expect([app.name, app.version, app.authors]).toEqual(["app", "2.0.0", ["A <a@example.com>"]]);
    expect(app.components).toEqual([
      {
        id: "web",
        source: { kind: "path", path: "target/wasm32-wasi/release/web.wasm" },
        files: [{ source: "static", destination: "/static/" }, { source: "assets", destination: "/a" }],
        build: { commands: ["cargo build --target wasm32-wasi --release", "echo done"], workdir: "web" },
      },
      { id: "fileserver", source: { kind: "url", url: "https://example.com/fs.wasm", digest: "sha256:abc" }, files: [] },
    ]);
  });

  it("reads a version 1 manifest", async () => {
    const app = await read(`spin_manifest_version = "1"
name = "old"
version = "1.0.0"
trigger = { type = "http", base = "/" }
[[component]]
id = "hello"
source = "hello.wasm"
[component.trigger]
route = "/hello"
`);
    expect([app.manifestVersion, app.name, app.components.map((c) => c.id)]).toEqual([1, "old", ["hello"]]);
  });

  it("rejects inline trigger components with a pointer to the fix", async () => {
    await expect(read(`spin_manifest_version = 2\n[application]\nname = "x"\n[[trigger.http]]\nroute = "/"\ncomponent = { source = "a.wasm" }\n`)).rejects.toThrow(
      "trigger.http[0].component is an inline component",
    );
  });
});
