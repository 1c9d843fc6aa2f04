// TOML inputs for the spin.toml and Cargo.toml fuzz tests: the real files, edited as text with
// TOML grammar pieces, or parsed, retyped at one value and written back.
import fc from "fast-check";
import { TOML } from "../support/builder-deps.js";
import { mutateJson, hostileJson, mutatedText } from "./support.js";

export const TOML_PIECES = [
  "[", "]", "[[", "]]", "=", " = ", '"', "'", '"""', "'''", "\n", "\r\n", "#", ",", "{", "}", ".", "\\", "\\u0000", "\\uD800",
  "true", "false", "1979-05-27T07:32:00Z", "inf", "nan", "-0", "0x7f", "1e400", "99999999999999999999", "[]", "{}", '""',
  "[component]", "[[component]]", "[component.x]", "[application]", "[[trigger.http]]", "[package]", "[package.metadata.wasmpack]",
  'source = "../escape.wasm"', 'source = "/abs.wasm"', 'files = ["*.txt"]', 'exclude_files = ["a"]', "spin_manifest_version = 2",
  'spin_manifest_version = "1"', 'component = { source = "a.wasm" }', "workspace = true", "__proto__", "constructor",
  'runtime = "spin"', 'platform = "wasi/wasm/v1/x"', "annotations = { a = 1 }", 'labels = { "" = "" }', 'format = ["wasm", 3]',
];

/** Values TOML can write (no null), with a bias towards wrong types. */
const tomlValue: fc.Arbitrary<unknown> = hostileJson.filter((v) => JSON.stringify(v)?.includes("null") === false);

/** `text` parsed, one value at any depth replaced by one of another type, written back as TOML. */
export function retypedToml(text: string): fc.Arbitrary<string> {
  const base = TOML.parse(text);
  return fc.record({ at: fc.nat(), value: tomlValue, op: fc.constantFrom("replace", "delete", "wrap-array", "add-key") as fc.Arbitrary<"replace" | "delete" | "wrap-array" | "add-key"> }).map(({ at, value, op }) => {
    const doc = mutateJson(JSON.parse(JSON.stringify(base)), [{ at, op, value, key: "source" }]);
    try {
      return TOML.stringify(doc as Record<string, unknown>);
    } catch {
      return text;
    }
  });
}

/** Edited copies of a real TOML file: grammar pieces spliced in, lines replaced, cuts; or one value retyped. */
export function tomlInputs(text: string): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: mutatedText(text, TOML_PIECES), weight: 3 },
    { arbitrary: retypedToml(text), weight: 3 },
    { arbitrary: fc.string({ unit: "binary", maxLength: 200 }), weight: 1 },
  );
}
