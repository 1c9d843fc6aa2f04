// examples/wasmedge-http, built with real cargo, then checked twice: its imports must link in
// WasmEdge (WASI preview 1 plus WasmEdge's socket extension, formats.md §6), and it must serve
// HTTP when run with those socket functions backed by real OS sockets.

import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runModule, serveModule, type RunningModule } from "../support/wasm-runner/run-wasmedge.js";
import { BUILD_HOOK_TIMEOUT_MS, buildExample, type BuiltExample } from "./build-example.js";
import { exchange, type RawResponse } from "./raw-http.js";
import { WASI_PREVIEW1_MODULE, formatSignature, wasiPreview1, wasmEdgeServerSockets } from "./wasi-preview1.js";
import { functionImports } from "./wasm-binary.js";
import { compile, wasm } from "./webassembly.js";
import { tempDir } from "../support/temp.js";

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
    expect(names).toEqual(expect.arrayContaining(["sock_open", "sock_setsockopt", "sock_bind", "sock_listen", "sock_accept"]));
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

/** TCP states in /proc/net/tcp (include/net/tcp_states.h). */
const TCP_TIME_WAIT = "06";

/** How many of this network namespace's IPv4 TCP sockets on local port `port` are in TIME_WAIT. */
async function timeWaitOn(port: number): Promise<number> {
  const table = await readFile("/proc/net/tcp", "utf8");
  const portHex = port.toString(16).toUpperCase().padStart(4, "0");
  return table
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter(([, local, , state]) => local?.endsWith(`:${portHex}`) && state === TCP_TIME_WAIT).length;
}

describe("wasmedge-http restarted on its port", () => {
  const ready = /wasmedge-http listening on 0\.0\.0\.0:\d+/;
  const started: RunningModule[] = [];

  afterAll(async () => {
    for (const server of started) await server.stop();
  });

  it("listens again at once after SIGKILL while the connections it served are in TIME_WAIT (it sets SO_REUSEADDR)", async () => {
    const first = await serveModule(built.wasm, { ready });
    started.push(first);

    for (let i = 0; i < 3; i++) {
      const response = await exchange(first.port, [`GET /health?before=${i} HTTP/1.1\r\nHost: test\r\n\r\n`]);
      expect(response.status).toBe(200);
      // The server closes first, so TIME_WAIT lands on its side: local address 127.0.0.1:port.
      expect(response.closedByServer).toBe(true);
    }
    let timeWait = await timeWaitOn(first.port);
    for (let waited = 0; timeWait === 0 && waited < 2_000; waited += 50) {
      await sleep(50);
      timeWait = await timeWaitOn(first.port);
    }
    expect(timeWait, "server-side TIME_WAIT sockets on the port").toBeGreaterThan(0);

    await first.kill();
    // Without SO_REUSEADDR this bind fails for a minute: "cannot listen on 0.0.0.0:PORT: Address in use".
    const second = await serveModule(built.wasm, { ready, port: first.port, timeoutMs: 10_000 });
    started.push(second);
    expect(await timeWaitOn(first.port), "the TIME_WAIT sockets are still there").toBeGreaterThan(0);
    const response = await exchange(second.port, ["GET /health?after=1 HTTP/1.1\r\nHost: test\r\n\r\n"]);
    expect(response.status).toBe(200);
    expect(response.body).toBe("ok");
    expect(second.output()).toContain("GET /health 200");
    // The module asked for SO_REUSEADDR itself; the test host never sets it (see the probe below).
    expect(first.output()).toMatch(/guest set SO_REUSEADDR = 1 on fd \d+/);
    expect(first.output()).toContain(`listening on 127.0.0.1 port ${first.port} (SO_REUSEADDR on)`);
  });
});

