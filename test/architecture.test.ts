import { readFile, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./support/cli.js";

/** Every import specifier of every non-test source file under `dir`. */
async function importsUnder(dir: string): Promise<{ file: string; specifier: string }[]> {
  const root = join(REPO_ROOT, dir);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const found: { file: string; specifier: string }[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith(".ts") || entry.name.endsWith(".test.ts")) continue;
    const path = join(entry.parentPath, entry.name);
    const text = await readFile(path, "utf8");
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)[^"'`;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
      found.push({ file: relative(REPO_ROOT, path), specifier: (match[1] ?? match[2])! });
    }
  }
  return found;
}

const offending = (imports: { file: string; specifier: string }[], bad: (specifier: string) => boolean) =>
  imports.filter((i) => bad(i.specifier)).map((i) => `${i.file} imports ${i.specifier}`);

// style.md: dependencies flow one way (cli → builder → registry), and the OCI model is pure.
describe("the import graph", () => {
  it("keeps registry/oci pure: no file system, network or HTTP client", async () => {
    const imports = await importsUnder("packages/registry/src/oci");
    expect(imports.length).toBeGreaterThan(5);
    expect(offending(imports, (s) => /^(node:(fs|net|http|https|child_process)|undici)/.test(s) || s.includes("/layout/") || s.includes("/remote/"))).toEqual([]);
  });

  it("keeps the builder away from the HTTP client and the CLI", async () => {
    const imports = await importsUnder("packages/builder/src");
    expect(offending(imports, (s) => s === "undici" || s === "@wasmpack/registry" || s === "wasmpack" || s.includes("packages/cli"))).toEqual([]);
  });

  it("keeps the registry package free of the builder and the CLI", async () => {
    const imports = await importsUnder("packages/registry/src");
    expect(offending(imports, (s) => s.startsWith("@wasmpack/builder") || s === "wasmpack" || s.startsWith("execa"))).toEqual([]);
  });

  it("keeps command definitions free of the libraries: each command loads its action through one import()", async () => {
    const definitions = (await importsUnder("packages/cli/src")).filter((i) => !i.file.includes("/actions/") && !i.file.endsWith("bin.ts"));
    const texts = await Promise.all(definitions.map(async (i) => ({ ...i, line: (await readFile(join(REPO_ROOT, i.file), "utf8")).split("\n").find((l) => l.includes(`"${i.specifier}"`)) ?? "" })));
    const eager = texts.filter((i) => /^import (?!type )/.test(i.line.trim()) && !/^(commander|node:|\.\.?\/)/.test(i.specifier) && i.specifier !== "@wasmpack/registry/errors");
    expect(eager.map((i) => `${i.file}: ${i.line.trim()}`)).toEqual([]);
    const lazy = texts.filter((i) => i.file.includes("/commands/") && i.specifier.startsWith("../actions/"));
    expect(lazy.length).toBeGreaterThan(8);
    expect(lazy.filter((i) => !i.line.includes("await import(")).map((i) => i.file)).toEqual([]);
  });
});

// What `wasmpack --help` really loads: the chunks bin.js reaches through static imports alone.
describe("the published bundle", () => {
  const dist = join(REPO_ROOT, "packages/cli/dist");

  async function staticClosure(entry: string): Promise<Set<string>> {
    const seen = new Set<string>();
    const visit = async (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = await readFile(join(dist, file), "utf8");
      for (const match of text.matchAll(/^(?:import|export)\s[^;]*?from\s*"\.\/([^"]+)"/gm)) await visit(match[1]!);
    };
    await visit(entry);
    return seen;
  }

  it("starts a command from commander and the command definitions only; undici, execa, yaml and wasm-tools load with the action that needs them", async () => {
    const bin = await readFile(join(dist, "bin.js"), "utf8");
    const main = /import\("\.\/(main-[^"]+)"\)/.exec(bin)?.[1];
    expect(main).toBeDefined();
    const eager = await staticClosure(main!);
    const sources = (await Promise.all([...eager].map((f) => readFile(join(dist, f), "utf8")))).join("\n");
    const packages = new Set([...sources.matchAll(/^\/\/ node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((m) => m[1]));
    expect([...packages]).toEqual(["commander"]);
    // and the heavy parts are in the bundle, behind import()
    const all = (await readdir(dist)).filter((f) => f.endsWith(".js"));
    const everything = (await Promise.all(all.map((f) => readFile(join(dist, f), "utf8")))).join("\n");
    for (const name of ["undici", "execa", "yaml", "@bytecodealliance/jco-transpile"]) expect(everything).toContain(`node_modules/${name}/`);
  });
});
