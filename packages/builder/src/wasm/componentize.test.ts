import { describe, expect, it } from "vitest";
import { decodeComponentWorld } from "./component-world.js";
import { componentize } from "./componentize.js";
import { wasmKind } from "./wasm-header.js";
import { wat } from "../../test/support/wat.js";


/** The smallest wasip1 command: `_start` writes nothing and returns. */
const COMMAND = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")))`;

describe("componentize", () => {
  it("adapts a wasip1 command into a component exporting wasi:cli/run", async () => {
    const component = await componentize(await wat(COMMAND), "command", "hello.wasm");
    expect(wasmKind(component)).toBe("component");
    const world = await decodeComponentWorld(component, "hello.wasm");
    expect(world.exports).toEqual([expect.stringMatching(/^wasi:cli\/run@0\.2\.\d+$/)]);
    expect(world.imports).toContainEqual(expect.stringMatching(/^wasi:io\/streams@0\.2\.\d+$/));
  });

  it("adapts a reactor, which exports no wasi:cli/run", async () => {
    const module = await wat(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_initialize")))`);
    const world = await decodeComponentWorld(await componentize(module, "reactor", "lib.wasm"), "lib.wasm");
    expect(world.exports).toEqual([]);
  });

  it("names the module and the WasmEdge socket imports the adapter cannot provide", async () => {
    const module = await wat(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "sock_open" (func (param i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "sock_bind" (func (param i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start")))`);
    await expect(componentize(module, "command", "server (server.wasm)")).rejects.toThrow(
      /^cannot make a component of server \(server\.wasm\): it imports wasi_snapshot_preview1 functions the WASI preview 1 adapter does not provide: sock_open, sock_bind \(WasmEdge socket functions\); package it as a core module \(drop --component\)$/,
    );
  });

  it("reports other encoder failures in one line", async () => {
    const module = await wat(`(module (import "env" "host" (func)) (memory (export "memory") 1) (func (export "_start")))`);
    const error = await componentize(module, "command", "odd.wasm").catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^cannot make a component of odd\.wasm: /);
    expect((error as Error).message).not.toContain("\n");
  });
});
