import { describe, expect, it } from "vitest";
import { readSections } from "./sections.js";
import { stripCustomSections } from "./strip.js";
import { webAssembly } from "./webassembly.js";
import { wat } from "../../test/support/wat.js";



const MODULE = `(module
  (@custom "producers" "rustc 1.95")
  (func (export "answer") (result i32) i32.const 42)
  (data (i32.const 0) "payload")
  (memory 1)
  (@custom "name" "not really a name section")
  (@custom "component-type:wit-bindgen:0.1" "wit types")
  (@custom ".debug_info" "dwarf bytes")
  (@custom "dylink.0" "dl")
)`;

const customNames = (bytes: Uint8Array) => readSections(bytes, "test").filter((s) => s.id === 0).map((s) => s.name);

describe("stripCustomSections", () => {
  it("drops name, producers and debug sections, keeps component-type and dylink.0, and copies the rest byte for byte", async () => {
    const input = await wat(MODULE);
    const output = stripCustomSections(input, "test");
    expect(customNames(input)).toEqual(["producers", "name", "component-type:wit-bindgen:0.1", ".debug_info", "dylink.0"]);
    expect(customNames(output)).toEqual(["component-type:wit-bindgen:0.1", "dylink.0"]);
    const nonCustom = (bytes: Uint8Array) =>
      readSections(bytes, "test").filter((s) => s.id !== 0).map((s) => Buffer.from(bytes.subarray(s.start, s.end)).toString("hex"));
    expect(nonCustom(output)).toEqual(nonCustom(input));
    expect(output.byteLength).toBeLessThan(input.byteLength);
  });

  it("leaves a module that validates and computes what it did", async () => {
    const output = stripCustomSections(await wat(MODULE), "test");
    expect(webAssembly.validate(output)).toBe(true);
    const { instance } = await webAssembly.instantiate(output, {});
    expect((instance.exports["answer"] as () => number)()).toBe(42);
  });

  it("returns the same bytes for a module without custom sections", async () => {
    const input = await wat(`(module (func (export "f")))`);
    expect(Buffer.from(stripCustomSections(input, "test")).equals(Buffer.from(input))).toBe(true);
  });

  it("names the file and the byte offset of a truncated section", async () => {
    const input = await wat(MODULE);
    expect(() => stripCustomSections(input.subarray(0, input.byteLength - 3), "app.wasm")).toThrow(/^app\.wasm is not a well-formed WebAssembly binary: unexpected end at byte \d+$/);
    expect(() => stripCustomSections(new TextEncoder().encode("#!/bin/sh\n"), "app.wasm")).toThrow(/app\.wasm is not a WebAssembly binary/);
  });
});
