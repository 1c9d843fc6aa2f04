import { describe, expect, it } from "vitest";
import { decodeComponentWorld, parseWitWorld } from "./component-world.js";

describe("parseWitWorld", () => {
  it("lists interfaces by id and other items by name, in order", () => {
    const wit = `package root:component;

world root {
  import wasi:cli/environment@0.2.3;
  /// docs
  import log: func(msg: string);
  use wasi:io/streams@0.2.3.{input-stream, output-stream as out};
  record point { x: u32, y: u32 }

  export get: func() -> u32;
  export my:pkg/thing@1.0.0;
  export local-iface: interface {
    get2: func() -> u32;
    record r { a: u8 }
  }
  export %run: func();
}
`;
    expect(parseWitWorld(wit)).toEqual({
      imports: ["wasi:cli/environment@0.2.3", "log", "input-stream", "out", "point"],
      exports: ["get", "my:pkg/thing@1.0.0", "local-iface", "run"],
    });
  });

  it("qualifies the world's own interfaces with its package, version after the path", () => {
    const wit = `package example:app@1.2.0;

interface handler {
  handle: func();
}

world app {
  export handler;
}
`;
    expect(parseWitWorld(wit)).toEqual({ imports: [], exports: ["example:app/handler@1.2.0"] });
  });

  it("fails clearly without a world", () => {
    expect(() => parseWitWorld("package a:b;\ninterface x {}\n", "x.wasm")).toThrow(/cannot decode the WIT world of x\.wasm: no world/);
  });
});

describe("decodeComponentWorld (jco's wasm-tools)", () => {
  it("decodes what a component imports and exports", async () => {
    const jco = await import("@bytecodealliance/jco");
    const component = await jco.parse(`(component
      (import "wasi:cli/environment@0.2.0" (instance))
      (import "log" (func (param "msg" string)))
      (core module $m (func (export "f") (result i32) i32.const 1))
      (core instance $i (instantiate $m))
      (func $g (result u32) (canon lift (core func $i "f")))
      (export "get" (func $g))
      (instance $inst (export "get2" (func $g)))
      (export "my:pkg/thing@1.0.0" (instance $inst)))`);
    expect(await decodeComponentWorld(component, "test")).toEqual({
      imports: ["wasi:cli/environment@0.2.0", "log"],
      exports: ["get", "my:pkg/thing@1.0.0"],
    });
  });

  it("names the file when the bytes are a core module or a broken component", async () => {
    await expect(decodeComponentWorld(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), "mod.wasm")).rejects.toThrow(/^cannot decode the WIT world of mod\.wasm: it is not a component$/);
    const broken = new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 0x07, 0x05, 0xff]);
    const error = await decodeComponentWorld(broken, "broken.wasm").catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^cannot decode the WIT world of broken\.wasm: \S/);
    expect((error as Error).message).not.toContain("\n");
  });
});
