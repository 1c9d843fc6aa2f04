// Shared helpers for the benchmarks: run a command, time it, take medians, find tools.
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const WASMPACK = fileURLToPath(new URL("../packages/cli/dist/bin.js", import.meta.url));
/** The Node that runs wasmpack in a benchmark: WASMPACK_NODE (e.g. Node 24's), else this one. */
export const NODE = process.env.WASMPACK_NODE || process.execPath;

/** "Node v24.21.0": which Node a benchmark's wasmpack figures are for. */
export function nodeVersion() {
  return `Node ${spawnSync(NODE, ["--version"], { encoding: "utf8" }).stdout.trim()}`;
}

/** Runs a command to completion and returns its wall time in ms; a failure stops the benchmark. */
export function timed(file, args, options = {}) {
  const start = performance.now();
  const result = spawnSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${file} ${args.join(" ")} failed (${result.error?.message ?? result.status}): ${result.stderr}`);
  return { ms, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The environment for the wasmpack processes a benchmark runs: the build record goes to
 * XDG_STATE_HOME in the benchmark's work directory, not to the user's ~/.local/state.
 */
export function wasmpackEnv(work) {
  return { ...process.env, XDG_STATE_HOME: join(work, "state") };
}

/**
 * `timed`, but asynchronous: for benchmarks against bench/registry.mjs, whose access log this
 * process reads — a spawnSync would leave that pipe full and the registry stalled.
 */
export function timedAsync(file, args, options = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - start;
      if (code !== 0) reject(new Error(`${file} ${args.join(" ")} failed (${code}): ${stderr}`));
      else resolve({ ms, stdout, stderr });
    });
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function has(command) {
  return which(command) !== undefined;
}

/** A command on PATH, else in the repository's .tools/bin (where scripts/install-deps.sh puts crane). */
export function which(command) {
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), join(ROOT, ".tools", "bin")];
  return dirs.map((dir) => join(dir, command)).find(isExecutable);
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export const fmt = (ms) => `${ms.toFixed(0)} ms`;
