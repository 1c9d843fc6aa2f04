// pnpm bench:startup — what every wasmpack command pays before it does anything: `wasmpack
// --help` and `--version` against `node -e 0` on the same Node (WASMPACK_NODE picks it), runs
// alternating, medians and ratios printed. A benchmark, not a test: it asserts nothing.
import { NODE, WASMPACK, fmt, median, nodeVersion, timed } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const commands = {
  "node -e 0": ["-e", "0"],
  "wasmpack --help": [WASMPACK, "--help"],
  "wasmpack --version": [WASMPACK, "--version"],
};
// One unmeasured run each: Node ≥ 22.1 fills wasmpack's compile cache on its first start.
for (const args of Object.values(commands)) timed(NODE, args);
const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
const names = Object.keys(commands);
for (let i = 0; i < RUNS; i++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(i + k) % names.length];
    samples[name].push(timed(NODE, commands[name]).ms);
  }
}
const base = median(samples["node -e 0"]);
console.log(`start-up, ${RUNS} runs each, alternating, ${nodeVersion()}`);
for (const name of names) {
  const m = median(samples[name]);
  console.log(`  ${name.padEnd(20)} median ${fmt(m).padStart(7)}  ${(m / base).toFixed(2)}x node -e 0${name === "wasmpack --help" ? " (goal: at most 1.3x)" : ""}`);
}
