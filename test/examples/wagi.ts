// Runs a Wagi module the way Spin's Wagi executor does (formats.md §5(c)): one WASI command
// per request, the request as CGI environment variables with the body on stdin, the response
// read from stdout as headers, a blank line and the body. Node's WASI stands in for Spin's.
// runWagi gives the module a file as stdin (it ends after the body); runWagiWithOpenStdin gives
// it a pipe whose write end stays open, as `ctr run` with runwasi does, in a process of its own
// so a module that waits for the end of stdin hangs that process and not the tests.

import { spawn, spawnSync } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { WASI } from "node:wasi";
import { wasm, type WasmModule } from "./webassembly.js";

export interface WagiRequest {
  method: string;
  /** The path below the route's base; for route `/...` the whole path. */
  path: string;
  query?: string;
  body?: string;
  contentType?: string;
  /** CONTENT_LENGTH as given (null: not set); default the body's byte length. */
  contentLength?: string | null;
}

export interface WagiResponse {
  status: number;
  /** Header names in lower case. */
  headers: Map<string, string>;
  body: string;
  exitCode: number;
  stderr: string;
}

const HOST = "localhost:3000";

export async function runWagi(module: WasmModule, request: WagiRequest): Promise<WagiResponse> {
  const dir = await mkdtemp(join(tmpdir(), "wasmpack-wagi-"));
  const [stdinPath, stdoutPath, stderrPath] = ["stdin", "stdout", "stderr"].map((name) => join(dir, name)) as [string, string, string];
  try {
    await writeFile(stdinPath, request.body ?? "");
    const exitCode = await runCommand(module, request, stdinPath, stdoutPath, stderrPath);
    const stderr = await readFile(stderrPath, "utf8");
    return { ...parseWagiOutput(await readFile(stdoutPath)), exitCode, stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runCommand(
  module: WasmModule,
  request: WagiRequest,
  stdinPath: string,
  stdoutPath: string,
  stderrPath: string,
): Promise<number> {
  const fds = { stdin: openSync(stdinPath, "r"), stdout: openSync(stdoutPath, "w"), stderr: openSync(stderrPath, "w") };
  try {
    const wasi = new WASI({
      version: "preview1",
      args: ["/"],
      env: cgiEnvironment(request),
      ...fds,
      returnOnExit: true,
    });
    const instance = await wasm.instantiate(module, wasi.getImportObject());
    return wasi.start(instance);
  } finally {
    for (const fd of Object.values(fds)) closeSync(fd);
  }
}

/** The CGI variables Spin's Wagi executor sets (spin crates/http/src/wagi/mod.rs). */
export function cgiEnvironment(request: WagiRequest): Record<string, string> {
  const query = request.query ?? "";
  const contentLength = request.contentLength === undefined ? String(Buffer.byteLength(request.body ?? "")) : request.contentLength;
  const env: Record<string, string> = {
    REQUEST_METHOD: request.method,
    PATH_INFO: request.path,
    X_RAW_PATH_INFO: request.path,
    X_FULL_URL: `http://${HOST}${request.path}${query ? `?${query}` : ""}`,
    X_MATCHED_ROUTE: "/...",
    SCRIPT_NAME: "",
    QUERY_STRING: query,
    CONTENT_TYPE: request.contentType ?? "",
    GATEWAY_INTERFACE: "CGI/1.1",
    SERVER_SOFTWARE: "WAGI/1",
    SERVER_PROTOCOL: "HTTP/1.1",
    SERVER_NAME: "localhost",
    SERVER_PORT: "3000",
    REMOTE_ADDR: "127.0.0.1",
    HTTP_HOST: HOST,
  };
  if (contentLength !== null) env["CONTENT_LENGTH"] = contentLength;
  return env;
}

const CHILD = fileURLToPath(new URL("./wagi-child.mjs", import.meta.url));

/**
 * Runs the module at `wasmPath` in a child Node process whose stdin is a pipe (a FIFO) holding
 * `stdin` and whose write end this process keeps open until the child exits: reading stdin to
 * its end never returns. A child still running after `timeoutMs` is killed and reported.
 */
export async function runWagiWithOpenStdin(
  wasmPath: string,
  request: WagiRequest,
  stdin: string,
  timeoutMs = 15_000,
): Promise<WagiResponse> {
  const dir = await mkdtemp(join(tmpdir(), "wasmpack-wagi-"));
  const fifo = join(dir, "stdin");
  let fd: number | undefined;
  try {
    const made = spawnSync("mkfifo", [fifo], { encoding: "utf8" });
    if (made.error || made.status !== 0) throw new Error(`mkfifo failed: ${made.error?.message ?? made.stderr}`);
    // Read-write: opening does not wait for a peer, and this fd is a writer that stays open.
    fd = openSync(fifo, "r+");
    if (stdin) writeSync(fd, stdin);
    const child = spawn(process.execPath, ["--no-warnings", CHILD, wasmPath, JSON.stringify(cgiEnvironment(request))], {
      stdio: [fd, "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exitCode = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`the module did not exit within ${timeoutMs} ms with stdin held open (is it reading stdin to its end?); stderr: ${stderr}`));
      }, timeoutMs);
      child.once("error", reject);
      child.once("close", (code, signal) => {
        clearTimeout(timer);
        resolve(code ?? (signal ? 128 : 1));
      });
    });
    return { ...parseWagiOutput(Buffer.concat(stdout)), exitCode, stderr };
  } finally {
    if (fd !== undefined) closeSync(fd);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Spin's `compose_response`: split at the first blank line (CRs in the head ignored), headers as
 * `Name: value`; `Content-Type` or `Location` is required; `Status: CODE [text]` sets the status;
 * `Location` without `Status` means 302.
 */
function parseWagiOutput(stdout: Buffer): Omit<WagiResponse, "exitCode" | "stderr"> {
  if (stdout.length === 0) throw new Error("the module wrote nothing to stdout");
  const blank = /\r?\n\r?\n/.exec(stdout.toString("latin1"));
  if (!blank) throw new Error("no blank line between headers and body");
  const head = stdout.subarray(0, blank.index).toString("utf8").replaceAll("\r", "");
  const headers = new Map<string, string>();
  for (const line of head.split("\n")) {
    const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s*(.*)$/.exec(line);
    if (!match?.[1]) throw new Error(`bad header line: ${JSON.stringify(line)}`);
    headers.set(match[1].toLowerCase(), (match[2] ?? "").trim());
  }
  if (!headers.has("content-type") && !headers.has("location")) {
    throw new Error("exactly one of 'location' or 'content-type' must be specified");
  }
  const statusHeader = headers.get("status");
  const status = statusHeader !== undefined ? Number(statusHeader.split(" ")[0]) : headers.has("location") ? 302 : 200;
  if (!Number.isInteger(status) || status < 100 || status > 999) throw new Error(`bad Status header: ${statusHeader}`);
  headers.delete("status");
  // latin1 maps each byte to one character, so the match offsets are byte offsets.
  const body = stdout.subarray(blank.index + blank[0].length).toString("utf8");
  return { status, headers, body };
}
