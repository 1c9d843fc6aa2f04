// pnpm bench:push — wasmpack push side by side with skopeo (and crane, oras when installed)
// pushing the same OCI layout to the same local registry, in one run, the tools alternating: a
// cold push to a new registry, a warm push where every blob exists, and a push of a 256 MiB
// layer. Prints per tool the median wall time, the ratio to skopeo, peak RSS, median CPU time
// (user + sys) and the HTTP requests of one push (from the registry's access log).
// wasmpack runs under WASMPACK_NODE or `--node PATH` (default: this Node), so the same run can be
// repeated for Node 20 and Node 24. A benchmark, not a test: it asserts nothing.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { MediaType, encodeImageConfig, encodeManifest } from "../packages/registry/dist/oci/index.js";
import { OciLayout } from "../packages/registry/dist/layout/index.js";
import { NODE, ROOT, WASMPACK, fmt, median, wasmpackEnv, which } from "./lib.mjs";
import { startRegistry } from "./registry.mjs";

const { values: flags } = parseArgs({ options: { node: { type: "string" } } });
const node = flags.node ?? NODE;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BIG_RUNS = Number(process.env.BENCH_BIG_RUNS ?? 3);
const BIG = 256 * 1024 * 1024;

/** Runs a command; wall ms, and peak RSS (KiB) and CPU seconds (user + sys) from GNU time (Debian package time). */
function measure(file, args, env = process.env) {
  const start = performance.now();
  const result = spawnSync("/usr/bin/time", ["-f", "%M %U %S", file, ...args], { encoding: "utf8", env });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${file} ${args.join(" ")} failed: ${result.stderr}`);
  const [rssKiB, user, sys] = result.stderr.trim().split("\n").at(-1).split(" ").map(Number);
  return { ms, rssKiB, cpuS: user + sys };
}

const crane = which("crane");
const oras = which("oras");
const nodeVersion = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
const work = mkdtempSync(join(tmpdir(), "wasmpack-bench-push-"));
const env = wasmpackEnv(work);
const registry = await startRegistry();
try {
  // The image: examples/wasmedge-http as wasmpack builds it, without the SBOM and provenance
  // referrers, which the peers would not copy (bench:supply-chain measures what they cost).
  const example = join(work, "example");
  const built = spawnSync(node, [WASMPACK, "build", join(ROOT, "examples/wasmedge-http"), "-o", example, "--tag", "bench", "-q", "--no-sbom", "--no-provenance"], { encoding: "utf8", env });
  if (built.status !== 0) throw new Error(`wasmpack build failed: ${built.stderr}`);
  const big = join(work, "big");
  await writeBigImage(big);

  const tools = {
    wasmpack: (layout, ref) => measure(node, [WASMPACK, "push", ref, "--from", layout, "-q"], env),
    skopeo: (layout, ref) => measure("skopeo", ["copy", "--quiet", "--insecure-policy", "--dest-tls-verify=false", `oci:${layout}:bench`, `docker://${ref}`]),
    ...(crane ? { crane: (layout, ref) => measure(crane, ["push", "--insecure", layout, ref]) } : {}),
    ...(oras ? { oras: (layout, ref) => measure(oras, ["cp", "--from-oci-layout", "--to-plain-http", "--no-tty", `${layout}:bench`, ref]) } : {}),
  };
  const names = Object.keys(tools);
  const missing = [crane ? "" : "crane", oras ? "" : "oras"].filter(Boolean);
  console.log(`wasmpack on Node ${nodeVersion} (${node}); registry ${registry.host}; tools: ${names.join(", ")}`);
  if (missing.length > 0) console.log(`(no ${missing.join(" or ")}: scripts/install-deps.sh builds them into .tools/bin when Go is installed)`);

  // Cold pushes go to a registry started for that one push: skopeo remembers where it has seen a
  // blob (its blob-info cache) and would mount it from an earlier tool's repository instead.
  const scenario = async (label, layout, runs, cold) => {
    const samples = Object.fromEntries(names.map((n) => [n, []]));
    for (let i = 0; i < runs; i++) {
      // Rotate the order each run so drift on a noisy machine hits every tool alike.
      for (let k = 0; k < names.length; k++) {
        const name = names[(i + k) % names.length];
        const target = cold ? await startRegistry() : registry;
        try {
          const before = target.requests();
          const sample = tools[name](layout, `${target.host}/${cold ? "cold" : `warm-${name}`}:bench`);
          // Let the access log of this push arrive before counting it.
          await new Promise((resolve) => setTimeout(resolve, 100));
          samples[name].push({ ...sample, requests: target.requests() - before });
        } finally {
          if (cold) target.stop();
        }
      }
    }
    const base = median(samples.skopeo.map((s) => s.ms));
    console.log(`\n${label} (${runs} runs each)`);
    console.log(`  ${"tool".padEnd(9)} ${"median".padStart(8)}  ${"vs skopeo".padStart(9)}  ${"peak RSS".padStart(9)}  ${"CPU".padStart(7)}  requests`);
    for (const name of names) {
      const ms = median(samples[name].map((s) => s.ms));
      const rss = Math.max(...samples[name].map((s) => s.rssKiB)) / 1024;
      const cpu = median(samples[name].map((s) => s.cpuS));
      const requests = median(samples[name].map((s) => s.requests));
      console.log(`  ${name.padEnd(9)} ${fmt(ms).padStart(8)}  ${`${(ms / base).toFixed(2)}x`.padStart(9)}  ${`${rss.toFixed(0)} MiB`.padStart(9)}  ${`${cpu.toFixed(2)} s`.padStart(7)}  ${String(requests).padStart(8)}`);
    }
  };

  await scenario("cold push of examples/wasmedge-http to an empty registry", example, RUNS, true);
  // The first push of each tool fills its repository; every run after it finds all blobs there.
  for (const name of names) tools[name](example, `${registry.host}/warm-${name}:bench`);
  await new Promise((resolve) => setTimeout(resolve, 100)); // their access log, before the first count
  await scenario("warm push: every blob already in the repository", example, RUNS, false);
  await scenario("cold push of a 256 MiB layer to an empty registry", big, BIG_RUNS, true);
} finally {
  registry.stop();
  rmSync(work, { recursive: true, force: true });
}

/** A layout holding one 256 MiB incompressible layer, written as a stream. */
async function writeBigImage(dir) {
  const layout = await OciLayout.create(dir);
  let left = BIG;
  const chunks = new Readable({
    read() {
      const n = Math.min(left, 1024 * 1024);
      left -= n;
      this.push(n > 0 ? randomBytes(n) : null);
    },
  });
  const layer = { mediaType: MediaType.LayerTar, ...(await layout.writeBlob(chunks)) };
  const config = encodeImageConfig({ platform: { os: "linux", architecture: "amd64" }, diffIds: [layer.digest] });
  const manifest = encodeManifest({ config: config.descriptor, layers: [layer] });
  await layout.writeEncoded(config);
  await layout.writeEncoded(manifest);
  await layout.tag("bench", manifest.descriptor);
}
