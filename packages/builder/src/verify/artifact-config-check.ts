import { isObject } from "@wasmpack/registry/oci";
import type { WasmInspection } from "./wasm-inspect.js";
import { fail, pass, type VerifyCheck } from "./verify-report.js";

/** The `os` the CNCF Wasm artifact config gives each kind of binary (formats.md §4, section F; rust-oci-wasm). */
const OS_OF = { module: "wasip1", component: "wasip2" } as const;
const KIND_NAME = { module: "a core module", component: "a component" } as const;

/**
 * Whether a CNCF Wasm artifact's `application/vnd.wasm.config.v0+json` config says what its one
 * wasm layer is: `os` `wasip1` for a core module, `wasip2` for a component; `component` null (or
 * absent) for a module and the component's own world (imports and exports, compared as sets,
 * ids as `decodeComponentWorld` writes them) for a component; `layerDigests`, when present, the
 * manifest's layer digests in order. Tools route and pick runtimes by these fields, so a config
 * that disagrees with its layer mislabels the artifact (`wkg oci push` 0.16.1 labels a core
 * module `wasip2` with an empty world). Every disagreement goes into the one reason.
 */
export function artifactConfigCheck(config: Record<string, unknown>, manifestLayerDigests: readonly string[], inspection: WasmInspection): VerifyCheck {
  const name = "config";
  const kind = inspection.kind === "invalid" ? inspection.binary : inspection.kind === "not-wasm" ? undefined : inspection.kind;
  const problems: string[] = [];

  const os = config["os"];
  if (os !== OS_OF.module && os !== OS_OF.component) {
    problems.push(`config os is ${JSON.stringify(os ?? null)}, neither wasip1 (a core module) nor wasip2 (a component)`);
  } else if (kind && os !== OS_OF[kind]) {
    problems.push(`config os is ${os} but the layer is ${KIND_NAME[kind]} (${OS_OF[kind]})`);
  }

  const declared = config["component"];
  if (kind === "module" && declared !== undefined && declared !== null) {
    problems.push(`config component is ${describeComponent(declared)} but the layer is a core module: it must be null`);
  } else if (inspection.kind === "component") {
    if (!isObject(declared)) {
      problems.push(`config component is ${declared === undefined ? "absent" : JSON.stringify(declared)} but the layer is a component: it must list the component's imports and exports`);
    } else {
      problems.push(...worldProblems("exports", "export", declared["exports"], inspection.exports));
      problems.push(...worldProblems("imports", "import", declared["imports"], inspection.imports));
    }
  }

  const digests = config["layerDigests"];
  if (digests !== undefined && !(Array.isArray(digests) && digests.length === manifestLayerDigests.length && digests.every((d, i) => d === manifestLayerDigests[i]))) {
    problems.push(`config layerDigests ${JSON.stringify(digests)} are not the manifest's layer digests ${JSON.stringify(manifestLayerDigests)}`);
  }

  if (problems.length > 0) return fail(name, problems.join("; "));
  if (!kind) return pass(name, `os ${String(os)}; the layer is not wasm, so its kind was not compared`);
  const world = inspection.kind === "component" ? `, component lists its ${inspection.imports.length} import(s) and ${inspection.exports.length} export(s)` : ", component null";
  return pass(name, `os ${String(os)} for ${KIND_NAME[kind]}${world}${digests === undefined ? "" : ", layerDigests match the manifest"}`);
}

/** The config's list for one side of the world against the component's own, as sets. */
function worldProblems(field: "exports" | "imports", verb: "export" | "import", declared: unknown, actual: readonly string[]): string[] {
  if (!Array.isArray(declared) || !declared.every((item) => typeof item === "string")) {
    return [`config component.${field} is ${JSON.stringify(declared ?? null)}, not a list of names`];
  }
  const listed = new Set(declared as string[]);
  const has = new Set(actual);
  const extra = [...listed].filter((item) => !has.has(item));
  const missing = [...has].filter((item) => !listed.has(item));
  const problems: string[] = [];
  if (extra.length > 0) problems.push(`config component.${field} lists ${extra.join(", ")} that the component does not ${verb}`);
  if (missing.length > 0) problems.push(`config component.${field} omits ${missing.join(", ")}, which the component ${verb}s`);
  return problems;
}

function describeComponent(declared: unknown): string {
  if (!isObject(declared)) return JSON.stringify(declared);
  const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  const exports = count(declared["exports"]);
  const imports = count(declared["imports"]);
  return exports + imports === 0 ? "an empty world" : `a world of ${imports} import(s) and ${exports} export(s)`;
}
