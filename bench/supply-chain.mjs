// pnpm bench:supply-chain — what the SBOM and provenance cost a `wasmpack build --push`: the same
// build and push of each example with them (the default) and with --no-sbom --no-provenance, to a
// real registry (distribution, which has no referrers API: the SBOM and provenance go up as
// artifact manifests plus the sha256-<hex> fallback index). cargo is warm on both sides, as in a
// CI rebuild; each run pushes to a new tag. Runs alternate; medians and their ratio are printed.
// A benchmark, not a test: it asserts nothing.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NODE, ROOT, WASMPACK, fmt, median, nodeVersion, timedAsync, wasmpackEnv } from "./lib.mjs";
import { startRegistry } from "./registry.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const work = mkdtempSync(join(tmpdir(), "wasmpack-bench-supply-chain-"));
const env = wasmpackEnv(work);
const registry = await startRegistry();
try {
  console.log(`wasmpack build --push with SBOM + provenance vs --no-sbom --no-provenance, ${RUNS} runs each, alternating, ${nodeVersion()}`);
  for (const example of ["wasmedge-http", "spin-hello"]) {
    const dir = join(work, example);
    cpSync(join(ROOT, "examples", example), dir, { recursive: true, filter: (path) => !path.includes("/target/wasmpack") });
    const run = (name, extra) => async (i) =>
      (await timedAsync(NODE, [WASMPACK, "build", dir, "-o", join(work, `${example}-${name}-${i}`), "--push", `${registry.host}/bench/${example}-${name}:${i}`, "-q", ...extra], { env })).ms;
    const runners = { with: run("with", []), without: run("without", ["--no-sbom", "--no-provenance"]) };
    await runners.with("warm"); // cargo builds once; every timed run finds it fresh
    await runners.without("warm");
    const samples = { with: [], without: [] };
    const order = Object.keys(runners);
    for (let i = 0; i < RUNS; i++) {
      for (let k = 0; k < order.length; k++) {
        const name = order[(i + k) % order.length];
        samples[name].push(await runners[name](i));
      }
    }
    const a = median(samples.with);
    const b = median(samples.without);
    console.log(`  ${example}: with ${fmt(a)}, without ${fmt(b)}, ratio ${(a / b).toFixed(2)}x (goal: at most 1.15x)`);
  }
} finally {
  await registry.stop();
  rmSync(work, { recursive: true, force: true });
}
