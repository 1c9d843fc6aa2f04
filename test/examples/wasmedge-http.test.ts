// examples/wasmedge-http, built with real cargo, then checked twice: its imports must link in
// WasmEdge (WASI preview 1 plus WasmEdge's socket extension, formats.md §6), and it must serve
// HTTP when run with those socket functions backed by real OS sockets.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runModule, serveModule, type RunningModule } from "../support/wasm-runner/run-wasmedge.js";
import { BUILD_HOOK_TIMEOUT_MS, buildExample, type BuiltExample } from "./build-example.js";
import { exchange, type RawResponse } from "./raw-http.js";
import { WASI_PREVIEW1_MODULE, formatSignature, wasiPreview1, wasmEdgeServerSockets } from "./wasi-preview1.js";
import { functionImports } from "./wasm-binary.js";
import { compile, wasm } from "./webassembly.js";

let built: BuiltExample;

beforeAll(async () => {
  built = await buildExample("wasmedge-http", "wasmedge-http");
}, BUILD_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await built?.remove();
});

describe("the wasmedge-http module", () => {
  it("imports only WASI preview 1 and WasmEdge socket functions, all from wasi_snapshot_preview1", () => {
    const imports = wasm.Module.imports(compile(built.bytes));
    expect(imports.length).toBeGreaterThan(0);
    for (const imp of imports) {
      expect(`${imp.module}.${imp.name} (${imp.kind})`).toBe(`${WASI_PREVIEW1_MODULE}.${imp.name} (function)`);
      expect(wasiPreview1.has(imp.name) || wasmEdgeServerSockets.has(imp.name), imp.name).toBe(true);
    }
    const names = imports.map((imp) => imp.name);
    expect(names).toEqual(expect.arrayContaining(["sock_open", "sock_bind", "sock_listen", "sock_accept"]));
  });

  it("declares each import with the signature its host defines", () => {
    for (const imp of functionImports(built.bytes)) {
      // A socket function in WasmEdge's extension uses its V1 signature (sock_accept differs
      // from preview 1's); everything else is plain preview 1.
      const expected = wasmEdgeServerSockets.get(imp.name) ?? wasiPreview1.get(imp.name);
      expect(expected, imp.name).toBeDefined();
      expect(`${imp.name}: ${formatSignature(imp.signature)}`).toBe(`${imp.name}: ${formatSignature(expected!)}`);
    }
  });

  it("exports _start and its memory", () => {
    const exports = wasm.Module.exports(compile(built.bytes));
    expect(exports).toEqual(
      expect.arrayContaining([
        { name: "_start", kind: "function" },
        { name: "memory", kind: "memory" },
      ]),
    );
  });

  it("exits with status 1 and says why when PORT is not a port number", () => {
    const run = runModule(built.wasm, { PORT: "http" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("PORT must be a number");
  });
});

describe("wasmedge-http serving on loopback", () => {
  let server: RunningModule;

  beforeAll(async () => {
    server = await serveModule(built.wasm, { ready: /wasmedge-http listening on 0\.0\.0\.0:\d+/ });
  });

  afterAll(async () => {
    await server?.stop();
  });

  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;

  /** Every answer is complete, says `Connection: close`, and the server then closes the connection. */
  function expectClosedAnswer(response: RawResponse) {
    expect(response.headers.get("connection")).toBe("close");
    expect(Number(response.headers.get("content-length"))).toBe(Buffer.byteLength(response.body));
    expect(response.closedByServer).toBe(true);
  }

  it("answers GET / with a plain-text greeting", async () => {
    const response = await fetch(url("/"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(response.headers.get("connection")).toBe("close");
    const body = await response.text();
    expect(body).toContain("wasmpack");
    expect(body).toContain("WasmEdge");
  });

  it("answers GET /health with 200 ok", async () => {
    const response = await fetch(url("/health"));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
  });

  it("answers an unknown path with 404 and closes the connection", async () => {
    const response = await exchange(server.port, ["GET /nope HTTP/1.1\r\nHost: test\r\n\r\n"]);
    expect(response.status).toBe(404);
    expectClosedAnswer(response);
  });

  it("answers POST / with 405 and the allowed methods, after reading the body", async () => {
    const body = "name=wasmpack";
    const response = await exchange(server.port, [
      `POST / HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    ]);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expectClosedAnswer(response);
  });

  it("reads a request whose head arrives in several TCP writes", async () => {
    const response = await exchange(server.port, ["GE", "T /health HTTP/1.1\r\nHo", "st: test\r\n", "\r\n"], { gapMs: 150 });
    expect(response.status).toBe(200);
    expect(response.body).toBe("ok");
    expectClosedAnswer(response);
  });

  it("answers HEAD with the GET headers and no body", async () => {
    const response = await exchange(server.port, ["HEAD /health HTTP/1.1\r\nHost: test\r\n\r\n"]);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe("2");
    expect(response.body).toBe("");
    expect(response.closedByServer).toBe(true);
  });

  it("answers a malformed request with 400", async () => {
    const response = await exchange(server.port, ["this is not http\r\n\r\n"]);
    expect(response.status).toBe(400);
    expectClosedAnswer(response);
  });

  it("serves many requests in sequence", async () => {
    for (let i = 0; i < 25; i++) {
      const response = await exchange(server.port, [`GET /health?i=${i} HTTP/1.1\r\nHost: test\r\n\r\n`]);
      expect(response.status).toBe(200);
      expectClosedAnswer(response);
    }
  });

  it("logs one line per request", () => {
    expect(server.output()).toContain("GET /nope 404");
    expect(server.output()).toContain("POST / 405");
  });
});
