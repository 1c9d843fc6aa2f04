import { WasmpackError } from "@wasmpack/registry/errors";
import type { FormatSettings } from "../formats/format-settings.js";
import { SPIN_FORMATS } from "../formats/formats.js";
import type { Project } from "../project/read-project.js";

/**
 * Checks, before anything is built, that each format fits the project: Spin formats need a
 * spin.toml, compat and wasm-artifact carry exactly one module, a spin-artifact holds only local
 * sources, and `--component` has a wasm-artifact to go into.
 */
export function checkFormatsFit(project: Project, formats: FormatSettings): void {
  const names = formats.images.map((i) => i.format);
  for (const format of names) {
    if (project.kind === "crate" && SPIN_FORMATS.includes(format)) {
      const flag = format === "spin-layout" ? "--runtime spin or --format spin-layout" : `--format ${format}`;
      throw usage("RUNTIME_MISMATCH", `${flag} needs a spin.toml in ${project.dir}`);
    }
    if (project.kind === "spin" && (format === "compat" || format === "wasm-artifact")) {
      const local = project.spin.components.filter((c) => c.source.kind === "path");
      if (local.length !== 1) {
        const flag = format === "compat" ? "the compat format (--runtime wasmedge)" : "the wasm-artifact format";
        throw usage("RUNTIME_MISMATCH", `${flag} packages one module, but ${project.spin.manifestPath} has ${local.length} local components`);
      }
    }
    if (project.kind === "spin" && format === "spin-artifact") {
      const remote = project.spin.components.find((c) => c.source.kind !== "path");
      if (remote) {
        throw new WasmpackError("input", "SPIN_SOURCE_NOT_LOCAL", `spin.toml component ${remote.id} has a url source; a spin-artifact holds every component's wasm, and wasmpack does not download sources`);
      }
    }
  }
  if (formats.component && !names.includes("wasm-artifact")) {
    throw usage("COMPONENT_WITHOUT_ARTIFACT", `--component makes the component for the wasm-artifact format; add --format wasm-artifact (compat, spin-layout and spin-artifact carry the core module, which Spin componentizes itself)`);
  }
}

function usage(code: string, message: string): WasmpackError {
  return new WasmpackError("usage", code, message);
}
