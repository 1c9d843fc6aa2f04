import { describe, expect, it } from "vitest";
import { platformMatches } from "./target-cfg.js";

const wasi = { triple: "wasm32-wasip1", cfgs: new Set(['target_arch="wasm32"', 'target_os="wasi"', 'target_family="wasm"', 'panic="abort"']) };
const linux = { triple: "x86_64-unknown-linux-gnu", cfgs: new Set(['target_arch="x86_64"', 'target_os="linux"', 'target_family="unix"', "unix"]) };

describe("platformMatches", () => {
  it.each([
    [null, true, true],
    ["cfg(unix)", false, true],
    ["cfg(windows)", false, false],
    ['cfg(target_arch = "wasm32")', true, false],
    ['cfg(all(target_arch = "wasm32", not(target_os = "wasi")))', false, false],
    ['cfg(any(target_os = "wasi", target_os = "linux"))', true, true],
    ["cfg(not(any()))", true, true],
    ["cfg(all())", true, true],
    ["x86_64-unknown-linux-gnu", false, true],
    ["wasm32-wasip1", true, false],
  ])("%s: wasi %s, linux %s", (spec, onWasi, onLinux) => {
    expect([platformMatches(spec, wasi), platformMatches(spec, linux)]).toEqual([onWasi, onLinux]);
  });

  it("refuses a condition it cannot read rather than guessing", () => {
    expect(() => platformMatches("cfg(unix", linux)).toThrow(/platform condition/);
    expect(() => platformMatches("cfg(not(unix, windows))", linux)).toThrow(/platform condition/);
  });
});
