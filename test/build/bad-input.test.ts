import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lastLine, runWasmpack } from "../support/cli.js";
import { HELLO_CRATE, cargoLock, tempDir, writeTree } from "../support/temp.js";

const WASM_HEADER = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

function spinApp(component: string, extra: Record<string, string | Uint8Array> = {}): Record<string, string | Uint8Array> {
  return {
    "spin.toml": `spin_manifest_version = 2\n[application]\nname = "bad"\n[[trigger.http]]\nroute = "/..."\ncomponent = "hello"\n[component.hello]\n${component}\n`,
    ...extra,
  };
}

interface Case {
  name: string;
  files?: Record<string, string | Uint8Array>;
  dir?: string;
  args?: string[];
  exitCode: number;
  error: RegExp;
}

const cases: Case[] = [
  { name: "DIR missing", dir: "/nonexistent/wasmpack-app", exitCode: 1, error: /\/nonexistent\/wasmpack-app is not a directory/ },
  { name: "no Cargo.toml or spin.toml", files: { "README.md": "hi" }, exitCode: 1, error: /has no Cargo\.toml or spin\.toml$/ },
  {
    name: "a crate with no wasm-buildable target",
    files: {
      "Cargo.toml": '[package]\nname = "onlylib"\nversion = "0.1.0"\nedition = "2021"\n',
      "Cargo.lock": cargoLock([{ name: "onlylib", version: "0.1.0" }]),
      "src/lib.rs": "pub fn f() {}\n",
    },
    exitCode: 1,
    error: /Cargo\.toml: the crate has no bin or cdylib target/,
  },
  {
    name: "cargo failing",
    files: { ...HELLO_CRATE, "src/main.rs": "fn main() { let x: u32 = \"no\"; }\n" },
    exitCode: 1,
    error: /cargo build failed for .*Cargo\.toml/,
  },
  { name: "no toolchain with the wasm target", files: HELLO_CRATE, args: ["--target", "wasm32-wasip1"], exitCode: 1, error: /no Rust toolchain .*wasm32-wasip1.*rustup target add wasm32-wasip1/ },
  { name: "unparsable spin.toml", files: { "spin.toml": "spin_manifest_version = 2\n[application\n" }, exitCode: 1, error: /spin\.toml: invalid TOML at line 2/ },
  { name: "unsupported spin.toml version", files: { "spin.toml": "spin_manifest_version = 3\n" }, exitCode: 1, error: /spin\.toml: spin_manifest_version 3 is not supported/ },
  { name: "spin.toml without [application]", files: { "spin.toml": "spin_manifest_version = 2\n" }, exitCode: 1, error: /spin\.toml: \[application\] is missing/ },
  { name: "a source escaping the app", files: spinApp('source = "../x.wasm"'), exitCode: 1, error: /component\.hello\.source "\.\.\/x\.wasm" points outside the app directory/ },
  { name: "an absolute source", files: spinApp('source = "/etc/x.wasm"'), exitCode: 1, error: /component\.hello\.source "\/etc\/x\.wasm" points outside/ },
  { name: "a source that is not wasm", files: spinApp('source = "hello.wasm"', { "hello.wasm": "#!/bin/sh\necho hi\n" }), exitCode: 1, error: /component hello source .*hello\.wasm is not a WebAssembly binary/ },
  { name: "a source missing after the build", files: spinApp('source = "out/hello.wasm"\n[component.hello.build]\ncommand = "true"'), exitCode: 1, error: /component hello source .*out\/hello\.wasm does not exist/ },
  { name: "a failing build command", files: spinApp('source = "hello.wasm"\n[component.hello.build]\ncommand = "exit 7"'), exitCode: 1, error: /component hello: build command "exit 7" failed \(exit 7\)/ },
  { name: "a files glob", files: spinApp('source = "hello.wasm"\nfiles = ["static/*.html"]', { "hello.wasm": WASM_HEADER }), exitCode: 1, error: /component\.hello\.files\[0\] "static\/\*\.html" is a glob/ },
  { name: "a files entry that is a single file", files: spinApp('source = "hello.wasm"\nfiles = ["index.html"]', { "hello.wasm": WASM_HEADER, "index.html": "<p>" }), exitCode: 1, error: /files entry "index\.html" is a single file/ },
  { name: "exclude_files", files: spinApp('source = "hello.wasm"\nexclude_files = ["x"]', { "hello.wasm": WASM_HEADER }), exitCode: 1, error: /component\.hello\.exclude_files is not supported/ },
  { name: "an unknown --runtime", files: HELLO_CRATE, args: ["--runtime", "docker"], exitCode: 2, error: /--runtime: "docker" is not one of wasmedge, spin/ },
  {
    name: "a bad value in [package.metadata.wasmpack]",
    files: { ...HELLO_CRATE, "Cargo.toml": `${HELLO_CRATE["Cargo.toml"]}\n[package.metadata.wasmpack]\nvariant = "smart"\n` },
    exitCode: 2,
    error: /Cargo\.toml \[package\.metadata\.wasmpack\] variant: "smart" is not one of compat-smart, compat/,
  },
  { name: "a bad --platform", files: HELLO_CRATE, args: ["--platform", "wasm"], exitCode: 2, error: /platform "wasm" is not of the form os\/arch/ },
  { name: "an unknown flag", files: HELLO_CRATE, args: ["--frobnicate"], exitCode: 2, error: /unknown option '--frobnicate'/ },
];

