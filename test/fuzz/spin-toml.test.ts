// Fuzzing spin.toml reading: the example's manifest (and a v1 one) edited with TOML grammar
// pieces, retyped, cut short. Every case gives a SpinApp or a WasmpackError, fast, and whatever
// is accepted keeps its paths inside the app directory.
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { parseSpinManifest, readSpinManifest } from "../../packages/builder/src/project/spin-manifest.js";
import { tempDir } from "../support/temp.js";
import { asyncOutcome, syncOutcome } from "./support.js";
import { tomlInputs } from "./toml-support.js";

const V2 = readFileSync(new URL("../../examples/spin-hello/spin.toml", import.meta.url), "utf8");
const V2_FULL = `${V2}
[component.hello.build.extra]
workdir = "app"

[component.static]
source = { url = "https://example.com/fileserver.wasm", digest = "sha256:abc" }
files = ["static", { source = "assets", destination = "/assets" }]
`;
const V1 = `spin_manifest_version = "1"
name = "v1-app"
version = "1.0.0"
authors = ["someone"]
trigger = { type = "http", base = "/" }

[[component]]
id = "hello"
source = "target/hello.wasm"
files = ["static"]
[component.trigger]
route = "/..."
[component.build]
command = ["cargo build", "true"]
workdir = "crate"
`;

const inputs = fc.oneof(tomlInputs(V2), tomlInputs(V2_FULL), tomlInputs(V1));

/** What a parsed app promises its readers: relative, normalised paths inside the app. */
function insideApp(path: string): boolean {
  return !path.startsWith("/") && path !== ".." && !path.startsWith("../") && !path.split("/").includes("..") && path !== "";
}

describe("fuzz: spin.toml", () => {
  it("parseSpinManifest: a SpinApp whose paths stay inside the app, or a WasmpackError", () => {
    // The real manifests parse.
    for (const text of [V2, V2_FULL, V1]) expect(parseSpinManifest(text, "spin.toml").components.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(inputs, (text) => {
        const outcome = syncOutcome(() => parseSpinManifest(text, "spin.toml"));
        if (!outcome.ok) return;
        for (const component of outcome.value.components) {
          expect(typeof component.id).toBe("string");
          if (component.source.kind === "path") expect(insideApp(component.source.path)).toBe(true);
          for (const f of component.files) expect(insideApp(f.source)).toBe(true);
          if (component.build?.workdir) expect(insideApp(component.build.workdir)).toBe(true);
          expect(component.build?.commands.every((c) => typeof c === "string") ?? true).toBe(true);
        }
        expect(outcome.value.authors.every((a) => typeof a === "string")).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  let dir: string;
  beforeAll(async () => {
    dir = await tempDir("wasmpack-fuzz-spin-");
  });

  it("readSpinManifest: the same from a file (also not UTF-8)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(inputs.map((t) => Buffer.from(t)), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.concat([Buffer.from(V2), b]))), async (bytes) => {
        await writeFile(join(dir, "spin.toml"), bytes);
        await asyncOutcome(() => readSpinManifest(dir));
      }),
      { numRuns: 300 },
    );
  });
});
