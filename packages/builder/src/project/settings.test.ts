import { describe, expect, it } from "vitest";
import { resolveSettings, type SettingsInput } from "./settings.js";

const base: SettingsInput = { dir: "/app", flags: {}, env: {}, metadata: {}, defaults: { runtime: "wasmedge", tag: "1.0.0" } };

describe("resolveSettings", () => {
  it("uses defaults when nothing is set", () => {
    const s = resolveSettings(base);
    expect([s.runtime, s.variant, s.platform, s.tag, s.output, s.sourceDateEpoch]).toEqual([
      "wasmedge", "compat-smart", { os: "wasi", architecture: "wasm" }, "1.0.0", "/app/target/wasmpack/oci", 0,
    ]);
  });

  it("merges flags > WASMPACK_* env > [package.metadata.wasmpack] > defaults, per setting", () => {
    const s = resolveSettings({
      ...base,
      flags: { variant: "compat" },
      env: { WASMPACK_VARIANT: "compat-smart", WASMPACK_TAG: "from-env", WASMPACK_PLATFORM: "" },
      metadata: { variant: "compat-smart", tag: "from-meta", platform: "wasip1/wasm", annotations: { a: "meta", b: "meta" } },
    });
    expect(s.variant).toBe("compat");
    expect(s.tag).toBe("from-env");
    expect(s.platform).toEqual({ os: "wasip1", architecture: "wasm" });
    expect(resolveSettings({ ...base, metadata: { annotations: { a: "meta", b: "meta" } }, flags: { annotations: ["a=flag"] } }).annotations).toEqual({ a: "flag", b: "meta" });
  });

  it("names where a bad value came from", () => {
    expect(() => resolveSettings({ ...base, env: { WASMPACK_RUNTIME: "docker" } })).toThrow('WASMPACK_RUNTIME: "docker" is not one of wasmedge, spin');
    expect(() => resolveSettings({ ...base, metadata: { runtime: 3 }, metadataFile: "/app/Cargo.toml" })).toThrow("/app/Cargo.toml [package.metadata.wasmpack] runtime must be a string");
    expect(() => resolveSettings({ ...base, flags: { annotations: ["novalue"] } })).toThrow('--annotation "novalue" must be KEY=VALUE');
    expect(() => resolveSettings({ ...base, env: { SOURCE_DATE_EPOCH: "yesterday" } })).toThrow("SOURCE_DATE_EPOCH");
    expect(() => resolveSettings({ ...base, flags: { tag: "a b" } })).toThrow('tag "a b"');
  });

  it("reads SOURCE_DATE_EPOCH and resolves --output against the project", () => {
    const s = resolveSettings({ ...base, env: { SOURCE_DATE_EPOCH: "1700000000" }, flags: { output: "out" } });
    expect([s.sourceDateEpoch, s.output]).toEqual([1700000000, "/app/out"]);
  });
});
