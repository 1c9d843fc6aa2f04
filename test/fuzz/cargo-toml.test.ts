// Fuzzing Cargo.toml reading and its `[package.metadata.wasmpack]` settings, merged with
// `WASMPACK_*` / `SOURCE_DATE_EPOCH` environment values as build does: the example crate's
// Cargo.toml edited, retyped and cut. Each case gives settings or a WasmpackError, fast, and
// settings that resolve are usable (a created time can be written from their epoch).
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { epochToRfc3339 } from "@wasmpack/registry/oci";
import { readCargoManifest } from "../../packages/builder/src/project/cargo-manifest.js";
import { resolveSettings } from "../../packages/builder/src/project/settings.js";
import { resolveFormatSettings } from "../../packages/builder/src/formats/format-settings.js";
import { TOML } from "../support/builder-deps.js";
import { tempDir } from "../support/temp.js";
import { asyncOutcome, syncOutcome } from "./support.js";
import { tomlInputs } from "./toml-support.js";

const CARGO = readFileSync(new URL("../../examples/wasmedge-http/Cargo.toml", import.meta.url), "utf8");
const CARGO_FULL = CARGO.replace(
  '[package.metadata.wasmpack]\nruntime = "wasmedge"\n',
  `[package.metadata.wasmpack]
runtime = "wasmedge"
variant = "compat-smart"
platform = "wasi/wasm"
tag = "v1"
output = "out/oci"
bin = "wasmedge-http"
target = "wasm32-wasip1"
format = ["compat", "wasm"]
component = "command"
strip = true
optimize = false
annotations = { "org.example/a" = "1" }
labels = { team = "x" }
`,
);

/** `[package.metadata.wasmpack]` tables: the real one retyped at one key, or arbitrary values under the real keys. */
const KEYS = ["runtime", "variant", "platform", "target", "tag", "output", "bin", "format", "component", "strip", "optimize", "annotations", "labels"];
const metaValue = fc.oneof(
  fc.constantFrom("wasmedge", "spin", "compat", "compat-smart", "wasm", "spin-artifact", "wasi/wasm", "", "..", "../../etc", "v1", "a".repeat(200), "command", "reactor"),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { maxKeys: 3 }),
  fc.date({ noInvalidDate: true }),
);
const metadata = fc.dictionary(fc.constantFrom(...KEYS), metaValue, { maxKeys: 6 });
const realMetadata = fc.constant(TOML.parse(CARGO_FULL)["package"]).map((p) => structuredClone((p as { metadata: { wasmpack: Record<string, unknown> } }).metadata.wasmpack));
const envValue = fc.option(
  fc.oneof(fc.constantFrom("", "spin", "wasmedge", "true", "false", "wasi/wasm", "v1", "compat,wasm"), fc.string({ maxLength: 12 })),
  { nil: undefined, freq: 2 },
);
/** Whole numbers of seconds of every size (Date ends at year 275760, RFC 3339 at 9999), and non-numbers. */
const epochValue = fc.option(
  fc.oneof(
    fc.constantFrom("", "0", "1700000000", "253402300799", "253402300800", "8640000000000", "8640000000001", "99999999999999999999", "-1", "1e9", "0x10", " 1"),
    fc.bigInt({ min: 0n, max: 10n ** 22n }).map(String),
    fc.string({ maxLength: 12 }),
  ),
  { nil: undefined, freq: 4 },
);
const env = fc.record({
  SOURCE_DATE_EPOCH: epochValue,
  WASMPACK_RUNTIME: envValue,
  WASMPACK_TAG: envValue,
  WASMPACK_PLATFORM: envValue,
  WASMPACK_FORMAT: envValue,
  WASMPACK_STRIP: envValue,
});

/** Settings as build resolves them, then the created time every image config gets. */
function settingsFor(meta: Record<string, unknown>, environment: Record<string, string | undefined>) {
  const settings = resolveSettings({ dir: "/project", flags: {}, env: environment, metadata: meta, defaults: { runtime: "wasmedge", tag: "latest" } });
  const formats = resolveFormatSettings({ flags: {}, env: environment, metadata: meta, runtime: settings.runtime, tag: settings.tag, sourceDateEpoch: settings.sourceDateEpoch });
  return { settings, formats, created: epochToRfc3339(settings.sourceDateEpoch) };
}

let dir: string;
beforeAll(async () => {
  dir = await tempDir("wasmpack-fuzz-cargo-");
});

describe("fuzz: Cargo.toml and its wasmpack metadata", () => {
  it("readCargoManifest: a package or a WasmpackError, for edited, retyped and cut Cargo.toml files", async () => {
    await writeFile(join(dir, "Cargo.toml"), CARGO_FULL);
    expect((await readCargoManifest(dir)).wasmpackMetadata["runtime"]).toBe("wasmedge");
    await fc.assert(
      fc.asyncProperty(fc.oneof(tomlInputs(CARGO), tomlInputs(CARGO_FULL)), async (text) => {
        await writeFile(join(dir, "Cargo.toml"), text);
        const outcome = await asyncOutcome(() => readCargoManifest(dir));
        if (!outcome.ok) return;
        expect(typeof outcome.value.name).toBe("string");
        // Its metadata then goes through the settings, as build does.
        syncOutcome(() => settingsFor(outcome.value.wasmpackMetadata, {}));
      }),
      { numRuns: 400 },
    );
  });

  it("settings: metadata values of any type, with WASMPACK_* and SOURCE_DATE_EPOCH, resolve to usable settings or a WasmpackError", () => {
    fc.assert(
      fc.property(fc.oneof(metadata, fc.constant({}), realMetadata), env, (meta, environment) => {
        const outcome = syncOutcome(() => settingsFor(meta, environment));
        if (!outcome.ok) return;
        const { settings, created } = outcome.value;
        expect(Number.isSafeInteger(settings.sourceDateEpoch)).toBe(true);
        expect(created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(Object.values(settings.annotations).every((v) => typeof v === "string")).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("SOURCE_DATE_EPOCH: any value gives an RFC 3339 created time or a WasmpackError", () => {
    fc.assert(
      fc.property(epochValue, (epoch) => {
        const outcome = syncOutcome(() => settingsFor({}, { SOURCE_DATE_EPOCH: epoch }));
        if (outcome.ok) expect(outcome.value.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("fuzz regressions: settings", () => {
  it("a SOURCE_DATE_EPOCH past 9999-12-31T23:59:59Z is a usage error, not a RangeError or a 6-digit year", () => {
    // Found by the settings property: "253402300800" made created "+010000-01-01T00:00:00Z", and
    // "99999999999999999999" threw RangeError: Invalid time value from epochToRfc3339.
    expect(settingsFor({}, { SOURCE_DATE_EPOCH: "253402300799" }).created).toBe("9999-12-31T23:59:59Z");
    for (const epoch of ["253402300800", "8640000000001", "99999999999999999999"]) {
      expect(() => settingsFor({}, { SOURCE_DATE_EPOCH: epoch })).toThrow(expect.objectContaining({ name: "WasmpackError", code: "SETTING_INVALID" }));
    }
  });
});
