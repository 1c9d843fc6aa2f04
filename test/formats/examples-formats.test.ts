// Both examples in every format that fits them, each format its own tagged manifest in one
// layout, skopeo as the judge of what was written, and every format built twice to the same digest.

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { lastLine } from "../support/cli.js";
import { EXAMPLE, build, buildOk, type BuildJson } from "../support/build.js";
import { BUILD_REFERRERS, layoutEntries, referrerTypes, skopeoInspect } from "../support/judges.js";
import { tempDir } from "../support/temp.js";
import { manifestOf, readBlob } from "./support.js";

const digests = (result: BuildJson) => Object.fromEntries(result.images.map((i) => [i.tag, i.digest]));

describe("examples/wasmedge-http as compat and wasm-artifact", () => {
  let dir: string;
  let first: BuildJson;
  beforeAll(async () => {
    dir = await tempDir();
    first = await buildOk(EXAMPLE("wasmedge-http"), join(dir, "a"), ["--format", "compat", "--format", "wasm-artifact"]);
  });

  it("tags compat plainly and wasm-artifact as TAG-wasm, each a manifest skopeo reads", async () => {
    expect(first.images.map((i) => [i.format, i.tag, i.platform])).toEqual([
      ["compat", "0.1.0", "wasi/wasm"],
      ["wasm-artifact", "0.1.0-wasm", "wasip1/wasm"],
    ]);
    expect([first.digest, first.tag, first.format]).toEqual([first.images[0]!.digest, "0.1.0", "compat"]);
    for (const image of first.images) {
      const raw = await skopeoInspect(first.layout, image.tag, "manifest");
      expect(raw["mediaType"]).toBe("application/vnd.oci.image.manifest.v1+json");
      const { descriptor } = await manifestOf(first.layout, image.tag);
      expect(descriptor.digest).toBe(image.digest);
    }
    // The layout holds the two images and nothing else but their referrers: an SBOM and provenance each.
    const { images, referrers } = await layoutEntries(first.layout);
    expect(images.map((m) => m.digest)).toEqual(first.images.map((i) => i.digest));
    for (const image of first.images) expect(referrerTypes(referrers, image.digest)).toEqual(BUILD_REFERRERS);
    expect(referrers).toHaveLength(2 * BUILD_REFERRERS.length);
  });

  it("packages the same module bytes in both images", async () => {
    const wasm = await readFile(first.wasm[0]!.path);
    const { manifest } = await manifestOf(first.layout, "0.1.0-wasm");
    expect((await readBlob(first.layout, manifest.layers[0]!.digest)).equals(wasm)).toBe(true);
  });

  it("gives the same digests when built again, and the same compat image as a compat-only build", async () => {
    const again = await buildOk(EXAMPLE("wasmedge-http"), join(dir, "b"), ["--format", "compat,wasm-artifact"]);
    expect(digests(again)).toEqual(digests(first));
    const alone = await buildOk(EXAMPLE("wasmedge-http"), join(dir, "c"));
    expect(alone.images).toEqual([first.images[0]]);
  });

  it("refuses --component: its WasmEdge socket imports have no WASI preview 1 adapter, and nothing is written", async () => {
    const output = join(dir, "component");
    const result = await build(EXAMPLE("wasmedge-http"), output, ["--format", "wasm-artifact", "--component", "command"]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    const line = lastLine(result.stderr);
    expect(line).toMatch(/^wasmpack: cannot make a component of wasmedge-http \(.*wasmedge-http\.wasm\): it imports wasi_snapshot_preview1 functions the WASI preview 1 adapter does not provide: (sock_\w+, )*sock_\w+ \(WasmEdge socket functions\); package it as a core module \(drop --component\)$/);
    expect(line).toContain("sock_open");
    expect(existsSync(output)).toBe(false);
  });
});

describe("examples/spin-hello as spin-layout, spin-artifact and wasm-artifact", () => {
  let dir: string;
  let first: BuildJson;
  beforeAll(async () => {
    dir = await tempDir();
    first = await buildOk(EXAMPLE("spin-hello"), join(dir, "a"), ["--format", "spin-layout,spin-artifact,wasm-artifact"]);
  });

  it("writes three tagged manifests that skopeo reads, never an index", async () => {
    expect(first.images.map((i) => [i.format, i.tag, i.platform])).toEqual([
      ["spin-layout", "0.1.0", "wasi/wasm"],
      ["spin-artifact", "0.1.0-spin", "wasip1/wasm"],
      ["wasm-artifact", "0.1.0-wasm", "wasip1/wasm"],
    ]);
    for (const image of first.images) {
      const raw = await skopeoInspect(first.layout, image.tag, "manifest");
      expect(raw["schemaVersion"]).toBe(2);
      expect(raw["mediaType"]).toBe("application/vnd.oci.image.manifest.v1+json");
      expect(raw["manifests"]).toBeUndefined();
    }
  });

  it("gives the same digests when built again, also for the component", async () => {
    const again = await buildOk(EXAMPLE("spin-hello"), join(dir, "b"), ["--format", "spin-layout,spin-artifact,wasm-artifact"]);
    expect(digests(again)).toEqual(digests(first));
    const component = await buildOk(EXAMPLE("spin-hello"), join(dir, "c"), ["--format", "wasm-artifact", "--component", "command"]);
    const componentAgain = await buildOk(EXAMPLE("spin-hello"), join(dir, "d"), ["--format", "wasm-artifact", "--component", "command"]);
    expect(componentAgain.digest).toBe(component.digest);
    expect(component.images[0]!.platform).toBe("wasip2/wasm");
  });

  it("follows --tag-suffix and --runtime, which picks the default format", async () => {
    const suffixed = await buildOk(EXAMPLE("spin-hello"), join(dir, "e"), ["--format", "spin-artifact", "--format", "spin-layout", "--tag-suffix", "spin-layout=shim"]);
    expect(suffixed.images.map((i) => i.tag)).toEqual(["0.1.0", "0.1.0-shim"]);
    expect(suffixed.images[0]!.digest).toBe(first.images[1]!.digest);
    const wasmedge = await buildOk(EXAMPLE("spin-hello"), join(dir, "f"), ["--runtime", "wasmedge"]);
    expect(wasmedge.images.map((i) => i.format)).toEqual(["compat"]);
  });
});

describe("wasmpack build rejects bad format flags with exit 2 and nothing written", () => {
  const cases = [
    { args: ["--format", "docker"], error: /^wasmpack: --format: "docker" is not one of compat, spin-layout, spin-artifact, wasm-artifact$/ },
    { args: ["--format", "spin-artifact"], error: /^wasmpack: --format spin-artifact needs a spin\.toml in / },
    { args: ["--component", "command"], error: /^wasmpack: --component makes the component for the wasm-artifact format; add --format wasm-artifact/ },
    { args: ["--format", "wasm-artifact", "--component", "library"], error: /^wasmpack: --component: "library" is not one of command, reactor$/ },
    { args: ["--format", "compat,wasm-artifact", "--tag-suffix", "wasm-artifact=compat", "--tag-suffix", "compat=compat"], error: /two formats would share the tag "0\.1\.0-compat"/ },
    { args: ["--created", "yesterday"], error: /--created "yesterday" must be "now" or an RFC 3339 time/ },
  ];
  it.each(cases)("$args", async ({ args, error }) => {
    const root = await tempDir();
    const output = join(root, "out");
    const result = await build(EXAMPLE("wasmedge-http"), output, args);
    expect(result.exitCode, result.stderr).toBe(2);
    expect(lastLine(result.stderr)).toMatch(error);
    expect(result.stderr).not.toMatch(/Compiling|Finished/); // refused before cargo ran
    expect(existsSync(output)).toBe(false);
  });
});
