// pnpm bench:workspace — a workspace of 10 generated WasmEdge-style services sharing a library:
// `wasmpack build WS --push PREFIX` (one cargo build, every image, one registry client) against
// the script a team writes without it: `cargo build --workspace`, then `buildah bud` + `buildah
// push` per service. Both push to the same local registry (distribution), each run to fresh
// repositories. One cold run (cargo from scratch, same for both), then alternating runs from a warm
// cargo cache: the whole repository with nothing changed, and with one service's source changed
// before each run. Medians, ratios and wasmpack's peak RSS are printed. A benchmark, not a test.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NODE, WASMPACK, fmt, has, median, nodeVersion, timedAsync as timed, wasmpackEnv } from "./lib.mjs";
import { startRegistry } from "./registry.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SERVICES = Number(process.env.BENCH_SERVICES ?? 10);
if (!has("buildah")) throw new Error("buildah is not installed (scripts/install-deps.sh installs it)");

const work = mkdtempSync(join(tmpdir(), "wasmpack-bench-workspace-"));
const env = wasmpackEnv(work);
const registry = await startRegistry();
try {
  const ws = generateWorkspace(join(work, "ws"), SERVICES);
  const names = Array.from({ length: SERVICES }, (_, i) => service(i));
  const storage = ["--storage-driver", "vfs", "--root", join(work, "storage"), "--runroot", join(work, "run")];

  // GNU time's %M (peak RSS, KiB, the largest of the process and the children it waited for) is
  // the last line of stderr; wasmpack itself prints nothing with -q.
  const peakRss = [];
  const wasmpackRun = async (run) => {
    const result = await timed("/usr/bin/time", ["-f", "%M", NODE, WASMPACK, "build", ws, "--push", `${registry.host}/w${run}`, "-q"], { env });
    peakRss.push(Number(result.stderr.trim().split("\n").at(-1)) / 1024);
    return result.ms;
  };
  // The toolchain wasmpack found, so that the script side runs the same cargo and target.
  const probe = JSON.parse((await timed(NODE, [WASMPACK, "build", ws, "-p", names[0], "--json", "-q", "-o", join(work, "probe")], { env })).stdout);
  const { cargo, rustc, target } = probe.toolchain;
  const scriptRun = async (run) => {
    const build = await timed(cargo, ["build", "--workspace", "--release", "--target", target, "--manifest-path", join(ws, "Cargo.toml"), "-q"], { env: { ...process.env, RUSTC: rustc } });
    let ms = build.ms;
    for (const name of names) {
      const context = join(work, "context", name);
      mkdirSync(context, { recursive: true });
      copyFileSync(join(ws, "target", target, "release", `${name}.wasm`), join(context, `${name}.wasm`));
      writeFileSync(join(context, "Containerfile"), `FROM scratch\nCOPY ${name}.wasm /${name}.wasm\nENTRYPOINT ["/${name}.wasm"]\n`);
      ms += (await timed("buildah", [...storage, "bud", "--quiet", "--platform", "wasi/wasm", "--annotation", "module.wasm.image/variant=compat-smart", "-t", `${name}:${run}`, "-f", join(context, "Containerfile"), context])).ms;
      ms += (await timed("buildah", [...storage, "push", "--quiet", "--tls-verify=false", `${name}:${run}`, `docker://${registry.host}/s${run}/${name}:0.1.0`])).ms;
    }
    return ms;
  };

  // Cold: cargo from scratch on both sides (cargo clean between them).
  const clean = () => rmSync(join(ws, "target"), { recursive: true, force: true });
  clean();
  const coldWasmpack = await wasmpackRun("cold");
  clean();
  const coldScript = await scriptRun("cold");
  const samples = { wasmpack: [], script: [] };
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 ? ["script", "wasmpack"] : ["wasmpack", "script"];
    for (const side of order) samples[side].push(side === "wasmpack" ? await wasmpackRun(i) : await scriptRun(i));
  }
  // One service changed before each run: cargo rebuilds it; the script still packages and pushes
  // every service, as a script that does not know what changed must.
  const changed = { wasmpack: [], script: [] };
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 ? ["script", "wasmpack"] : ["wasmpack", "script"];
    for (const side of order) {
      touchService(ws, names[0], `${side}-${i}`);
      changed[side].push(side === "wasmpack" ? await wasmpackRun(`c${i}`) : await scriptRun(`c${i}`));
    }
  }
  const w = median(samples.wasmpack);
  const s = median(samples.script);
  const cw = median(changed.wasmpack);
  const cs = median(changed.script);
  console.log(`a workspace of ${SERVICES} services sharing a library, built and pushed to a local registry, ${nodeVersion()}, ${target}`);
  console.log(`  cold (cargo from scratch): wasmpack build --push ${fmt(coldWasmpack)}; cargo build --workspace + buildah bud + push per service ${fmt(coldScript)}; ratio ${(coldWasmpack / coldScript).toFixed(2)}x`);
  console.log(`  whole repository, warm cargo cache, ${RUNS} alternating runs: wasmpack median ${fmt(w)}; script median ${fmt(s)}; ratio ${(w / s).toFixed(2)}x (goal: at most 0.5x)`);
  console.log(`  one service changed, ${RUNS} alternating runs: wasmpack median ${fmt(cw)}; script median ${fmt(cs)}; ratio ${(cw / cs).toFixed(2)}x (goal: at most 0.3x)`);
  console.log(`  peak RSS of the wasmpack process tree (its cargo and rustc, with LTO, included): median ${median(peakRss).toFixed(0)} MiB, max ${Math.max(...peakRss).toFixed(0)} MiB`);
} finally {
  registry.stop();
  rmSync(work, { recursive: true, force: true });
}

