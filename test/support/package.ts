// The `wasmpack` npm package as users get it: the tarball `pnpm pack` makes from packages/cli
// (dist as `pnpm build` left it), and what a fresh project that installs it looks like.

import { existsSync } from "node:fs";
import { cp, readFile, readdir } from "node:fs/promises";
import { basename, delimiter, dirname, join } from "node:path";
import { REPO_ROOT, runOk } from "./cli.js";
import { tempDir } from "./temp.js";

const CLI_DIR = join(REPO_ROOT, "packages/cli");

export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  bin?: Record<string, string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

export interface PackedWasmpack {
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Paths inside the package (without tar's `package/` prefix), sorted. */
  files: string[];
  /** Its package.json, as packed (pnpm rewrites `workspace:` ranges). */
  manifest: PackageJson;
  /** The package.json text, as packed. */
  manifestText: string;
}

let packed: Promise<PackedWasmpack> | undefined;

/**
 * Packs packages/cli once per test process into a temp directory (removed after the test file).
 * It packs dist as built: the suite runs after `pnpm build`, and nothing here rebuilds it, since
 * other test files run the same dist at the same time.
 */
export function packWasmpack(): Promise<PackedWasmpack> {
  packed ??= pack();
  return packed;
}

async function pack(): Promise<PackedWasmpack> {
  if (!existsSync(join(CLI_DIR, "dist/bin.js"))) throw new Error("packages/cli/dist/bin.js is missing: run `pnpm build` before the tests");
  const dir = await tempDir("wasmpack-pack-");
  await runOk("pnpm", ["pack", "--pack-destination", dir], { cwd: CLI_DIR, env: userEnv(dir) });
  const tgz = (await readdir(dir)).filter((f) => f.endsWith(".tgz"));
  if (tgz.length !== 1) throw new Error(`pnpm pack wrote ${tgz.length} tarballs into ${dir}: ${tgz.join(", ")}`);
  const tarball = join(dir, tgz[0]!);
  const listing = (await runOk("tar", ["-tzf", tarball])).stdout.split("\n").filter((line) => line !== "");
  const outside = listing.filter((path) => !path.startsWith("package/"));
  if (outside.length > 0) throw new Error(`${tarball} has entries outside package/: ${outside.join(", ")}`);
  const manifestText = (await runOk("tar", ["-xzOf", tarball, "package/package.json"])).stdout;
  return { tarball, files: listing.map((path) => path.slice("package/".length)).sort(), manifest: JSON.parse(manifestText) as PackageJson, manifestText };
}

/**
 * The environment of a user's shell for npm, pnpm and wasmpack run by a test: no npm_* / pnpm
 * script variables inherited from `pnpm test`, no vitest variables, the Node running this test
 * first on PATH (so npm, npx and wasmpack run on the Node version under test), no update checks,
 * and wasmpack's state (build record, Docker config, toolchain cache) under `sandbox`.
 */
export function userEnv(sandbox: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const key of Object.keys(process.env)) {
    if (/^npm_/i.test(key) || /^(VITEST|PNPM_SCRIPT_SRC_DIR$|INIT_CWD$|NODE_ENV$|NODE_OPTIONS$)/.test(key)) env[key] = undefined;
  }
  return {
    ...env,
    PATH: [dirname(process.execPath), process.env.PATH ?? ""].join(delimiter),
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    XDG_STATE_HOME: join(sandbox, "state"),
    DOCKER_CONFIG: join(sandbox, "docker"),
    WASMPACK_CACHE_DIR: join(sandbox, "cache"),
    WASMPACK_REGISTRY_USERNAME: undefined,
    WASMPACK_REGISTRY_PASSWORD: undefined,
  };
}

/** Copies examples/NAME to `to` (outside the repository), without its build output. */
export async function copyExample(name: string, to: string): Promise<string> {
  const from = join(REPO_ROOT, "examples", name);
  await cp(from, to, { recursive: true, filter: (source) => basename(source) !== "target" || dirname(source) !== from });
  return to;
}

/** The packages installed under `project`/node_modules: one path per package.json of a package (nested and pnpm's .pnpm store included, symlinks not followed). */
export async function installedPackages(project: string): Promise<string[]> {
  const root = join(project, "node_modules");
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name === "package.json")
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => /(^|\/)node_modules\/(@[^/]+\/)?[^/.][^/]*\/package\.json$/.test(path))
    .sort();
}

/** Which packages under `project`/node_modules would run something at install time: install scripts or a binding.gyp (npm runs node-gyp for it). */
export async function installTimeWork(project: string): Promise<string[]> {
  const found: string[] = [];
  for (const path of await installedPackages(project)) {
    const manifest = JSON.parse(await readFile(path, "utf8")) as PackageJson;
    for (const script of ["preinstall", "install", "postinstall"]) {
      if (manifest.scripts?.[script] !== undefined) found.push(`${manifest.name}: ${script} script`);
    }
    if (existsSync(join(dirname(path), "binding.gyp"))) found.push(`${manifest.name}: binding.gyp`);
  }
  return found;
}
