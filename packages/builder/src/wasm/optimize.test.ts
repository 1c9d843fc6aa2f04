import { describe, expect, it } from "vitest";
import { optimizeModule } from "./optimize.js";
import { targetFeatures } from "./target-features.js";
import { webAssembly } from "./webassembly.js";
import { wat } from "../../test/support/wat.js";



describe("optimizeModule (Binaryen -Os)", () => {
  it("shrinks a module that keeps computing the same result", async () => {
    const input = await wat(`(module
      (func $unused (result i32) i32.const 7)
      (func $add (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
      (func (export "answer") (result i32)
        (local i32)
        i32.const 40
        local.set 0
        local.get 0
        i32.const 2
        call $add))`);
    const output = await optimizeModule(input, "test.wasm");
    expect(output.byteLength).toBeLessThan(input.byteLength);
    expect(webAssembly.validate(output)).toBe(true);
    const { instance } = await webAssembly.instantiate(output, {});
    expect((instance.exports["answer"] as () => number)()).toBe(42);
  });

  it("reads the features a module declares in target_features", async () => {
    // prefix "+" (0x2b), length 8, "sign-ext"
    const input = await wat(`(module (@custom "target_features" "\\01\\2b\\08sign-ext") (func (export "f") (param i32) (result i32) local.get 0 i32.extend8_s))`);
    expect(targetFeatures(input, "test")).toEqual(["sign-ext"]);
    expect(webAssembly.validate(await optimizeModule(input, "test"))).toBe(true);
  });
});
