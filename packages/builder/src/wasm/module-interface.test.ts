import { describe, expect, it } from "vitest";
import { moduleExports, moduleImports } from "./module-interface.js";
import { webAssembly } from "./webassembly.js";
import { wat } from "../../test/support/wat.js";



describe("moduleImports and moduleExports", () => {
  it("list what WebAssembly.Module lists, across every import kind", async () => {
    const bytes = await wat(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (import "env" "table" (table 1 10 funcref))
      (import "env" "memory" (memory 1))
      (import "env" "global" (global (mut i64)))
      (import "wasi_snapshot_preview1" "sock_open" (func (param i32 i32 i32) (result i32)))
      (func (export "_start"))
      (global (export "g") i32 (i32.const 1)))`);
    const compiled = new webAssembly.Module(bytes);
    expect(moduleImports(bytes, "test")).toEqual(webAssembly.Module.imports(compiled).map(({ module, name }) => ({ module, name })));
    expect(moduleExports(bytes, "test")).toEqual(webAssembly.Module.exports(compiled).map((e) => e.name));
  });

  it("reads 64-bit memory limits and tags (proposals Node cannot compile)", async () => {
    const bytes = await wat(`(module
      (import "env" "m64" (memory i64 1 70000000000))
      (import "env" "tag" (tag (param i32)))
      (import "env" "after" (func)))`);
    expect(moduleImports(bytes, "test")).toEqual([
      { module: "env", name: "m64" },
      { module: "env", name: "tag" },
      { module: "env", name: "after" },
    ]);
  });
});
