import { describe, expect, it } from "vitest";
import { resolveFormatSettings, type FormatSettingsInput } from "./format-settings.js";

const base: FormatSettingsInput = { flags: {}, env: {}, metadata: {}, runtime: "spin", tag: "1.0.0", sourceDateEpoch: 0 };
const resolve = (over: Partial<FormatSettingsInput>) => resolveFormatSettings({ ...base, ...over });

describe("resolveFormatSettings", () => {
  it("builds the --runtime's format under the plain tag, stripped, with no created annotation", () => {
    expect(resolve({ runtime: "spin" })).toEqual({ images: [{ format: "spin-layout", tag: "1.0.0" }], strip: true, optimize: false, created: "1970-01-01T00:00:00Z" });
    expect(resolve({ runtime: "wasmedge" }).images).toEqual([{ format: "compat", tag: "1.0.0" }]);
  });

  it("gives the first format the plain tag and the others TAG-<default suffix>, comma lists and repeats merged", () => {
    const settings = resolve({ flags: { format: ["spin-artifact,spin-layout", "wasm-artifact", "compat", "spin-layout"] } });
    expect(settings.images).toEqual([
      { format: "spin-artifact", tag: "1.0.0" },
      { format: "spin-layout", tag: "1.0.0-spin-layout" },
      { format: "wasm-artifact", tag: "1.0.0-wasm" },
      { format: "compat", tag: "1.0.0-compat" },
    ]);
  });

  it("follows --tag-suffix, also for the first format, and refuses two formats on one tag", () => {
    const flags = { format: ["compat", "wasm-artifact"], tagSuffix: ["wasm-artifact=oci", "compat=crun"] };
    expect(resolve({ flags }).images.map((i) => i.tag)).toEqual(["1.0.0-crun", "1.0.0-oci"]);
    expect(() => resolve({ flags: { format: ["compat", "wasm-artifact"], tagSuffix: ["wasm-artifact=compat", "compat=compat"] } })).toThrow(/two formats would share the tag "1\.0\.0-compat"/);
    expect(() => resolve({ flags: { tagSuffix: ["wasm=x"] } })).toThrow(/--tag-suffix "wasm=x": "wasm" is not one of compat, spin-layout, spin-artifact, wasm-artifact/);
    expect(() => resolve({ flags: { tagSuffix: ["compat=a/b"] } })).toThrow(/must be FORMAT=SUFFIX/);
  });

  it("lists the valid formats when one is unknown, wherever it came from", () => {
    expect(() => resolve({ flags: { format: ["docker"] } })).toThrow(/^--format: "docker" is not one of compat, spin-layout, spin-artifact, wasm-artifact$/);
    expect(() => resolve({ env: { WASMPACK_FORMAT: "compat,oci" } })).toThrow(/^WASMPACK_FORMAT: "oci" is not one of/);
    expect(() => resolve({ metadata: { format: ["wasm-artifact", 3] } })).toThrow(/\[package\.metadata\.wasmpack\] format must be a string or a list of strings/);
    let thrown: unknown;
    try {
      resolve({ flags: { format: ["docker"] } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ kind: "usage", code: "SETTING_INVALID" });
  });

  it("merges flags > environment > Cargo.toml metadata", () => {
    const metadata = { format: ["wasm-artifact"], component: "reactor", strip: false, optimize: true };
    expect(resolve({ metadata })).toMatchObject({ images: [{ format: "wasm-artifact" }], component: "reactor", strip: false, optimize: true });
    const env = { WASMPACK_FORMAT: "compat", WASMPACK_COMPONENT: "command", WASMPACK_STRIP: "1", WASMPACK_OPTIMIZE: "false" };
    expect(resolve({ metadata, env })).toMatchObject({ images: [{ format: "compat" }], component: "command", strip: true, optimize: false });
    const flags = { format: ["spin-artifact"], component: "reactor", strip: false, optimize: true };
    expect(resolve({ metadata, env, flags })).toMatchObject({ images: [{ format: "spin-artifact" }], component: "reactor", strip: false, optimize: true });
    expect(() => resolve({ flags: { component: "library" } })).toThrow(/--component: "library" is not one of command, reactor/);
    expect(() => resolve({ env: { WASMPACK_STRIP: "maybe" } })).toThrow(/WASMPACK_STRIP: "maybe" is not a boolean/);
  });

  it("writes a created annotation only for SOURCE_DATE_EPOCH or --created, never the wall clock unasked", () => {
    expect(resolve({ env: { SOURCE_DATE_EPOCH: "1700000000" }, sourceDateEpoch: 1700000000 })).toMatchObject({
      created: "2023-11-14T22:13:20Z",
      createdAnnotation: "2023-11-14T22:13:20Z",
    });
    expect(resolve({ flags: { created: "2024-05-01T14:00:00+02:00" } })).toMatchObject({ created: "2024-05-01T12:00:00Z", createdAnnotation: "2024-05-01T12:00:00Z" });
    const now = () => new Date("2025-01-02T03:04:05.678Z");
    expect(resolve({ flags: { created: "now" }, now })).toMatchObject({ created: "2025-01-02T03:04:05Z" });
    expect(() => resolve({ flags: { created: "yesterday" } })).toThrow(/--created "yesterday" must be "now" or an RFC 3339 time/);
  });
});
