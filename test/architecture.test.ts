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

  it("keeps the CLI's eager imports light, so --help never loads the builder, undici or jco", async () => {
    const eager = (await importsUnder("packages/cli/src")).filter((i) => !i.file.endsWith("bin.ts"));
    const texts = await Promise.all(eager.map(async (i) => ({ ...i, line: (await readFile(join(REPO_ROOT, i.file), "utf8")).split("\n").find((l) => l.includes(`"${i.specifier}"`)) ?? "" })));
    const staticHeavy = texts.filter((i) => /^import (?!type )/.test(i.line.trim()) && (i.specifier === "@wasmpack/builder" || i.specifier === "@wasmpack/registry" || i.specifier === "undici" || i.specifier.startsWith("@bytecodealliance")));
    expect(staticHeavy.map((i) => `${i.file}: ${i.line.trim()}`)).toEqual([]);
  });
});
