/** A .wasm file cargo reported for a bin or cdylib target. */
export interface WasmArtifact {
  /** cargo's package id; its format changed in cargo 1.77, so compare it only with cargo's own. */
  packageId: string;
  packageName: string;
  /** The Cargo.toml of the package, as cargo reports it. */
  manifestPath: string;
  targetName: string;
  /** The target's kinds, e.g. ["bin"] or ["cdylib", "rlib"]. */
  kinds: string[];
  /** Absolute path of the .wasm file. */
  path: string;
}

const WASM_KINDS = new Set(["bin", "cdylib"]);

/**
 * Reads one line of `cargo build --message-format json…` output. Returns the artifact when the
 * line is a `compiler-artifact` message of a bin or cdylib target with a .wasm among its
 * filenames; any other line (other messages, stray text) gives undefined.
 */
export function parseWasmArtifactMessage(line: string): Omit<WasmArtifact, "packageName"> | undefined {
  if (!line.startsWith("{")) return undefined;
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(message) || message.reason !== "compiler-artifact") return undefined;
  const { package_id: packageId, manifest_path: manifestPath, target, filenames } = message;
  if (typeof packageId !== "string" || typeof manifestPath !== "string" || !isRecord(target) || !isStringArray(filenames)) return undefined;
  const { name: targetName, kind: kinds } = target;
  if (typeof targetName !== "string" || !isStringArray(kinds)) return undefined;
  if (!kinds.some((kind) => WASM_KINDS.has(kind))) return undefined;
  const wasmPath = filenames.find((file) => file.endsWith(".wasm"));
  if (!wasmPath) return undefined;
  return { packageId, manifestPath, targetName, kinds, path: wasmPath };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}