describe("wasmpack build rejects bad input with one line, a non-zero exit and nothing written", () => {
  it.each(cases)("$name", async (c) => {
    const root = await tempDir();
    const dir = c.dir ?? (await writeTree(join(root, "app"), c.files ?? {}));
    const output = join(root, "out", "oci");
    const result = await runWasmpack(["build", dir, "-o", output, ...(c.args ?? [])]);
    expect(result.exitCode, result.stderr).toBe(c.exitCode);
    const line = lastLine(result.stderr);
    expect(line).toMatch(/^wasmpack: /);
    expect(line).toMatch(c.error);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe("");
    expect(existsSync(join(root, "out"))).toBe(false);
  });

  it("refuses an unwritable output directory before building", async () => {
    const root = await tempDir();
    const dir = await writeTree(join(root, "app"), { ...HELLO_CRATE, "blocker": "a file, not a directory" });
    const result = await runWasmpack(["build", dir, "-o", join(dir, "blocker", "oci")]);
    expect(result.exitCode).toBe(1);
    expect(lastLine(result.stderr)).toMatch(/^wasmpack: cannot write the image layout to .*blocker\/oci: .*blocker is not a directory$/);
    expect(result.stderr).not.toMatch(/Compiling/); // failed before cargo ran
  });

  it("refuses to scribble into a non-empty directory that is not a layout", async () => {
    const root = await tempDir();
    const dir = await writeTree(join(root, "app"), { ...HELLO_CRATE, "notes/todo.txt": "keep me" });
    const result = await runWasmpack(["build", dir, "-o", join(dir, "notes")]);
    expect(result.exitCode).toBe(1);
    expect(lastLine(result.stderr)).toMatch(/notes: it is a non-empty directory that is not an OCI layout$/);
  });

  // Node's mkdir(…, { recursive: true }) spins forever under /proc; every output path goes through
  // wasmpack's own directory creation, which fails on the first level it cannot make.
  it.each([
    ["build --output", (dir: string) => ["build", dir, "--output", "/proc/wasmpack-out"], /cannot write OCI layout \/proc\/wasmpack-out/],
    ["build --oci-archive", (dir: string) => ["build", dir, "--oci-archive", "/proc/wasmpack-out/app.tar"], /cannot write .*\/proc\/wasmpack-out\/app\.tar/],
    ["pull -o", () => ["pull", "127.0.0.1:9/none:1", "-o", "/proc/wasmpack-out"], /cannot write OCI layout \/proc\/wasmpack-out/],
  ])("ends with one line instead of hanging: %s under /proc", async (_, args, error) => {
    const dir = await writeTree(join(await tempDir(), "app"), HELLO_CRATE);
    const result = await runWasmpack([...args(dir), "-q"], { timeoutMs: 60_000 });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(lastLine(result.stderr)).toMatch(error);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
