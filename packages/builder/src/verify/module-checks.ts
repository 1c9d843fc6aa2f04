import type { ClusterRuntime } from "../kubernetes/cluster-runtime.js";
import { WASI_PREVIEW1_MODULE, componentImportProvided, coreImportVerdict } from "./host-imports.js";
import type { ImageFileEntry } from "./image-contents.js";
import { wasmServing, type Serving } from "./serving.js";
import { inspectWasm, type WasmInspection } from "./wasm-inspect.js";
import { fail, pass, warn, type VerifyCheck } from "./verify-report.js";

const RUNTIME_NAMES: Record<ClusterRuntime, string> = {
  wasmedge: "crun's WasmEdge handler",
  spin: "containerd-shim-spin",
  wasmtime: "runwasi's wasmtime shim",
};

/**
 * Whether one module (`where`: its image path, `/app.wasm`, or `layer NAME`) will load and link
 * on the runtime: it parses, it is a kind the runtime runs (WasmEdge: core modules; Spin:
 * modules, which it componentizes, and components; wasmtime: both), its imports are ones the
 * runtime provides, and it has the export the runtime calls. Also says whether it can serve
 * (`wasmServing`), from the same single parse, which it returns for other checks of the same wasm.
 */
export async function moduleChecks(where: string, file: ImageFileEntry, runtime: ClusterRuntime, exportName = "_start"): Promise<{ checks: VerifyCheck[]; serving: Serving; inspection: WasmInspection }> {
  const inspection = await inspectWasm(await file.read());
  return { checks: inspectionChecks(where, file.size, inspection, runtime, exportName), serving: wasmServing(inspection), inspection };
}

function inspectionChecks(where: string, size: number, inspection: WasmInspection, runtime: ClusterRuntime, exportName: string): VerifyCheck[] {
  const host = RUNTIME_NAMES[runtime];
  switch (inspection.kind) {
    case "not-wasm":
      return [fail(`wasm ${where}`, `is not WebAssembly: ${inspection.header}, not the \\0asm preamble`)];
    case "invalid":
      return [fail(`wasm ${where}`, `is not a valid WebAssembly ${inspection.binary}: ${inspection.error}`)];
    case "module":
      return [pass(`wasm ${where}`, `valid core module, ${size} bytes`), coreImportsCheck(where, inspection.imports, runtime), ...coreExportCheck(where, inspection.exports, runtime, exportName)];
    case "component": {
      const http = inspection.exports.find((e) => e.startsWith("wasi:http/incoming-handler"));
      if (runtime === "wasmedge") {
        const what = http ? `a component exporting ${http}` : "a component";
        return [fail(`wasm ${where}`, `is ${what}; ${host} runs core modules only (build a wasm32-wasip1 module, or use --runtime spin or wasmtime)`)];
      }
      const checks = [pass(`wasm ${where}`, `valid component exporting ${inspection.exports.join(", ") || "nothing"}`)];
      // Interfaces come from the host; a world's other items (types, functions it `use`s) ride along with them.
      const interfaces = inspection.imports.filter((name) => name.includes(":"));
      const missing = interfaces.filter((name) => !componentImportProvided(runtime, name));
      checks.push(
        missing.length === 0
          ? pass(`imports ${where}`, `${interfaces.length} interface(s), all provided by ${host}`)
          : fail(`imports ${where}`, `imports ${missing.join(", ")}, which ${host} does not provide`),
      );
      if (runtime === "wasmtime" && !http && !inspection.exports.some((e) => e.startsWith("wasi:cli/run"))) {
        checks.push(fail(`exports ${where}`, `exports neither wasi:http/incoming-handler (served on :8080) nor wasi:cli/run (run as a command), the two entry points ${host} knows`));
      }
      return checks;
    }
  }
}

function coreImportsCheck(where: string, imports: { module: string; name: string; kind: string }[], runtime: ClusterRuntime): VerifyCheck {
  const name = `imports ${where}`;
  const host = RUNTIME_NAMES[runtime];
  const verdicts = imports.map((i) => ({ ...i, verdict: coreImportVerdict(runtime, i.module, i.name) }));
  const extensions = verdicts.filter((v) => !v.verdict.provided && v.verdict.why === "wasmedge-extension").map((v) => v.name);
  if (extensions.length > 0) {
    return fail(name, `imports WasmEdge's socket extension (${extensions.join(", ")}) from ${WASI_PREVIEW1_MODULE}; only WasmEdge provides it, ${host} has standard WASI preview 1 only (formats.md §6)`);
  }
  const notWasi = verdicts.filter((v) => !v.verdict.provided && v.verdict.why === "not-in-wasi").map((v) => v.name);
  if (notWasi.length > 0) return fail(name, `imports ${notWasi.join(", ")} from ${WASI_PREVIEW1_MODULE}, which WASI preview 1 does not define`);
  const unknown = verdicts.filter((v) => !v.verdict.provided && v.verdict.why === "unknown-module").map((v) => `${v.module}.${v.name}`);
  if (unknown.length > 0) return fail(name, `imports ${unknown.join(", ")}, which ${host} does not provide`);
  const notes = [...new Set(verdicts.flatMap((v) => (v.verdict.provided && v.verdict.note ? [v.verdict.note] : [])))];
  if (notes.length > 0) return warn(name, notes.join("; "));
  return pass(name, `${verdicts.length} import(s), all provided by ${host}`);
}

/** crun's WasmEdge handler and runwasi run the `_start` export (or runwasi's `#func`); Spin checks its own. */
function coreExportCheck(where: string, exports: string[], runtime: ClusterRuntime, exportName: string): VerifyCheck[] {
  if (runtime === "spin") return [];
  const name = `exports ${where}`;
  return exports.includes(exportName)
    ? [pass(name, `exports ${exportName}`)]
    : [fail(name, `exports no ${exportName}; ${RUNTIME_NAMES[runtime]} calls ${exportName} (exports: ${exports.join(", ") || "none"})`)];
}
