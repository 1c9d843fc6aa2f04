import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = fileURLToPath(new URL("../../packages/cli/dist/bin.js", import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Default: the repository root. */
  cwd?: string;
  /** Added to (and overriding) this process's environment; `undefined` unsets a variable. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed (it is closed empty without it). */
  input?: string;
  /** Kills the command (SIGKILL) and rejects when it runs longer than this. */
  timeoutMs?: number;
}

// Where wasmpack keeps state in the user's home: the build record ($XDG_STATE_HOME), registry
// credentials ($DOCKER_CONFIG) and the toolchain it found ($WASMPACK_CACHE_DIR). Every run gets
// all three in one temp directory of this test process, so tests never write into the real
// ~/.local/state or ~/.cache or read the developer's docker config. HOME stays
// (cargo and rustup need it). vitest ends its workers with SIGTERM, which skips `exit` handlers, so
// the directory goes with the test file's afterAll.
const SANDBOX = mkdtempSync(join(tmpdir(), "wasmpack-cli-home-"));
afterAll(() => rmSync(SANDBOX, { recursive: true, force: true }));
const SANDBOX_ENV = { XDG_STATE_HOME: join(SANDBOX, "state"), DOCKER_CONFIG: join(SANDBOX, "docker"), WASMPACK_CACHE_DIR: join(SANDBOX, "cache") };

/**
 * Runs the built `wasmpack` bin as a user would (`pnpm build` first; `pnpm test` does), with
 * XDG_STATE_HOME, DOCKER_CONFIG and WASMPACK_CACHE_DIR in a temp directory unless `env` names them.
 */
export function runWasmpack(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return runCommand(process.execPath, [BIN, ...args], { ...options, env: { ...SANDBOX_ENV, ...options.env } });
}

/** Runs a program to completion and reports how it exited; rejects only when it cannot start or times out. */
export function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args], { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, ...options.env }, stdio: "pipe" });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => stdout.push(d));
    child.stderr.on("data", (d: Buffer) => stderr.push(d));
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // A command may exit before reading stdin; writing to it then fails with EPIPE, which is fine.
    child.stdin.on("error", () => {});
    child.on("close", (code) => {
      clearTimeout(timer);
      // Decoded whole, so a multi-byte character split between chunks stays intact.
      const result = { exitCode: code ?? -1, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() };
      if (timedOut) reject(new Error(`${file} ${args.join(" ")} did not finish within ${options.timeoutMs} ms: ${result.stderr}`));
      else resolve(result);
    });
    child.stdin.end(options.input ?? "");
  });
}

/** runCommand for a command that must succeed (within 60 s unless told): rejects with its stderr when it exits non-zero. */
export async function runOk(file: string, args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const result = await runCommand(file, args, { timeoutMs: 60_000, ...options });
  if (result.exitCode !== 0) throw new Error(`${file} ${args.join(" ")} failed (exit ${result.exitCode}): ${result.stderr}`);
  return result;
}

/** The last line a failed command wrote to stderr: its one-line error. */
export function lastLine(text: string): string {
  return text.trimEnd().split("\n").at(-1) ?? "";
}
