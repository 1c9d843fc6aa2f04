// Starts wasmedge_sockets.py (a wasmtime host providing WasmEdge's socket extension with real
// OS sockets, loopback only) for a module, and stops it again.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "../registry/free-port.js";

/** The version CI installs; the runner needs the `wasmtime` module from PyPI. */
const WASMTIME_PY_INSTALL = "python3 -m pip install wasmtime==50.0.1";
const RUNNER = fileURLToPath(new URL("./wasmedge_sockets.py", import.meta.url));
/** The Python that runs wasmtime hosts for the tests ($PYTHON, default python3). */
export const PYTHON = process.env["PYTHON"] ?? "python3";

/** Fails with the install command when Python or its `wasmtime` package (this runner's, and run_component.py's) is missing. */
export function assertRunnerAvailable(): void {
  const probe = spawnSync(PYTHON, ["-c", "import wasmtime"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    const why = probe.error?.message ?? probe.stderr.trim();
    throw new Error(
      `The wasmtime runners need ${PYTHON} with the wasmtime package (${why}). Install it: ${WASMTIME_PY_INSTALL}`,
    );
  }
}

export interface RunningModule {
  port: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Stops the process (SIGTERM, then SIGKILL), and waits for it to exit. */
  stop(): Promise<void>;
  /** Kills the process with SIGKILL at once, as a runtime's last resort does, and waits for it to exit. */
  kill(): Promise<void>;
}

export interface ServeOptions {
  /** Extra environment for the guest; PORT is set to `port`. */
  env?: Record<string, string>;
  /** The port to serve on (default: a free loopback port). */
  port?: number;
  /** Output that means the guest is listening. */
  ready: RegExp;
  timeoutMs?: number;
}

export async function serveModule(wasm: string, options: ServeOptions): Promise<RunningModule> {
  assertRunnerAvailable();
  const port = options.port ?? (await freePort());
  const child = spawn(PYTHON, [RUNNER, wasm], {
    env: { ...process.env, ...options.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const running: RunningModule = { port, output: () => output, stop: () => stop(child), kill: () => kill(child) };

  try {
    await waitFor(child, () => options.ready.test(output), options.timeoutMs ?? 30_000);
  } catch (err) {
    await running.stop();
    throw new Error(`${(err as Error).message}; runner output:\n${output}`, { cause: err });
  }
  return running;
}

export interface ModuleRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a module to completion (bounded by `timeoutMs`). */
export function runModule(wasm: string, env: Record<string, string>, timeoutMs = 30_000): ModuleRun {
  assertRunnerAvailable();
  const result = spawnSync(PYTHON, [RUNNER, wasm], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: timeoutMs,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function waitFor(child: ChildProcess, ready: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const timer = setInterval(() => {
      if (ready()) finish();
      else if (child.exitCode !== null || child.signalCode !== null) {
        finish(new Error(`the runner exited early (${child.exitCode ?? child.signalCode})`));
      } else if (Date.now() > deadline) finish(new Error(`the module was not ready within ${timeoutMs} ms`));
    }, 50);
    function finish(err?: Error) {
      clearInterval(timer);
      if (err) reject(err);
      else resolve();
    }
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  await exited;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(killer);
}
