// --strip (the default) and --optimize on a copy of spin-hello whose release profile keeps its
// custom sections: the packaged module is smaller, still validates, and still answers Wagi
// requests under node:wasi the way test/examples runs it.

import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runWagi } from "../examples/wagi.js";
import { compile } from "../examples/webassembly.js";
import { EXAMPLE, buildOk, type BuildJson } from "../support/build.js";
import { tempDir } from "../support/temp.js";
import { manifestOf, readBlob, webAssembly } from "./support.js";

/** spin-hello with `strip = false` and debug info, so rustc leaves name, producers and .debug_* sections. */
async function unstrippedSpinHello(root: string): Promise<string> {
  const dir = join(root, "spin-hello");
  await mkdir(join(dir, "src"), { recursive: true });
  for (const file of ["spin.toml", "Cargo.lock", "src/main.rs"]) await copyFile(join(EXAMPLE("spin-hello"), file), join(dir, file));
  const cargo = await readFile(join(EXAMPLE("spin-hello"), "Cargo.toml"), "utf8");
  await writeFile(join(dir, "Cargo.toml"), cargo.replace("strip = true", "strip = false").replace("debug = false", "debug = 1"));
  return dir;
}

async function answers(wasm: Uint8Array): Promise<void> {
  expect(webAssembly.validate(wasm)).toBe(true);
  const response = await runWagi(compile(wasm), { method: "GET", path: "/stripped", query: "a=b" });
  expect(response.exitCode).toBe(0);
  expect(response.status).toBe(200);
  expect(response.body).toContain("Hello from Spin (Wagi) on wasmpack! You asked for /stripped\n");
  expect(response.body).toContain("Query: a=b\n");
}

describe("--strip and --optimize", () => {
  let root: string;
  let app: string;
  let stripped: BuildJson;
  beforeAll(async () => {
    root = await tempDir();
    app = await unstrippedSpinHello(root);
    stripped = await buildOk(app, join(root, "stripped"), ["--format", "spin-layout,spin-artifact"]);
  }, 300_000);

  it("strips by default: a smaller module, written apart from cargo's output, that validates and runs", async () => {
    const [wasm] = stripped.wasm;
    expect(wasm!.size).toBeLessThan(wasm!.sizeBefore);
    expect(wasm!.path).toBe(join(app, "target", "wasmpack", "wasm", "hello.wasm"));
    expect((await readFile(wasm!.source)).byteLength).toBe(wasm!.sizeBefore); // cargo's output untouched
    const bytes = new Uint8Array(await readFile(wasm!.path));
    expect(bytes.byteLength).toBe(wasm!.size);
    await answers(bytes);
    // The Spin artifact carries exactly the stripped bytes.
    const { manifest } = await manifestOf(stripped.layout, "0.1.0-spin");
    expect(manifest.layers[0]!.size).toBe(wasm!.size);
  });

  it("--no-strip packages cargo's output as is, and only the wasm bytes change the digest", async () => {
    const kept = await buildOk(app, join(root, "kept"), ["--format", "spin-layout,spin-artifact", "--no-strip"]);
    expect(kept.wasm[0]!.size).toBe(kept.wasm[0]!.sizeBefore);
    expect(kept.wasm[0]!.path).toBe(kept.wasm[0]!.source);
    expect(kept.digest).not.toBe(stripped.digest);
    // Same layers but the module: the spin-artifact's config and locked app differ only by the wasm digest.
    const a = await manifestOf(stripped.layout, "0.1.0-spin");
    const b = await manifestOf(kept.layout, "0.1.0-spin");
    expect(b.manifest.layers.map((l) => l.mediaType)).toEqual(a.manifest.layers.map((l) => l.mediaType));
    expect(b.manifest.annotations).toEqual(a.manifest.annotations);
    const lockedA = (await readBlob(stripped.layout, a.manifest.layers.at(-1)!.digest)).toString();
    const lockedB = (await readBlob(kept.layout, b.manifest.layers.at(-1)!.digest)).toString();
    expect(lockedA.replaceAll(a.manifest.layers[0]!.digest, b.manifest.layers[0]!.digest)).toBe(lockedB);
    const again = await buildOk(app, join(root, "stripped-again"), ["--format", "spin-layout,spin-artifact"]);
    expect(again.images.map((i) => i.digest)).toEqual(stripped.images.map((i) => i.digest));
  });

  it("--optimize runs Binaryen -Os: smaller again, still valid, still running", async () => {
    const optimized = await buildOk(app, join(root, "optimized"), ["--format", "spin-layout", "--optimize"]);
    const [wasm] = optimized.wasm;
    expect(wasm!.size).toBeLessThan(stripped.wasm[0]!.size);
    await answers(new Uint8Array(await readFile(wasm!.path)));
    const again = await buildOk(app, join(root, "optimized-again"), ["--format", "spin-layout", "--optimize"]);
    expect(again.digest).toBe(optimized.digest);
  });
});
