import { isScalar, parseAllDocuments, visit } from "yaml";
import { WasmpackError } from "@wasmpack/registry/errors";

const WASMPACK_SCHEME = "wasmpack://";

/** One `wasmpack://PATH` scalar in a YAML text, with where it sits. */
export interface WasmpackRef {
  /** The PATH after the scheme, as written. */
  path: string;
  /** Character offsets of the scalar in the text, quotes included. */
  start: number;
  end: number;
}

/** Finds every scalar `wasmpack://PATH` in a (multi-document) YAML text. */
export function findWasmpackRefs(text: string, file: string): WasmpackRef[] {
  const refs: WasmpackRef[] = [];
  for (const document of parseAllDocuments(text)) {
    const error = document.errors[0];
    if (error) {
      const line = error.linePos?.[0];
      throw new WasmpackError("input", "YAML_INVALID", `${file}${line ? `:${line.line}:${line.col}` : ""}: ${error.message.split("\n")[0]}`);
    }
    visit(document, {
      Scalar(_key, node) {
        if (isScalar(node) && typeof node.value === "string" && node.value.startsWith(WASMPACK_SCHEME) && node.range) {
          const path = node.value.slice(WASMPACK_SCHEME.length);
          if (path === "") throw new WasmpackError("input", "WASMPACK_REF_INVALID", `${file}: "wasmpack://" names no directory`);
          refs.push({ path, start: node.range[0], end: node.range[1] });
        }
      },
    });
  }
  return refs;
}

/**
 * Replaces each ref's scalar with the image reference `resolved` maps its path to, leaving every
 * other character of the text (comments, quoting, order) as it was.
 */
export function replaceWasmpackRefs(text: string, refs: readonly WasmpackRef[], resolved: ReadonlyMap<string, string>): string {
  let out = "";
  let at = 0;
  for (const ref of [...refs].sort((a, b) => a.start - b.start)) {
    const image = resolved.get(ref.path);
    if (image === undefined) throw new Error(`no image resolved for wasmpack://${ref.path}`);
    out += text.slice(at, ref.start) + image;
    at = ref.end;
  }
  return out + text.slice(at);
}
