import { parseWitWorld } from "../wasm/component-world.js";
import { loadWasmTools, wasmToolsErrorLine } from "../wasm/wasm-tools.js";
import { wasmKind } from "../wasm/wasm-header.js";
import { webAssembly, type WasmModule } from "../wasm/webassembly.js";

export type WasmInspection =
  | { kind: "not-wasm"; header: string }
  | { kind: "invalid"; binary: "module" | "component"; error: string }
  | { kind: "module"; imports: { module: string; name: string; kind: string }[]; exports: string[] }
  /** The component world's items: interfaces by id (`wasi:http/incoming-handler@0.2.0`), other items by name. */
  | { kind: "component"; imports: string[]; exports: string[] };

/**
 * Parses a wasm binary the way a runtime will: a core module is validated and compiled by V8
 * (`WebAssembly.Module`, which gives its imports and exports); a component is
 * decoded by wasm-tools (`componentWit`), and each core module inside it is validated.
 * wasm-tools is loaded only when a component shows up: it costs startup time.
 */
export async function inspectWasm(bytes: Uint8Array): Promise<WasmInspection> {
  const kind = wasmKind(bytes.subarray(0, 8));
  if (kind === undefined) return { kind: "not-wasm", header: describeHeader(bytes) };
  return kind === "module" ? inspectModule(bytes) : inspectComponent(bytes);
}

function inspectModule(bytes: Uint8Array): WasmInspection {
  let module: WasmModule;
  try {
    // Compiling validates too, and unlike validate() says why a module is invalid.
    module = new webAssembly.Module(bytes);
  } catch (error) {
    return { kind: "invalid", binary: "module", error: errorLine(error) };
  }
  return {
    kind: "module",
    imports: webAssembly.Module.imports(module),
    exports: webAssembly.Module.exports(module).map((e) => e.name),
  };
}

async function inspectComponent(bytes: Uint8Array): Promise<WasmInspection> {
  const tools = await loadWasmTools();
  let wit: string;
  let parts: Awaited<ReturnType<typeof tools.metadataShow>>;
  try {
    wit = await tools.componentWit(bytes);
    parts = await tools.metadataShow(bytes);
  } catch (error) {
    return { kind: "invalid", binary: "component", error: wasmToolsErrorLine(error) };
  }
  for (const part of parts) {
    if (part.metaType.tag !== "module") continue;
    const [start, end] = part.range;
    if (!webAssembly.validate(bytes.subarray(start, end))) {
      return { kind: "invalid", binary: "component", error: `its core module at bytes ${start}–${end} does not validate` };
    }
  }
  return { kind: "component", ...parseWitWorld(wit) };
}

function describeHeader(bytes: Uint8Array): string {
  if (bytes.length === 0) return "empty file";
  if (bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) return "an ELF executable";
  if (bytes[0] === 0x23 && bytes[1] === 0x21) return "a script (#!)";
  if (bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d) return "\\0asm with an unknown version";
  const hex = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  return `bytes ${hex}`;
}

function errorLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^WebAssembly\.Module\(\): /, "").split("\n")[0] ?? "";
}
