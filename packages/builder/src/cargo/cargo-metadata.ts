import { realpath } from "node:fs/promises";
import { WasmpackError } from "@wasmpack/registry/errors";
import { exitText, type CommandEnv, type CommandRunner } from "./runner.js";

export interface BuiltPackagesOptions {
  cargo: string;
  manifestPath: string;
  env: CommandEnv;
  cwd: string;
  runner: CommandRunner;
  signal?: AbortSignal;
  onDiagnostic?: (line: string) => void;
}

/**
 * The packages whose artifacts a build of manifestPath is about, as package id → name: the
 * package itself, or every workspace member when the manifest is a virtual workspace. Dependencies
 * are left out, even a workspace sibling built as a cdylib dependency.
 */
export async function readBuiltPackages(options: BuiltPackagesOptions): Promise<Map<string, string>> {
  const args = ["metadata", "--no-deps", "--format-version", "1", "--manifest-path", options.manifestPath];
  const result = await options.runner(options.cargo, args, {
    env: options.env,
    cwd: options.cwd,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (result.exitCode !== 0) {
    // Only on failure: on success cargo build repeats the same warnings.
    for (const line of result.stderr.split("\n")) if (line) options.onDiagnostic?.(line);
    throw new WasmpackError(
      "input",
      "CARGO_METADATA_FAILED",
      `cargo metadata failed for ${options.manifestPath} (${exitText(result)}); see the errors above`,
    );
  }
  const metadata = parseMetadata(result.stdout, options.manifestPath);
  const manifest = await realpath(options.manifestPath);
  for (const pkg of metadata.packages) {
    if ((await realpath(pkg.manifest_path).catch(() => pkg.manifest_path)) === manifest) {
      return new Map([[pkg.id, pkg.name]]);
    }
  }
  const members = new Set(metadata.workspace_members);
  const memberPackages = metadata.packages.filter((pkg) => members.has(pkg.id));
  return new Map(memberPackages.map((pkg) => [pkg.id, pkg.name]));
}

interface Metadata {
  packages: Array<{ id: string; name: string; manifest_path: string }>;
  workspace_members: string[];
}

function parseMetadata(stdout: string, manifestPath: string): Metadata {
  const invalid = (why: string, cause?: unknown) =>
    new WasmpackError("build", "CARGO_METADATA_INVALID", `cargo metadata for ${manifestPath} ${why}`, { cause });
  let value: Partial<Metadata>;
  try {
    value = JSON.parse(stdout) as Partial<Metadata>;
  } catch (error) {
    throw invalid("printed invalid JSON", error);
  }
  if (!Array.isArray(value.packages) || !Array.isArray(value.workspace_members)) {
    throw invalid("lacks packages or workspace_members");
  }
  return value as Metadata;
}
