import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WasmpackError } from "@wasmpack/registry/errors";
import type { CommandRunner, RunResult } from "../cargo/runner.js";
import { readDependencyGraph } from "./cargo-graph.js";

// cargo metadata answered by a fake runner, so every edge case is spelled out; the real cargo is
// the judge in test/supply-chain.
const dir = mkdtempSync(join(tmpdir(), "wasmpack-cargo-graph-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CIO = "registry+https://github.com/rust-lang/crates.io-index";
const id = (name: string) => (name === "app" ? `path+file://${dir}#app@1.0.0` : `${CIO}#${name}@1.0.0`);
const lib = (name: string, extra: Record<string, unknown> = {}) => ({ id: id(name), name, version: "1.0.0", source: name === "app" ? null : CIO, license: "MIT", license_file: null, targets: [{ kind: ["lib"] }], ...extra });
const dep = (name: string, ...kinds: Array<string | null>) => ({ name, pkg: id(name), dep_kinds: kinds.map((kind) => ({ kind, target: null })) });
const METADATA = {
  packages: [
    lib("app", { license: null, targets: [{ kind: ["bin"] }] }),
    lib("linked", { license: "MIT/Apache-2.0" }),
    lib("shared"),
    lib("macro", { targets: [{ kind: ["proc-macro"] }], license: null, license_file: "LICENSE" }),
    lib("macro-dep"),
    lib("builder"),
    lib("devonly"),
  ],
  resolve: {
    root: id("app"),
    nodes: [
      { id: id("app"), deps: [dep("linked", null), dep("macro", null), dep("builder", "build"), dep("devonly", "dev"), dep("shared", "dev", "build")] },
      { id: id("linked"), deps: [dep("shared", null)] },
      { id: id("shared"), deps: [] },
      { id: id("macro"), deps: [dep("macro-dep", null)] },
      { id: id("macro-dep"), deps: [] },
      { id: id("builder"), deps: [] },
      { id: id("devonly"), deps: [] },
    ],
  },
  workspace_root: dir,
};
const LOCK = `version = 3\n\n${["linked", "shared", "macro", "macro-dep", "builder", "devonly"].map((n, i) => `[[package]]\nname = "${n}"\nversion = "1.0.0"\nsource = "${CIO}"\nchecksum = "${String(i).repeat(64)}"\n`).join("\n")}`;

const CFGS: Record<string, string> = {
  "wasm32-wasi": 'panic="abort"\ntarget_arch="wasm32"\ntarget_family="wasm"\ntarget_os="wasi"\n',
  "x86_64-unknown-linux-gnu": 'panic="unwind"\ntarget_arch="x86_64"\ntarget_family="unix"\ntarget_os="linux"\nunix\n',
};

/** cargo answers `result`; rustc answers as a rustc on x86_64 Linux would. */
function fakeCargo(result: Partial<RunResult>, seen: Array<{ args: readonly string[]; env: Record<string, string | undefined> }> = []): CommandRunner {
  return async (file, args, options) => {
    if (file.endsWith("rustc")) {
      if (args[0] === "-vV") return { stdout: "rustc 1.63.0\nhost: x86_64-unknown-linux-gnu\n", stderr: "", exitCode: 0 };
      return { stdout: CFGS[args[3]!] ?? "", stderr: CFGS[args[3]!] ? "" : "error: unknown target", exitCode: CFGS[args[3]!] ? 0 : 1 };
    }
    seen.push({ args, env: options.env });
    return { stdout: "", stderr: "", exitCode: 0, ...result };
  };
}
const options = (runner: CommandRunner) => ({ cargo: "/usr/bin/cargo", rustc: "/usr/bin/rustc", manifestPath: join(dir, "Cargo.toml"), target: "wasm32-wasi", env: { PATH: "/usr/bin" }, runner });

describe("readDependencyGraph", () => {
  writeFileSync(join(dir, "Cargo.lock"), LOCK);

  it("runs one cargo metadata --locked for the target with the chosen rustc", async () => {
    const seen: Array<{ args: readonly string[]; env: Record<string, string | undefined> }> = [];
    await readDependencyGraph(options(fakeCargo({ stdout: JSON.stringify(METADATA) }, seen)));
    expect(seen).toEqual([{ args: ["metadata", "--format-version", "1", "--locked", "--filter-platform", "wasm32-wasi", "--filter-platform", "x86_64-unknown-linux-gnu", "--manifest-path", join(dir, "Cargo.toml")], env: { PATH: "/usr/bin", RUSTC: "/usr/bin/rustc" } }]);
  });

  it("marks what is linked and what only the host compiles, and leaves dev-dependencies out", async () => {
    const graph = await readDependencyGraph(options(fakeCargo({ stdout: JSON.stringify(METADATA) })));
    expect(Object.fromEntries(graph.packages.map((p) => [p.name, p.classification]))).toEqual({
      app: "linked", builder: "host", linked: "linked", macro: "host", "macro-dep": "host", shared: "linked",
    });
    expect(graph.edges.map((e) => `${e.from.split("#")[1]} -> ${e.to.split("#")[1]} ${e.kinds.join(",")}`).sort()).toEqual([
      "app@1.0.0 -> builder@1.0.0 build",
      "app@1.0.0 -> linked@1.0.0 normal",
      "app@1.0.0 -> macro@1.0.0 normal",
      "app@1.0.0 -> shared@1.0.0 build",
      "linked@1.0.0 -> shared@1.0.0 normal",
      "macro@1.0.0 -> macro-dep@1.0.0 normal",
    ]);
    const byName = new Map(graph.packages.map((p) => [p.name, p]));
    expect(byName.get("linked")).toMatchObject({ license: "MIT OR Apache-2.0", purl: "pkg:cargo/linked@1.0.0", checksum: "0".repeat(64), source: { kind: "registry", cratesIo: true } });
    expect(byName.get("macro")).toMatchObject({ license: "NOASSERTION", procMacro: true });
    expect(byName.get("app")).toMatchObject({ license: "NOASSERTION", source: { kind: "path" } });
    expect(byName.get("app")).not.toHaveProperty("purl");
    expect(graph.root).toBe(id("app"));
    expect(graph.lockfile.path).toBe(join(dir, "Cargo.lock"));
  });

  it("reads a platform condition for the host on build and host edges, for wasm on the others", async () => {
    const on = (name: string, target: string, kind: string | null = null) => ({ name, pkg: id(name), dep_kinds: [{ kind, target }] });
    const metadata = {
      ...METADATA,
      packages: [...METADATA.packages, lib("libc"), lib("wasm-only"), lib("unix-build"), lib("windows-only")],
      resolve: {
        root: id("app"),
        nodes: [
          { id: id("app"), deps: [dep("linked", null), dep("macro", null), dep("builder", "build"), on("wasm-only", 'cfg(target_arch = "wasm32")'), on("unix-build", "cfg(unix)", "build"), on("windows-only", "cfg(windows)")] },
          { id: id("linked"), deps: [on("libc", "cfg(unix)")] }, // not for wasm: left out
          { id: id("macro"), deps: [on("libc", "cfg(any(unix, windows))")] }, // the proc-macro runs on the host: kept
          { id: id("builder"), deps: [on("wasm-only", 'cfg(target_arch = "wasm32")')] }, // the host is no wasm32: left out
          ...["libc", "wasm-only", "unix-build", "windows-only", "shared", "macro-dep", "devonly"].map((name) => ({ id: id(name), deps: [] })),
        ],
      },
    };
    const graph = await readDependencyGraph(options(fakeCargo({ stdout: JSON.stringify(metadata) })));
    expect(Object.fromEntries(graph.packages.map((p) => [p.name, p.classification]))).toEqual({
      app: "linked", builder: "host", libc: "host", linked: "linked", macro: "host", "unix-build": "host", "wasm-only": "linked",
    });
    expect(graph.edges.filter((e) => e.to === id("libc")).map((e) => e.from)).toEqual([id("macro")]);
  });

  it("takes the member's package id on a virtual workspace, and asks for it when missing", async () => {
    const virtual = { ...METADATA, resolve: { ...METADATA.resolve, root: null } };
    const graph = await readDependencyGraph({ ...options(fakeCargo({ stdout: JSON.stringify(virtual) })), packageId: id("linked") });
    expect(graph.packages.map((p) => p.name)).toEqual(["linked", "shared"]);
    const error = await readDependencyGraph(options(fakeCargo({ stdout: JSON.stringify(virtual) }))).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SBOM_ROOT_UNKNOWN" });
  });

  it.each([
    ["error: cannot create the lock file /p/Cargo.lock because --locked was passed to prevent this\nhelp: …", "CARGO_LOCK_MISSING", /^\/p\/Cargo\.lock is missing: run `cargo generate-lockfile`/],
    ["    Updating crates.io index\nerror: the lock file /p/Cargo.lock needs to be updated but --locked was passed to prevent this\nIf you want …", "CARGO_LOCK_MISSING", /^\/p\/Cargo\.lock is missing/], // cargo < 1.7x says so for a missing one too
    [`    Updating crates.io index\nerror: the lock file ${dir}/Cargo.lock needs to be updated but --locked was passed to prevent this\nIf you want …`, "CARGO_LOCK_OUTDATED", /\/Cargo\.lock does not match Cargo\.toml: run `cargo update`/],
    ["error: failed to parse manifest at `/p/Cargo.toml`\n\nCaused by: …", "CARGO_METADATA_FAILED", /cargo metadata failed for .*: error: failed to parse manifest at `\/p\/Cargo.toml`$/],
  ])("fails in one line when cargo says %#", async (stderr, code, message) => {
    const error = await readDependencyGraph(options(fakeCargo({ exitCode: 101, stderr }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasmpackError);
    expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
    expect((error as Error).message).not.toContain("\n");
  });

  it("fails naming Cargo.lock when it is not there after all", async () => {
    const elsewhere = { ...METADATA, workspace_root: join(dir, "nowhere") };
    const error = await readDependencyGraph(options(fakeCargo({ stdout: JSON.stringify(elsewhere) }))).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "input", code: "CARGO_LOCK_MISSING", message: expect.stringContaining(join(dir, "nowhere", "Cargo.lock")) });
  });
});
