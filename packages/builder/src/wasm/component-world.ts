import { WasmpackError } from "@wasmpack/registry/errors";
import { loadWasmTools, wasmToolsErrorLine } from "./wasm-tools.js";
import { wasmKind } from "./wasm-header.js";

/**
 * A component's imports and exports as the CNCF Wasm artifact config lists them (formats.md §4;
 * rust-oci-wasm `Component::from_world`): an interface by its full id
 * (`wasi:cli/run@0.2.3`), anything else (a function, an inline interface, a type) by its name.
 */
export interface ComponentWorld {
  imports: string[];
  exports: string[];
}

/** Decodes the component's WIT world with wasm-tools (`component wit`). */
export async function decodeComponentWorld(component: Uint8Array, what: string): Promise<ComponentWorld> {
  if (wasmKind(component) !== "component") {
    throw new WasmpackError("input", "COMPONENT_WIT_FAILED", `cannot decode the WIT world of ${what}: it is not a component`);
  }
  const tools = await loadWasmTools();
  let wit: string;
  try {
    wit = await tools.componentWit(component);
  } catch (cause) {
    throw new WasmpackError("input", "COMPONENT_WIT_FAILED", `cannot decode the WIT world of ${what}: ${wasmToolsErrorLine(cause)}`, { cause });
  }
  return parseWitWorld(wit, what);
}

const TYPE_ITEM = /^(?:type|record|variant|enum|flags|resource)\s+%?([a-z][a-z0-9-]*)/;

/**
 * Reads the single world of a decoded WIT package, as wasm-tools prints it: one statement per
 * item, inline interfaces and types as `{…}` blocks. Items of the world's own package are
 * qualified with the package name, as wit-parser's `Resolve::id_of` does.
 */
export function parseWitWorld(wit: string, what = "the component"): ComponentWorld {
  const text = wit.replace(/\/\/[^\n]*/g, "");
  const pkg = /^\s*package\s+([^;\s]+)\s*;/m.exec(text)?.[1];
  const open = /\bworld\s+%?[a-z][a-z0-9-]*\s*\{/.exec(text);
  if (!open) throw new WasmpackError("input", "COMPONENT_WIT_FAILED", `cannot decode the WIT world of ${what}: no world in its WIT`);
  const world: ComponentWorld = { imports: [], exports: [] };
  for (const statement of topLevelStatements(text, open.index + open[0].length)) {
    const item = /^(import|export)\s+([\s\S]+)$/.exec(statement);
    if (item) {
      (item[1] === "import" ? world.imports : world.exports).push(itemName(item[2]!.trim(), pkg));
      continue;
    }
    const used = /^use\s+[^{]+\{([^}]*)\}/.exec(statement);
    if (used) {
      for (const part of used[1]!.split(",")) {
        const name = part.trim().split(/\s+as\s+/).at(-1)?.replace(/^%/, "");
        if (name) world.imports.push(name);
      }
      continue;
    }
    const type = TYPE_ITEM.exec(statement);
    if (type) world.imports.push(type[1]!);
  }
  return world;
}

/** `name: func(…)`/`name: interface {…}` → name; `ns:pkg/iface@v` as is; a bare `iface` → `<package>/iface`. */
function itemName(rest: string, pkg: string | undefined): string {
  const named = /^%?([a-z][a-z0-9-]*)\s*:\s/.exec(rest);
  if (named) return named[1]!;
  const path = rest.replace(/;$/, "").trim();
  if (path.includes(":") || !pkg) return path;
  const at = pkg.indexOf("@");
  return at < 0 ? `${pkg}/${path}` : `${pkg.slice(0, at)}/${path}${pkg.slice(at)}`;
}

/** The statements directly inside the block starting at `from`, each ending at `;` or a closing `}`. */
function topLevelStatements(text: string, from: number): string[] {
  const statements: string[] = [];
  let depth = 0;
  let current = "";
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (depth === 0 && c === "}") break;
    current += c;
    if (c === "{") depth++;
    else if (c === "}") depth--;
    if (depth === 0 && (c === ";" || c === "}")) {
      statements.push(current.trim());
      current = "";
    }
  }
  return statements.filter(Boolean);
}
