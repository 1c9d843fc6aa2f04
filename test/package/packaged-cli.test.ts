// The product as users get it: the npm tarball, installed with npm and with pnpm into a fresh
// project outside the repository, building crates that are outside the repository too.

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastLine, runCommand, runOk, type RunOptions } from "../support/cli.js";
import { copyExample, installTimeWork, installedPackages, packWasmpack, userEnv, type PackedWasmpack } from "../support/package.js";
import { skopeoDigest, startRegistry, type RunningRegistry } from "../support/registry/index.js";
import { tempDir } from "../support/temp.js";

// The limit for what `npm i -D wasmpack` adds to a project.
const MAX_BYTES = 25 * 1024 * 1024;
const MAX_PACKAGES = 30;

let pkg: PackedWasmpack;
beforeAll(async () => {
  pkg = await packWasmpack();
});

describe("the packed tarball", () => {
  it("holds dist, LICENSE, README.md and package.json, and nothing else", () => {
    const outside = pkg.files.filter((path) => !path.startsWith("dist/") && !["LICENSE", "README.md", "package.json"].includes(path));
    expect(outside).toEqual([]);
    // no sources, tests, source maps, esbuild metafiles or type declarations
    expect(pkg.files.filter((path) => /(^|\/)(src|test|tests)\/|\.map$|\.test\.|meta.*\.json$|\.ts$|\.tsbuildinfo$/.test(path))).toEqual([]);
    expect(pkg.files).toEqual(
      expect.arrayContaining([
        "LICENSE",
        "README.md",
        "package.json",
        "dist/bin.js",
        "dist/THIRD-PARTY-NOTICES.md",
        "dist/wasm-tools.core.wasm",
        "dist/wasm-tools.core2.wasm",
        "dist/worker-thread.bundle.js",
        "dist/adapters/wasi_snapshot_preview1.command.wasm",
        "dist/adapters/wasi_snapshot_preview1.reactor.wasm",
      ]),
    );
  });

  it("ships every file the bundle opens by a relative path", async () => {
    const dir = await tempDir("wasmpack-unpacked-");
    await runOk("tar", ["-xzf", pkg.tarball, "-C", dir]);
    const missing: string[] = [];
    const checked = new Set<string>();
    for (const file of pkg.files.filter((path) => path.startsWith("dist/") && path.endsWith(".js"))) {
      const text = await readFile(join(dir, "package", file), "utf8");
      // from "./chunk-X.js", import("./build-X.js"), new URL("./wasm-tools.core.wasm", import.meta.url),
      // new URL(`./adapters/wasi_snapshot_preview1.${adapter}.wasm`, import.meta.url); not JSDoc's {import('./client.js')}
      for (const [, , relative] of text.matchAll(/(?:\bfrom\s*|(?<![{\w.$])import\(\s*|\bnew URL\(\s*)(["'`])\.\/([^"'`\n]+)\1/g)) {
        const pattern = new RegExp(`^dist/${relative!.split(/\$\{[^}]*\}/).map((part) => part.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&")).join("[^/]+")}$`);
        if (!pkg.files.some((path) => pattern.test(path))) missing.push(`${file} → ./${relative}`);
        checked.add(relative!);
      }
    }
    expect(missing).toEqual([]);
    // the regular expression still finds the assets
    expect([...checked]).toEqual(expect.arrayContaining(["wasm-tools.core.wasm", "wasm-tools.core2.wasm", "worker-thread.bundle.js"]));
    expect([...checked].filter((relative) => relative.startsWith("adapters/"))).not.toEqual([]);
  });

  it("has a package.json fit to publish: public, a bin, engines, license, repository, files, no runtime dependencies, binaryen an optional peer", () => {
    const manifest = pkg.manifest;
    expect(manifest.name).toBe("wasmpack");
    expect(manifest.private).not.toBe(true);
    expect(manifest.bin).toEqual({ wasmpack: "./dist/bin.js" });
    expect(pkg.files).toContain("dist/bin.js");
    expect(manifest.engines).toEqual({ node: expect.stringMatching(/^>=20\.19/) });
    expect(manifest.license).toBe("Apache-2.0");
    expect(manifest.repository).toMatchObject({ type: "git", url: expect.stringContaining("github.com") });
    expect(manifest.files).toEqual(expect.arrayContaining(["dist", "README.md", "LICENSE"]));
    // everything the CLI runs is in the bundle
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.optionalDependencies ?? {}).toEqual({});
    expect(manifest.bundleDependencies ?? manifest.bundledDependencies ?? []).toEqual([]);
    expect(manifest.peerDependencies).toEqual({ binaryen: expect.stringMatching(/^\d/) });
    expect(manifest.peerDependenciesMeta).toEqual({ binaryen: { optional: true } });
    expect(pkg.manifestText).not.toContain("workspace:");
    // nothing runs when it is installed
    expect(Object.keys(manifest.scripts ?? {}).filter((name) => /^(pre|post)?(install|prepare)$/.test(name))).toEqual([]);
  });
});

interface Project {
  dir: string;
  env: Record<string, string | undefined>;
  run(file: string, args: string[], options?: RunOptions): ReturnType<typeof runCommand>;
}

/** A fresh project in a temp directory with the tarball installed by `manager` as a dev dependency; logs its footprint. */
async function installedProject(manager: "npm" | "pnpm", scripts: Record<string, string> = {}): Promise<Project & { seconds: number }> {
  const root = await tempDir(`wasmpack-${manager}-user-`);
  const dir = join(root, "app");
  await mkdir(dir);
  await writeFile(join(dir, "package.json"), `${JSON.stringify({ name: "app", version: "1.0.0", private: true, scripts }, null, 2)}\n`);
  const env = userEnv(root);
  const run = (file: string, args: string[], options: RunOptions = {}) => runCommand(file, args, { cwd: dir, timeoutMs: 120_000, ...options, env: { ...env, ...options.env } });
  const started = performance.now();
  const install = manager === "npm" ? await run("npm", ["i", "-D", pkg.tarball]) : await run("pnpm", ["add", "-D", pkg.tarball]);
  const seconds = (performance.now() - started) / 1000;
  if (install.exitCode !== 0) throw new Error(`${manager} could not install ${pkg.tarball} (exit ${install.exitCode}):\n${install.stdout}\n${install.stderr}`);
  return { dir, env, run, seconds };
}

async function footprint(project: Project): Promise<{ bytes: number; packages: string[] }> {
  const du = await runOk("du", ["-sb", "node_modules"], { cwd: project.dir });
  return { bytes: Number(du.stdout.split("\t")[0]), packages: await installedPackages(project.dir) };
}

describe.each(["npm", "pnpm"] as const)("installed with %s into a fresh project", (manager) => {
  let project: Awaited<ReturnType<typeof installedProject>>;
  beforeAll(async () => {
    project = await installedProject(manager);
  });

  it(`stays within ${MAX_BYTES / 1024 / 1024} MB and ${MAX_PACKAGES} packages, and compiles nothing at install time`, async () => {
    const { bytes, packages } = await footprint(project);
    console.log(`${manager === "npm" ? "npm i" : "pnpm add"} -D wasmpack: node_modules ${(bytes / 1e6).toFixed(1)} MB (${bytes} bytes), ${packages.length} package(s), installed in ${project.seconds.toFixed(1)} s`);
    expect(packages.length).toBeGreaterThanOrEqual(1);
    expect(packages.length).toBeLessThanOrEqual(MAX_PACKAGES);
    expect(bytes).toBeLessThanOrEqual(MAX_BYTES);
    expect(await installTimeWork(project.dir)).toEqual([]);
    if (manager === "npm") {
      for (const script of ["preinstall", "install", "postinstall"]) {
        const query = await project.run("npm", ["query", `:attr(scripts, [${script}])`]);
        expect(query.exitCode, query.stderr).toBe(0);
        expect(JSON.parse(query.stdout)).toEqual([]);
      }
    }
  });

  it("runs the installed bin, which prints the package's version", async () => {
    const result = manager === "npm" ? await project.run("npx", ["wasmpack", "--version"]) : await project.run("pnpm", ["exec", "wasmpack", "--version"]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.manifest.version);
  });
});

describe("used from an npm project on crates outside the repository", () => {
  let registry: RunningRegistry;
  let project: Project;
  let crate: string;
  let spin: string;
  const image = () => `${registry.host}/packaged/app:1.0`;

  beforeAll(async () => {
    registry = await startRegistry();
    const outside = await tempDir("wasmpack-user-crates-");
    crate = await copyExample("wasmedge-http", join(outside, "wasmedge-http"));
    spin = await copyExample("spin-hello", join(outside, "spin-hello"));
    project = await installedProject("npm", { image: `wasmpack build ${crate} --push ${registry.host}/packaged/app:1.0` });
  });
  afterAll(() => registry?.stop());

  it("`npm run image` builds the crate and pushes it; skopeo sees the digest wasmpack printed", async () => {
    const result = await project.run("npm", ["run", "image"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const printed = [...result.stdout.matchAll(/^(\S+)@(sha256:[0-9a-f]{64})$/gm)];
    expect(printed.map((m) => m[1]), result.stdout).toEqual([`${registry.host}/packaged/app`]);
    expect(await skopeoDigest(`docker://${image()}`)).toBe(printed[0]![2]);
    const inspected = await runOk("skopeo", ["inspect", "--tls-verify=false", `docker://${image()}`]);
    expect((JSON.parse(inspected.stdout) as { Digest: string }).Digest).toBe(printed[0]![2]);
  });

  it("makes a WASI preview 2 component: the bundled wasm-tools and the WASI adapters are in the package", async () => {
    const result = await project.run("npx", ["wasmpack", "build", "--format", "wasm-artifact", "--component", "command", spin, "--json", "-q"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const built = JSON.parse(result.stdout) as { format: string; platform: string; wasm: { component?: { size: number } }[] };
    expect(built).toMatchObject({ format: "wasm-artifact", platform: "wasip2/wasm" });
    expect(built.wasm[0]?.component?.size).toBeGreaterThan(0);
  });

  it("--optimize without binaryen installed fails with one line naming the fix, and no stack trace", async () => {
    expect(await installedPackages(project.dir)).not.toContainEqual(expect.stringContaining("/binaryen/"));
    const fix = `wasmpack: --optimize needs binaryen: npm i -D binaryen@${pkg.manifest.peerDependencies?.binaryen}`;
    const result = await project.run("npx", ["wasmpack", "build", "--optimize", crate]);
    expect(result.exitCode).toBe(1);
    expect(lastLine(result.stderr)).toBe(fix);
    expect(result.stderr.split("\n").filter((line) => line.includes("binaryen@"))).toEqual([fix]);
    expect(result.stderr).not.toMatch(/^\s+at |Error:/m);
    expect(result.stderr).not.toMatch(/Finished|Compiling|using .*cargo/); // said before cargo ran
    const quiet = await project.run("npx", ["wasmpack", "build", "--optimize", "-q", crate]);
    expect(quiet.exitCode).toBe(1);
    expect(quiet.stderr).toBe(`${fix}\n`);
    // binaryen itself (93 MB) is not installed here: strip-optimize.test.ts runs --optimize with it from the workspace.
  });
});
