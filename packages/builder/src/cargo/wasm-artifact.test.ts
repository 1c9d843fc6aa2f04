import { describe, expect, it } from "vitest";
import { parseWasmArtifactMessage } from "./wasm-artifact.js";

const artifact = (fields: Record<string, unknown>) =>
  JSON.stringify({
    reason: "compiler-artifact",
    package_id: "hello 0.1.0 (path+file:///w/hello)",
    manifest_path: "/w/hello/Cargo.toml",
    target: { kind: ["bin"], crate_types: ["bin"], name: "hello", src_path: "/w/hello/src/main.rs" },
    filenames: ["/w/hello/target/wasm32-wasi/release/hello.wasm"],
    executable: "/w/hello/target/wasm32-wasi/release/hello.wasm",
    fresh: false,
    ...fields,
  });

describe("parseWasmArtifactMessage", () => {
  it("reads a bin artifact", () => {
    expect(parseWasmArtifactMessage(artifact({}))).toEqual({
      packageId: "hello 0.1.0 (path+file:///w/hello)",
      manifestPath: "/w/hello/Cargo.toml",
      targetName: "hello",
      kinds: ["bin"],
      path: "/w/hello/target/wasm32-wasi/release/hello.wasm",
    });
  });

  it("reads a cdylib artifact, taking the .wasm among its files", () => {
    const line = artifact({
      target: { kind: ["cdylib", "rlib"], name: "plugin" },
      filenames: ["/t/release/libplugin.rlib", "/t/release/plugin.wasm"],
    });
    expect(parseWasmArtifactMessage(line)).toMatchObject({ kinds: ["cdylib", "rlib"], path: "/t/release/plugin.wasm" });
  });

  it("ignores libraries, build scripts, non-wasm files and other messages", () => {
    const ignored = [
      artifact({ target: { kind: ["lib"], name: "dep" }, filenames: ["/t/libdep.rlib"] }),
      artifact({ target: { kind: ["custom-build"], name: "build-script-build" }, filenames: ["/t/build-script-build"] }),
      artifact({ filenames: ["/t/release/hello"] }),
      artifact({ reason: "build-script-executed" }),
      JSON.stringify({ reason: "build-finished", success: true }),
      JSON.stringify({ reason: "compiler-message", message: { rendered: "error" } }),
      "   Compiling hello v0.1.0",
      "{not json",
      "",
    ];
    for (const line of ignored) expect(parseWasmArtifactMessage(line)).toBeUndefined();
  });
});
