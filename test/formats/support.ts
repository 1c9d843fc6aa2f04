// Builds with the real CLI and reads the results straight from the OCI layout it wrote.

import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { expect } from "vitest";
import { REPO_ROOT, runWasmpack, type CliResult } from "../support/cli.js";

export const EXAMPLE = (name: string) => join(REPO_ROOT, "examples", name);

export interface ImageJson {
  format: string;
  tag: string;
  digest: string;
  size: number;
  platform: string;
}

export interface BuildJson {
  digest: string;
  tag: string;
  format: string;
  size: number;
  layout: string;
  images: ImageJson[];
  wasm: { name: string; path: string; source: string; imagePath: string; size: number; sizeBefore: number; kind: string; component?: { path: string; size: number } }[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface Manifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export function build(dir: string, output: string, args: string[] = [], env: Record<string, string> = {}): Promise<CliResult> {
  return runWasmpack(["build", dir, "-o", output, "--json", ...args], { env });
}

/** Builds and expects success without a stack trace. */
export async function buildOk(dir: string, output: string, args: string[] = [], env: Record<string, string> = {}): Promise<BuildJson> {
  const result = await build(dir, output, args, env);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as BuildJson;
}

/** A blob of the layout, checked against its digest. */
export async function readBlob(layout: string, digest: string): Promise<Buffer> {
  const bytes = await readFile(join(layout, "blobs", "sha256", digest.replace(/^sha256:/, "")));
  expect(`sha256:${createHash("sha256").update(bytes).digest("hex")}`).toBe(digest);
  return bytes;
}

export async function readJsonBlob<T>(layout: string, digest: string): Promise<T> {
  return JSON.parse((await readBlob(layout, digest)).toString("utf8")) as T;
}

/** The manifest `index.json` tags `tag`, which must be a manifest, never an index. */
export async function manifestOf(layout: string, tag: string): Promise<{ descriptor: Descriptor; manifest: Manifest }> {
  const index = JSON.parse(await readFile(join(layout, "index.json"), "utf8")) as { manifests: Descriptor[] };
  const descriptor = index.manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === tag);
  if (!descriptor) throw new Error(`${layout} has no tag ${tag}`);
  expect(descriptor.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
  return { descriptor, manifest: await readJsonBlob<Manifest>(layout, descriptor.digest) };
}

export function sha256Hex(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

// Node's WebAssembly, typed as far as these tests use it (no DOM types in this repo).
export { webAssembly } from "../../packages/builder/src/wasm/webassembly.js";

/**
 * `skopeo inspect --raw oci:LAYOUT:TAG`: the manifest as skopeo reads it. Run with stdin closed
 * (not through test/support's runCommand, whose stdin write can hit EPIPE when a fast child exits).
 */
export function skopeoRawManifest(layout: string, tag: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn("skopeo", ["inspect", "--raw", `oci:${layout}:${tag}`], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`skopeo inspect --raw oci:${layout}:${tag} failed: ${stderr}`));
      else resolve(JSON.parse(stdout) as Record<string, unknown>);
    });
  });
}