/** Changes what a service prints, so cargo rebuilds it and its image changes. */
function touchService(ws, name, mark) {
  writeFileSync(join(ws, "services", name, "src", "main.rs"), `fn main() {\n    let query = std::env::var("QUERY_STRING").unwrap_or_default();\n    println!("{} ({})", shared::render("${name}", &query), "${mark}");\n}\n`);
}

function service(i) {
  return `svc-${String(i + 1).padStart(2, "0")}`;
}

/** A virtual workspace: crates/shared (a library) and services/svc-NN (bins using it). */
function generateWorkspace(dir, count) {
  const write = (path, text) => {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  const members = ["crates/shared", ...Array.from({ length: count }, (_, i) => `services/${service(i)}`)];
  write("Cargo.toml", `[workspace]\nmembers = [${members.map((m) => `"${m}"`).join(", ")}]\n\n[profile.release]\nopt-level = "s"\nlto = true\ncodegen-units = 1\npanic = "abort"\nstrip = true\n`);
  write("crates/shared/Cargo.toml", '[package]\nname = "shared"\nversion = "0.1.0"\nedition = "2021"\n');
  write(
    "crates/shared/src/lib.rs",
    "use std::collections::BTreeMap;\n\npub fn render(name: &str, query: &str) -> String {\n    let mut params = BTreeMap::new();\n    for pair in query.split('&').filter(|p| !p.is_empty()) {\n        let (k, v) = pair.split_once('=').unwrap_or((pair, \"\"));\n        params.insert(k.to_string(), v.to_string());\n    }\n    let mut out = format!(\"{name}:\");\n    for (k, v) in &params {\n        out.push_str(&format!(\" {k}={v}\"));\n    }\n    out\n}\n",
  );
  for (let i = 0; i < count; i++) {
    const name = service(i);
    write(`services/${name}/Cargo.toml`, `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nshared = { path = "../../crates/shared" }\n`);
    write(`services/${name}/src/main.rs`, `fn main() {\n    let query = std::env::var("QUERY_STRING").unwrap_or_default();\n    println!("{}", shared::render("${name}", &query));\n}\n`);
  }
  return dir;
}
