// `wasmpack build --json` with the real CLI: the one way the tests build an example (or any
// project) and read back what was built.

import { join } from "node:path";
import { expect } from "vitest";
import { REPO_ROOT, runWasmpack, type CliResult } from "./cli.js";

/** A project under examples/. */
export const EXAMPLE = (name: string) => join(REPO_ROOT, "examples", name);

export interface ImageJson {
  format: string;
  tag: string;
  digest: string;
  size: number;
  platform: string;
}

/** What `wasmpack build --json` prints: the primary image's fields, every image, every module. */
export interface BuildJson {
  digest: string;
  tag: string;
  runtime: string;
  format: string;
  platform: string;
  size: number;
  layout: string;
  images: ImageJson[];
  wasm: { name: string; path: string; source: string; imagePath: string; size: number; sizeBefore: number; kind: string; component?: { path: string; size: number } }[];
  /** `REPO@DIGEST` per image, with --push. */
  pushed?: string[];
}

export interface BuildOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** `wasmpack build DIR -o OUTPUT --json ...ARGS`, however it ends. */
export function build(dir: string, output: string, args: string[] = [], options: BuildOptions = {}): Promise<CliResult> {
  return runWasmpack(["build", dir, "-o", output, "--json", ...args], options);
}

/** Builds and expects exit 0; the --json result. */
export async function buildJson(dir: string, output: string, args: string[] = [], options: BuildOptions = {}): Promise<BuildJson> {
  return parseBuilt(await build(dir, output, args, options));
}

/** Builds and expects success without a stack trace on stderr; the --json result. */
export async function buildOk(dir: string, output: string, args: string[] = [], options: BuildOptions = {}): Promise<BuildJson> {
  const result = await build(dir, output, args, options);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return parseBuilt(result);
}

function parseBuilt(result: CliResult): BuildJson {
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as BuildJson;
}
