// Shared pieces of the property-based fuzz tests (issue 11, item 8): the property every parser
// must keep (a result or a WasmpackError, within a time budget) and arbitraries that mutate real
// inputs into hostile ones.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { isWasmpackError } from "@wasmpack/registry/errors";

/** Per-case budget of a synchronous parser. */
export const SYNC_BUDGET_MS = 1000;
/** Per-case budget of a parser that reads files or streams. */
export const ASYNC_BUDGET_MS = 5000;

/** Throws (so fast-check shrinks and reports) unless `error` is a WasmpackError. */
function ensureWasmpackError(error: unknown): void {
  if (isWasmpackError(error)) return;
  const shown = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error);
  throw new Error(`internal error (not a WasmpackError): ${shown}`);
}

/** Runs a synchronous parser: it returns or throws a WasmpackError, within SYNC_BUDGET_MS. */
export function syncOutcome<T>(run: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
  const start = performance.now();
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: run() };
  } catch (error) {
    ensureWasmpackError(error);
    outcome = { ok: false, error };
  }
  const took = performance.now() - start;
  if (took > SYNC_BUDGET_MS) throw new Error(`took ${took.toFixed(0)} ms (budget ${SYNC_BUDGET_MS} ms)`);
  return outcome;
}

/** Runs an async parser: it resolves or rejects with a WasmpackError, within `budget` ms. */
export async function asyncOutcome<T>(run: () => Promise<T>, budget = ASYNC_BUDGET_MS): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result within ${budget} ms (a hang)`)), budget);
  });
  try {
    const value = await Promise.race([run(), timeout]);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("no result within")) throw error;
    ensureWasmpackError(error);
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
  }
}

/** Every path under `dir` (relative, sorted): to prove nothing was written beside an output directory. */
export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (sub: string) => {
    for (const entry of await readdir(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      out.push(rel);
      if (entry.isDirectory()) await walk(rel);
    }
  };
  await walk("");
  return out.sort();
}

// ---------------------------------------------------------------------------------------------
// Values and mutations.

/** Keys that trip naive object handling. */
export const HOSTILE_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "", " ", "length"];

/** JSON values of every type, with a bias towards the awkward ones. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 4 },
  { arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, -0, 1e308, Number.MAX_SAFE_INTEGER + 2, "", "\u0000", "\ud800", [], {}), weight: 3 },
  // Objects that cannot become strings (`${value}`, String(value), [value].join() throw on them).
  { arbitrary: fc.constantFrom({ toString: 1 }, { toString: {}, valueOf: {} }, [{ toString: null }]), weight: 2 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 40 }), weight: 2 },
  { arbitrary: fc.dictionary(fc.constantFrom(...HOSTILE_KEYS), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }), weight: 1 },
);

type Container = Record<string, unknown> | unknown[];
interface Slot {
  parent: Container;
  key: string | number;
}

function slots(value: unknown, out: Slot[] = []): Slot[] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push({ parent: value, key: i });
      slots(v, out);
    });
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      out.push({ parent: value as Record<string, unknown>, key: k });
      slots(v, out);
    }
  }
  return out;
}

/** One structural change to a JSON document: at some slot, delete, replace, re-type or add a key. */
export interface JsonMutation {
  at: number;
  op: "delete" | "replace" | "wrap-array" | "stringify" | "add-key" | "negate";
  value: unknown;
  key: string;
}

export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("delete", "replace", "replace", "wrap-array", "stringify", "add-key", "negate"),
  value: hostileJson,
  key: fc.oneof(fc.constantFrom(...HOSTILE_KEYS, "mediaType", "digest", "size", "manifests", "layers", "config", "annotations", "platform"), fc.string({ maxLength: 8 })),
});

/** `base` (deep-copied) with `mutations` applied in order. */
export function mutateJson(base: unknown, mutations: readonly JsonMutation[]): unknown {
  let doc = structuredClone(base);
  for (const m of mutations) {
    const all = slots(doc);
    if (all.length === 0) {
      doc = m.op === "delete" ? undefined : structuredClone(m.value);
      continue;
    }
    const { parent, key } = all[m.at % all.length]!;
    // Values from fc.constantFrom are shared between cases: insert copies, never the originals.
    const value = structuredClone(m.value);
    const current = (parent as Record<string | number, unknown>)[key];
    const set = (v: unknown) => {
      if (Array.isArray(parent)) parent[key as number] = v;
      else Object.defineProperty(parent, key, { value: v, enumerable: true, writable: true, configurable: true });
    };
    switch (m.op) {
      case "delete":
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key as string];
        break;
      case "replace":
        set(value);
        break;
      case "wrap-array":
        set([current]);
        break;
      case "stringify":
        set(JSON.stringify(current) ?? "undefined");
        break;
      case "negate":
        set(typeof current === "number" ? -current - 1 : typeof current === "string" ? current.slice(0, current.length >> 1) : null);
        break;
      case "add-key":
        if (typeof current === "object" && current !== null && !Array.isArray(current)) {
          Object.defineProperty(current, m.key, { value, enumerable: true, writable: true, configurable: true });
        } else set(value);
        break;
    }
  }
  return doc;
}

/** A mutated copy of `base`, as JSON text (Object.defineProperty keeps a `__proto__` key as data). */
export function mutatedJsonText(base: unknown, maxMutations = 4): fc.Arbitrary<string> {
  return fc.array(jsonMutation, { minLength: 1, maxLength: maxMutations }).map((ms) => JSON.stringify(mutateJson(base, ms)) ?? "");
}

/** `base` with the value at one slot (any depth) replaced by a hostile value: a wrong type where a reader expects one. */
export function retypedJsonText(base: unknown): fc.Arbitrary<string> {
  const count = slots(base).length;
  return fc.record({ at: fc.nat(count - 1), value: hostileJson }).map(({ at, value }) => JSON.stringify(mutateJson(base, [{ at, op: "replace", value, key: "" }])) ?? "");
}

/** One byte-level change: truncate, insert, overwrite or delete. */
export interface ByteMutation {
  op: "truncate" | "insert" | "overwrite" | "delete";
  at: number;
  bytes: Uint8Array;
}

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.record({
  op: fc.constantFrom("truncate", "insert", "overwrite", "delete"),
  at: fc.nat(),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
});

export function mutateBytes(base: Uint8Array, mutations: readonly ByteMutation[]): Uint8Array {
  let bytes = Buffer.from(base);
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
    const b = Buffer.from(m.bytes);
    if (m.op === "truncate") bytes = bytes.subarray(0, at);
    else if (m.op === "insert") bytes = Buffer.concat([bytes.subarray(0, at), b, bytes.subarray(at)]);
    else if (m.op === "overwrite") {
      bytes = Buffer.from(bytes);
      b.copy(bytes, at, 0, Math.max(0, Math.min(b.length, bytes.length - at)));
    } else bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + b.length)]);
  }
  return new Uint8Array(bytes);
}

/** Byte-mutated copies of `base` (at least one mutation). */
export function mutatedBytes(base: Uint8Array, maxMutations = 4): fc.Arbitrary<Uint8Array> {
  return fc.array(byteMutation, { minLength: 1, maxLength: maxMutations }).map((ms) => mutateBytes(base, ms));
}

/** Text mutations: splice grammar pieces (or random text) into `base`, or cut it. */
export function mutatedText(base: string, pieces: readonly string[], maxMutations = 4): fc.Arbitrary<string> {
  const piece = fc.oneof({ arbitrary: fc.constantFrom(...pieces), weight: 3 }, { arbitrary: fc.string({ unit: "binary", maxLength: 12 }), weight: 1 });
  const edit = fc.record({ op: fc.constantFrom("insert", "insert", "replace-line", "cut", "truncate"), at: fc.nat(), text: piece });
  return fc.array(edit, { minLength: 1, maxLength: maxMutations }).map((edits) => {
    let text = base;
    for (const e of edits) {
      const at = e.at % (text.length + 1);
      if (e.op === "insert") text = text.slice(0, at) + e.text + text.slice(at);
      else if (e.op === "truncate") text = text.slice(0, at);
      else if (e.op === "cut") text = text.slice(0, at) + text.slice(at + 1 + (e.text.length % 20));
      else {
        const lines = text.split("\n");
        lines[at % lines.length] = e.text;
        text = lines.join("\n");
      }
    }
    return text;
  });
}
