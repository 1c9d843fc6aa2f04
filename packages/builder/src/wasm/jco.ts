/** The jco package, loaded on first use: it brings a wasm-tools build that costs startup time. */
export type Jco = typeof import("@bytecodealliance/jco");

let loading: Promise<Jco> | undefined;

export function loadJco(): Promise<Jco> {
  return (loading ??= import("@bytecodealliance/jco"));
}

/** jco (wasm-tools) errors are multi-line anyhow chains; keep the first line and the root cause. */
export function jcoErrorLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split("\n")
    .map((l) => l.replace(/^\s*(\d+:|\$)\s*/, "").trim())
    .filter((l) => l && l !== "Caused by:");
  const [first, ...rest] = lines;
  const root = rest.at(-1);
  return root && root !== first ? `${first}: ${root}` : (first ?? "unknown error");
}
