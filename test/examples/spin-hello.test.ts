// examples/spin-hello, built with real cargo and run per request the way Spin's Wagi executor
// runs it (formats.md §5(c)); its spin.toml checked against the file cargo produces (§5(d)).

import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILD_HOOK_TIMEOUT_MS, EXAMPLES_DIR, buildExample, type BuiltExample } from "./build-example.js";
import { runWagi, runWagiWithOpenStdin } from "./wagi.js";
import { compile, wasm, type WasmModule } from "./webassembly.js";

let built: BuiltExample;
let module: WasmModule;

beforeAll(async () => {
  built = await buildExample("spin-hello", "spin_hello");
  module = compile(built.bytes);
}, BUILD_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await built?.remove();
});

describe("spin-hello as a Wagi handler", () => {
  it("greets GET /greet with a text/plain 200 naming the path", async () => {
    const response = await runWagi(module, { method: "GET", path: "/greet" });
    expect(response.exitCode).toBe(0);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(response.body).toContain("Hello from Spin (Wagi) on wasmpack! You asked for /greet\n");
    expect(response.body).toContain("URL: http://localhost:3000/greet\n");
  });

  it("names another path and its query string", async () => {
    const response = await runWagi(module, { method: "GET", path: "/a/b", query: "x=1&y=2" });
    expect(response.status).toBe(200);
    expect(response.body).toContain("You asked for /a/b\n");
    expect(response.body).toContain("Query: x=1&y=2\n");
  });

  it("treats an empty PATH_INFO as /", async () => {
    const response = await runWagi(module, { method: "GET", path: "" });
    expect(response.body).toContain("You asked for /\n");
  });

  it("echoes a POST body read from stdin", async () => {
    const response = await runWagi(module, {
      method: "POST",
      path: "/echo",
      body: "hello, wagi",
      contentType: "text/plain",
    });
    expect(response.status).toBe(200);
    expect(response.body).toContain("Method: POST\n");
    expect(response.body).toContain("You sent 11 bytes: hello, wagi\n");
  });

  it("imports only WASI preview 1 and exports _start, as Wagi requires", () => {
    for (const imp of wasm.Module.imports(module)) {
      expect(imp.module).toBe("wasi_snapshot_preview1");
    }
    expect(wasm.Module.exports(module)).toContainEqual({ name: "_start", kind: "function" });
  });
});

// Under `ctr run` with runwasi stdin is a pipe that never ends: the module must read exactly
// CONTENT_LENGTH bytes, and none when it is absent or 0, or it waits for ever.
describe("spin-hello with stdin held open", () => {
  it("answers a GET with CONTENT_LENGTH 0 and exits without reading stdin", async () => {
    const response = await runWagiWithOpenStdin(built.wasm, { method: "GET", path: "/open" }, "");
    expect(response.exitCode, response.stderr).toBe(0);
    expect(response.status).toBe(200);
    expect(response.body).toContain("You asked for /open\n");
    expect(response.body).not.toContain("You sent");
  });

  it("answers a GET without CONTENT_LENGTH, ignoring whatever stdin holds", async () => {
    const response = await runWagiWithOpenStdin(built.wasm, { method: "GET", path: "/none", contentLength: null }, "not a body");
    expect(response.exitCode, response.stderr).toBe(0);
    expect(response.status).toBe(200);
    expect(response.body).toContain("You asked for /none\n");
    expect(response.body).not.toContain("You sent");
  });

  it("reads exactly CONTENT_LENGTH bytes of a POST body, though more is there and stdin never ends", async () => {
    const response = await runWagiWithOpenStdin(
      built.wasm,
      { method: "POST", path: "/echo", body: "hello, wagi", contentType: "text/plain" },
      "hello, wagi|and what comes after the body",
    );
    expect(response.exitCode, response.stderr).toBe(0);
    expect(response.status).toBe(200);
    expect(response.body).toContain("You sent 11 bytes: hello, wagi\n");
    expect(response.body).not.toContain("after the body");
  });

  it("answers 400 when stdin ends before CONTENT_LENGTH bytes, or CONTENT_LENGTH is no number", async () => {
    const short = await runWagi(module, { method: "POST", path: "/echo", body: "only this", contentLength: "100" });
    expect(short.exitCode).toBe(0);
    expect(short.status).toBe(400);
    expect(short.body).toBe("the request body ended before CONTENT_LENGTH (100) bytes\n");
    const bad = await runWagi(module, { method: "POST", path: "/echo", body: "x", contentLength: "eleven" });
    expect(bad.status).toBe(400);
    expect(bad.body).toBe('CONTENT_LENGTH is not a byte count: "eleven"\n');
  });
});

describe("spin-hello's spin.toml", () => {
  let manifest: string;

  beforeAll(async () => {
    manifest = await readFile(join(EXAMPLES_DIR, "spin-hello", "spin.toml"), "utf8");
  });

  it("names the module file cargo builds, under the wasm32-wasip1 target directory", () => {
    const source = /^source = "([^"]+)"$/m.exec(manifest)?.[1];
    expect(source).toBe("target/wasm32-wasip1/release/spin_hello.wasm");
    expect(basename(source!)).toBe(basename(built.wasm));
  });

  it("routes every path to the hello component through the Wagi executor", () => {
    expect(manifest).toMatch(/^spin_manifest_version = 2$/m);
    expect(manifest).toMatch(/\[\[trigger\.http\]\]\nroute = "\/\.\.\."\ncomponent = "hello"\nexecutor = \{ type = "wagi" \}\n/);
    expect(manifest).toMatch(/^\[component\.hello\]$/m);
    expect(manifest).toMatch(/^allowed_outbound_hosts = \[\]$/m);
    expect(manifest).not.toMatch(/^files\s*=/m);
  });
});
