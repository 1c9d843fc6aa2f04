// pnpm bench:build — wasmpack's packaging of an already-built module against the Buildah path
// the thesis used (buildah bud of a FROM scratch Containerfile with --platform wasi/wasm and the
// variant annotation, then buildah push to an oci: layout). Runs alternate; medians and their
// ratio are printed. A benchmark, not a test: it asserts nothing.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NODE, ROOT, WASMPACK, fmt, has, median, nodeVersion, timed, wasmpackEnv } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
if (!has("buildah")) throw new Error("buildah is not installed (scripts/install-deps.sh installs it)");

const example = join(ROOT, "examples", "wasmedge-http");
const work = mkdtempSync(join(tmpdir(), "wasmpack-bench-build-"));
const env = wasmpackEnv(work);
try {
  // Build once so cargo is warm: both sides then package the same module.
  const first = JSON.parse(timed(NODE, [WASMPACK, "build", example, "-o", join(work, "warm"), "--json", "-q"], { env }).stdout);
  const wasm = first.wasm[0].path;

  const context = join(work, "context");
  mkdirSync(context);
  copyFileSync(wasm, join(context, "wasmedge-http.wasm"));
  writeFileSync(join(context, "Containerfile"), 'FROM scratch\nCOPY wasmedge-http.wasm /wasmedge-http.wasm\nENTRYPOINT ["/wasmedge-http.wasm"]\n');
  const storage = ["--storage-driver", "vfs", "--root", join(work, "storage"), "--runroot", join(work, "run")];

  const wasmpackRun = (i) =>
    timed(NODE, [WASMPACK, "build", example, "-o", join(work, `wasmpack-${i}`), "-q"], { env }).ms;
  const packageOnlyRun = (i) =>
    timed(NODE, [join(ROOT, "bench", "package-only.mjs"), wasm, join(work, `package-${i}`)]).ms;
  const buildahRun = (i) => {
    const bud = timed("buildah", [...storage, "bud", "--quiet", "--platform", "wasi/wasm", "--annotation", "module.wasm.image/variant=compat-smart", "-t", `bench-${i}`, "-f", join(context, "Containerfile"), context]);
    const push = timed("buildah", [...storage, "push", "--quiet", `bench-${i}`, `oci:${join(work, `buildah-${i}`)}:latest`]);
    return bud.ms + push.ms;
  };

  const runners = { wasmpack: wasmpackRun, packageOnly: packageOnlyRun, buildah: buildahRun };
  const samples = { wasmpack: [], packageOnly: [], buildah: [] };
  const order = Object.keys(runners);
  for (let i = 0; i < RUNS; i++) {
    // Rotate which goes first so drift on a noisy machine hits every side alike.
    for (let k = 0; k < order.length; k++) {
      const name = order[(i + k) % order.length];
      samples[name].push(runners[name](i));
    }
  }
  const w = median(samples.wasmpack);
  const p = median(samples.packageOnly);
  const b = median(samples.buildah);
  console.log(`packaging examples/wasmedge-http (${first.wasm[0].size} B module), ${RUNS} runs each, alternating, ${nodeVersion()}`);
  console.log(`  wasmpack build (whole CLI: node start, cargo freshness check, image, layout): median ${fmt(w)}`);
  console.log(`  wasmpack packaging step alone (one node process: plan, layer, config, manifest): median ${fmt(p)}`);
  console.log(`  buildah bud + buildah push oci:                                         median ${fmt(b)}`);
  console.log(`  ratio packaging step/buildah: ${(p / b).toFixed(2)}x (goal: at most 0.5x)`);
  console.log(`  ratio whole wasmpack build/buildah: ${(w / b).toFixed(2)}x (goal: at most 1.5x)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
