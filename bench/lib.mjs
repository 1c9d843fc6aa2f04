// Shared helpers for the benchmarks: run a command, time it, take medians.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const WASMPACK = fileURLToPath(new URL("../packages/cli/dist/bin.js", import.meta.url));

/** Runs a command to completion and returns its wall time in ms; a failure stops the benchmark. */
export function timed(file, args, options = {}) {
  const start = performance.now();
  const result = spawnSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${file} ${args.join(" ")} failed (${result.status}): ${result.stderr}`);
  return { ms, stdout: result.stdout, stderr: result.stderr };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function has(command) {
  return which(command) !== undefined;
}

/** A command on PATH, or a Go-installed one in $(go env GOPATH)/bin. */
export function which(command) {
  const found = spawnSync("sh", ["-c", `command -v ${command} || { d="$(go env GOPATH 2>/dev/null)/bin/${command}"; [ -x "$d" ] && echo "$d"; }`], { encoding: "utf8" });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

export const fmt = (ms) => `${ms.toFixed(0)} ms`;
