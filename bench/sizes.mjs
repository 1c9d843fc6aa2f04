// pnpm sizes — builds each example in every format that fits it (with and without --optimize, and
// spin-hello also as a component) and prints what a registry stores for each image: manifest +
// config + layers as pushed (tar+gzip layers compressed, raw wasm layers as they are), against
// the 100 KB goal (100,000 bytes). A measurement, not a test: it asserts nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, WASMPACK, timed, wasmpackEnv } from "./lib.mjs";

const GOAL = 100_000;
const BUILDS = [
  { example: "wasmedge-http", args: ["--format", "compat,wasm-artifact"] },
  { example: "wasmedge-http", args: ["--format", "compat,wasm-artifact", "--optimize"] },
  { example: "spin-hello", args: ["--format", "spin-layout,spin-artifact,wasm-artifact,compat"] },
  { example: "spin-hello", args: ["--format", "spin-layout,spin-artifact,wasm-artifact,compat", "--optimize"] },
  { example: "spin-hello", args: ["--format", "wasm-artifact", "--component", "command"] },
  { example: "spin-hello", args: ["--format", "wasm-artifact", "--component", "command", "--optimize"] },
];

const work = mkdtempSync(join(tmpdir(), "wasmpack-sizes-"));
const env = wasmpackEnv(work);
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
try {
  const rows = [];
  BUILDS.forEach(({ example, args }, i) => {
    const out = join(work, String(i));
    const result = JSON.parse(timed(process.execPath, [WASMPACK, "build", join(ROOT, "examples", example), "-o", out, "--json", "-q", ...args], { env }).stdout);
    const [wasm] = result.wasm;
    const options = args.filter((a, k) => a !== "--format" && args[k - 1] !== "--format").join(" ") || "(defaults)";
    for (const image of result.images) {
      const carried = image.format === "wasm-artifact" && wasm.component ? wasm.component.size : wasm.size;
      rows.push([example, image.format, options, image.platform, kb(carried), kb(image.size), image.size <= GOAL ? "ok" : `over by ${kb(image.size - GOAL)}`]);
    }
  });
  const header = ["example", "format", "options", "platform", "wasm", "image", `goal ${kb(GOAL)}`];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells) => cells.map((cell, c) => cell.padEnd(widths[c])).join("  ");
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log("image = manifest + config + layers as a registry stores them; wasm = the module (or component) the image carries.");
} finally {
  rmSync(work, { recursive: true, force: true });
}
