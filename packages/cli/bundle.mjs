// Bundles the wasmpack CLI, the workspace packages and their dependencies into dist/: what npm
// publishes. A command loads a few files; wasm-tools (components) is a chunk of its own, loaded
// only when a component is built or inspected; Binaryen (--optimize) stays outside, an optional
// peer dependency the user installs.
import { chmod, copyFile, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const cli = dirname(fileURLToPath(import.meta.url));
const packages = join(cli, "..");
const dist = join(cli, "dist");
const fromBuilder = createRequire(join(packages, "builder/package.json"));

await rm(dist, { recursive: true, force: true });
const { metafile } = await build({
  entryPoints: { bin: join(cli, "src/bin.ts") },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  // The workspace packages from source, as the tests import them.
  alias: {
    "@wasmpack/registry": join(packages, "registry/src"),
    "@wasmpack/builder": join(packages, "builder/src"),
  },
  external: ["binaryen"],
  // CommonJS dependencies (undici, tar-stream) call require() for Node's built-ins.
  banner: { js: 'import { createRequire as __wasmpackRequire } from "node:module"; const require = __wasmpackRequire(import.meta.url);' },
  chunkNames: "[name]-[hash]",
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
});

// Files the bundled code opens by URL relative to its own module (new URL("./x", import.meta.url)):
const assets = [
  // wasm-tools' core modules (jco-transpile's vendor/wasm-tools.js)
  [fromBuilder.resolve("@bytecodealliance/jco-transpile/wasm-tools"), "../vendor/wasm-tools.core.wasm"],
  [fromBuilder.resolve("@bytecodealliance/jco-transpile/wasm-tools"), "../vendor/wasm-tools.core2.wasm"],
  // the WASI host's I/O worker thread (preview2-shim), started when wasm-tools does I/O
  [createRequire(fromBuilder.resolve("@bytecodealliance/jco-transpile/wasm-tools")).resolve("@bytecodealliance/preview2-shim"), "../io/worker-thread.bundle.js"],
];
for (const [from, relative] of assets) {
  const source = fileURLToPath(new URL(relative, `file://${from}`));
  await copyFile(source, join(dist, relative.split("/").pop()));
}
await mkdir(join(dist, "adapters"));
for (const kind of ["command", "reactor"]) {
  const name = `wasi_snapshot_preview1.${kind}.wasm`;
  await copyFile(join(packages, "builder/src/wasm/adapters", name), join(dist, "adapters", name));
}
await copyFile(join(packages, "builder/src/wasm/adapters/README.md"), join(dist, "adapters/README.md"));
await chmod(join(dist, "bin.js"), 0o755);
await writeFile(join(dist, "THIRD-PARTY-NOTICES.md"), await thirdPartyNotices(Object.keys(metafile.inputs)));

/** The name, version, license and license text of every npm package whose code is in the bundle. */
async function thirdPartyNotices(inputs) {
  const roots = new Set();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) roots.add(match[1]);
  }
  const sections = [];
  for (const root of [...roots].sort()) {
    const dir = join(process.cwd(), root);
    const { name, version, license } = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    const file = (await readdir(dir)).find((f) => /^(licen[cs]e|copying)/i.test(f));
    const text = file ? (await readFile(join(dir, file), "utf8")).trim() : `License: ${license}`;
    sections.push(`## ${name} ${version}, ${license}\n\n${text}\n`);
  }
  return `# Third-party software in wasmpack's bundle\n\n${[...new Set(sections)].join("\n")}`;
}