// A module that calls sock_setsockopt the ways WasmEdge's WasiSockSetOpt tells apart, and writes
// each errno as one byte to stdout. Memory: 0 fd, 4 second fd, 8 the flag (i32 1), 16 the
// address octets 127.0.0.1, 24 the WasiAddress {16, 4}, 100.. the errnos, 200 an iovec.
const SETSOCKOPT_PROBE = `
(module
  (import "wasi_snapshot_preview1" "sock_open" (func $open (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_setsockopt" (func $set (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_bind" (func $bind (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_listen" (func $listen (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 8) "\\01\\00\\00\\00")
  (data (i32.const 16) "\\7f\\00\\00\\01")
  (data (i32.const 24) "\\10\\00\\00\\00\\04\\00\\00\\00")
  (func $fd (result i32) (i32.load (i32.const 0)))
  (func (export "_start")
    (drop (call $open (i32.const 1) (i32.const 2) (i32.const 0)))
    (drop (call $open (i32.const 1) (i32.const 2) (i32.const 4)))
    ;; unknown level, unknown name, unknown level on a closed fd (level is checked first)
    (i32.store8 (i32.const 100) (call $set (call $fd) (i32.const 1) (i32.const 0) (i32.const 8) (i32.const 4)))
    (i32.store8 (i32.const 101) (call $set (call $fd) (i32.const 0) (i32.const 15) (i32.const 8) (i32.const 4)))
    (i32.store8 (i32.const 102) (call $set (i32.const 99) (i32.const 7) (i32.const 0) (i32.const 8) (i32.const 4)))
    ;; the flag outside memory; a closed fd; stdout, which is no socket
    (i32.store8 (i32.const 103) (call $set (call $fd) (i32.const 0) (i32.const 0) (i32.const 65534) (i32.const 4)))
    (i32.store8 (i32.const 104) (call $set (i32.const 99) (i32.const 0) (i32.const 0) (i32.const 8) (i32.const 4)))
    (i32.store8 (i32.const 105) (call $set (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 8) (i32.const 4)))
    ;; SO_REUSEADDR with 2 bytes: the host's setsockopt refuses it
    (i32.store8 (i32.const 106) (call $set (call $fd) (i32.const 0) (i32.const 0) (i32.const 8) (i32.const 2)))
    ;; the second socket listens untouched; the first after SO_REUSEADDR = 1
    (i32.store8 (i32.const 107) (call $bind (i32.load (i32.const 4)) (i32.const 24) (i32.const 0)))
    (i32.store8 (i32.const 108) (call $listen (i32.load (i32.const 4)) (i32.const 1)))
    (i32.store8 (i32.const 109) (call $set (call $fd) (i32.const 0) (i32.const 0) (i32.const 8) (i32.const 4)))
    (i32.store8 (i32.const 110) (call $bind (call $fd) (i32.const 24) (i32.const 0)))
    (i32.store8 (i32.const 111) (call $listen (call $fd) (i32.const 1)))
    (i32.store (i32.const 200) (i32.const 100))
    (i32.store (i32.const 204) (i32.const 12))
    (drop (call $write (i32.const 1) (i32.const 200) (i32.const 1) (i32.const 300)))))
`;

describe("the test host's sock_setsockopt", () => {
  it("answers with WasmEdge's errnos, passes SO_REUSEADDR to the host socket, and sets no option by itself", async () => {
    const probe = join(await tempDir("wasmpack-setsockopt-"), "probe.wat");
    await writeFile(probe, SETSOCKOPT_PROBE);
    const run = runModule(probe, {});
    expect(run.code, run.stderr).toBe(0);
    const [INVAL, FAULT, BADF, NOTSOCK] = [28, 21, 8, 57];
    expect([...run.stdout].map((c) => c.charCodeAt(0))).toEqual([INVAL, INVAL, INVAL, FAULT, BADF, NOTSOCK, INVAL, 0, 0, 0, 0, 0]);
    // The socket the guest left alone listens without SO_REUSEADDR; the other one with it.
    expect(run.stderr).toMatch(/listening on 127\.0\.0\.1 port \d+ \(SO_REUSEADDR off\)[^]*guest set SO_REUSEADDR = 1 on fd \d+[^]*listening on 127\.0\.0\.1 port \d+ \(SO_REUSEADDR on\)/);
  });
});
