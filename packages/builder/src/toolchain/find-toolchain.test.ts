import { chmod, mkdir, mkdtemp, readFile, rename, rm, symlink, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WasmpackError } from "@wasmpack/registry/errors";
import type { CommandRunner, RunResult } from "../cargo/runner.js";
import { findToolchain, toolchainEnv, type FindToolchainOptions } from "./index.js";

interface FakeRustc {
  sysroot: string;
  version: string;
  targets: string[];
  fails?: boolean;
}

/** Answers `rustc --print sysroot|target-list` and `rustc --version` for the rustcs registered. */
class FakeRustcs {
  readonly byPath = new Map<string, FakeRustc>();
  readonly asked: string[] = [];

  readonly runner: CommandRunner = async (file, args) => {
    this.asked.push(file);
    const rustc = this.byPath.get(file);
    if (!rustc || rustc.fails) return result("", "error: toolchain 'x' is not installed", 1);
    if (args[0] === "--version") return result(`rustc ${rustc.version} (abc 2024-01-01)\n`);
    if (args[1] === "sysroot") return result(`${rustc.sysroot}\n`);
    if (args[1] === "target-list") return result(`${rustc.targets.join("\n")}\n`);
    return result("", `unexpected ${args.join(" ")}`, 1);
  };
}

function result(stdout: string, stderr = "", exitCode = 0): RunResult {
  return { stdout, stderr, exitCode };
}

let root: string;
let rustcs: FakeRustcs;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "wasmpack-toolchain-"));
  rustcs = new FakeRustcs();
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function executable(file: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, "#!/bin/sh\nexit 1\n");
  await chmod(file, 0o755);
  return file;
}

/**
 * A toolchain at `dir`: bin/cargo, bin/rustc, and the standard library of the `std` targets in
 * its sysroot (`dir` itself). `listed` targets are known to rustc without their std installed.
 */
async function toolchainAt(
  dir: string,
  options: { version?: string; std?: string[]; listed?: string[]; fails?: boolean } = {},
): Promise<string> {
  const binDir = path.join(dir, "bin");
  await executable(path.join(binDir, "cargo"));
  const rustc = await executable(path.join(binDir, "rustc"));
  const std = options.std ?? [];
  for (const target of std) {
    const libDir = path.join(dir, "lib", "rustlib", target, "lib");
    await mkdir(libDir, { recursive: true });
    await writeFile(path.join(libDir, "libstd-0123abcd.rlib"), "");
  }
  rustcs.byPath.set(rustc, {
    sysroot: dir,
    version: options.version ?? "1.80.0",
    targets: ["x86_64-unknown-linux-gnu", ...std, ...(options.listed ?? [])],
    fails: options.fails ?? false,
  });
  return binDir;
}

/** The distribution's /usr/bin stand-in, the rustup home and the home dir all live in `root`. */
function find(env: Record<string, string | undefined>, extra: Partial<FindToolchainOptions> = {}) {
  return findToolchain({
    env,
    home: path.join(root, "home"),
    systemBinDir: path.join(root, "usr", "bin"),
    runner: rustcs.runner,
    cwd: root,
    ...extra,
  });
}

const rustupToolchain = (name: string) => path.join(root, "home", ".rustup", "toolchains", name);

async function expectError(promise: Promise<unknown>): Promise<WasmpackError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WasmpackError);
  return error as WasmpackError;
}

describe("findToolchain: order of preference", () => {
  it("prefers CARGO from the environment, then PATH, then rustup toolchains, then /usr/bin", async () => {
    const envBin = await toolchainAt(path.join(root, "env"), { std: ["wasm32-wasip1"] });
    const pathBin = await toolchainAt(path.join(root, "on-path"), { std: ["wasm32-wasip1"] });
    await toolchainAt(rustupToolchain("stable"), { std: ["wasm32-wasip1"] });
    await toolchainAt(path.join(root, "usr"), { std: ["wasm32-wasi"] });

    const cargoEnv = { CARGO: path.join(envBin, "cargo"), PATH: pathBin };
    expect((await find(cargoEnv)).origin).toBe("CARGO/RUSTC environment");
    expect((await find({ PATH: pathBin })).origin).toBe("PATH");
    expect((await find({ PATH: "/nonexistent" })).origin).toBe("rustup toolchain stable");
    await rm(rustupToolchain("stable"), { recursive: true });
    expect(await find({ PATH: "/nonexistent" })).toMatchObject({
      origin: path.join(root, "usr", "bin"),
      cargo: path.join(root, "usr", "bin", "cargo"),
      rustc: path.join(root, "usr", "bin", "rustc"),
      binDir: path.join(root, "usr", "bin"),
      target: "wasm32-wasi",
      rustcVersion: "1.80.0",
      rustupProxy: false,
    });
  });

  it("takes the first candidate with a wasm std even when a later one has the preferred target", async () => {
    const pathBin = await toolchainAt(path.join(root, "on-path"), { std: ["wasm32-wasi"] });
    await toolchainAt(rustupToolchain("nightly"), { std: ["wasm32-wasip1", "wasm32-wasi"] });
    expect(await find({ PATH: pathBin })).toMatchObject({ origin: "PATH", target: "wasm32-wasi" });
  });

  it("prefers wasm32-wasip1 over wasm32-wasi within one toolchain", async () => {
    const pathBin = await toolchainAt(path.join(root, "on-path"), { std: ["wasm32-wasi", "wasm32-wasip1"] });
    expect((await find({ PATH: pathBin })).target).toBe("wasm32-wasip1");
  });

  it("takes exactly the target asked for", async () => {
    const pathBin = await toolchainAt(path.join(root, "on-path"), { std: ["wasm32-wasip1"] });
    await toolchainAt(rustupToolchain("nightly"), { std: ["wasm32-wasip2"] });
    expect(await find({ PATH: pathBin }, { target: "wasm32-wasip2" })).toMatchObject({
      origin: "rustup toolchain nightly",
      target: "wasm32-wasip2",
    });
  });

  it("uses the first cargo on PATH, with the rustc beside it", async () => {
    const first = await toolchainAt(path.join(root, "first"), { std: ["wasm32-wasip1"] });
    const second = await toolchainAt(path.join(root, "second"), { std: ["wasm32-wasip1"] });
    const toolchain = await find({ PATH: ["", "/nonexistent", first, second].join(path.delimiter) });
    expect(toolchain.cargo).toBe(path.join(first, "cargo"));
    expect(toolchain.rustc).toBe(path.join(first, "rustc"));
  });
});

describe("findToolchain: CARGO and RUSTC from the environment", () => {
  it("pairs CARGO with RUSTC when both are set", async () => {
    const cargoBin = await toolchainAt(path.join(root, "cargo-only"));
    const rustcBin = await toolchainAt(path.join(root, "rustc-only"), { std: ["wasm32-wasi"] });
    const toolchain = await find({ CARGO: path.join(cargoBin, "cargo"), RUSTC: path.join(rustcBin, "rustc") });
    expect(toolchain).toMatchObject({
      origin: "CARGO/RUSTC environment",
      cargo: path.join(cargoBin, "cargo"),
      rustc: path.join(rustcBin, "rustc"),
      binDir: cargoBin,
    });
  });

  it("pairs CARGO with the rustc beside it when RUSTC is unset", async () => {
    const cargoBin = await toolchainAt(path.join(root, "env"), { std: ["wasm32-wasi"] });
    const other = await toolchainAt(path.join(root, "other"), { std: ["wasm32-wasi"] });
    const toolchain = await find({ CARGO: path.join(cargoBin, "cargo"), PATH: other });
    expect(toolchain.rustc).toBe(path.join(cargoBin, "rustc"));
  });

  it("goes on to the next candidate when CARGO does not exist", async () => {
    const pathBin = await toolchainAt(path.join(root, "on-path"), { std: ["wasm32-wasi"] });
    expect((await find({ CARGO: path.join(root, "nope", "cargo"), PATH: pathBin })).origin).toBe("PATH");
  });
});

describe("findToolchain: target detection", () => {
  it("skips a toolchain whose rustc lists the target but has no std for it", async () => {
    const pathBin = await toolchainAt(path.join(root, "on-path"), { listed: ["wasm32-wasip1", "wasm32-wasi"] });
    await toolchainAt(path.join(root, "usr"), { std: ["wasm32-wasi"], version: "1.63.0" });
    expect(await find({ PATH: pathBin })).toMatchObject({ origin: path.join(root, "usr", "bin"), target: "wasm32-wasi" });
  });

  it("skips a std directory for a target the rustc does not list", async () => {
    const pathBin = await toolchainAt(path.join(root, "on-path"), { std: ["wasm32-wasi"] });
    rustcs.byPath.get(path.join(pathBin, "rustc"))!.targets = ["x86_64-unknown-linux-gnu"];
    const error = await expectError(find({ PATH: pathBin }));
    expect(error.code).toBe("NO_WASM_TARGET");
  });

  it("needs a libstd-*.rlib, not just the target's lib directory", async () => {
    const pathBin = await toolchainAt(path.join(root, "on-path"), { listed: ["wasm32-wasi"] });
    await mkdir(path.join(root, "on-path", "lib", "rustlib", "wasm32-wasi", "lib"), { recursive: true });
    await writeFile(path.join(root, "on-path", "lib", "rustlib", "wasm32-wasi", "lib", "libcore-1.rlib"), "");
    expect((await expectError(find({ PATH: pathBin }))).code).toBe("NO_WASM_TARGET");
  });

  it("goes on when a rustc fails, and says why", async () => {
    const pathBin = await toolchainAt(path.join(root, "on-path"), { std: ["wasm32-wasi"], fails: true });
    await toolchainAt(path.join(root, "usr"), { std: ["wasm32-wasi"] });
    expect((await find({ PATH: pathBin })).origin).toBe(path.join(root, "usr", "bin"));
    await rm(path.join(root, "usr"), { recursive: true });
    const error = await expectError(find({ PATH: pathBin }));
    expect(error.message).toContain(
      `PATH (${path.join(pathBin, "rustc")} --print sysroot failed (exit 1): error: toolchain 'x' is not installed)`,
    );
  });
});

describe("findToolchain: deduplication", () => {
  it("asks each cargo and rustc pair once, even through a symlinked directory", async () => {
    const usrBin = await toolchainAt(path.join(root, "usr"), { listed: ["wasm32-wasi"] });
    const linked = path.join(root, "linked-bin");
    await symlink(usrBin, linked);
    rustcs.byPath.set(path.join(linked, "rustc"), rustcs.byPath.get(path.join(usrBin, "rustc"))!);

    const error = await expectError(find({ CARGO: path.join(linked, "cargo"), PATH: usrBin }));
    // One candidate, asked once for its sysroot and (for the error message) once for its version.
    expect(rustcs.asked.filter((file) => file.endsWith("rustc"))).toEqual(Array(2).fill(path.join(linked, "rustc")));
    expect(error.message).toContain("(tried: CARGO/RUSTC environment (rustc 1.80.0), no rustup toolchains in");
  });
});

describe("findToolchain: errors", () => {
  it("names every place tried, on one line", async () => {
    const pathBin = await toolchainAt(path.join(root, "on-path"), { version: "1.95.0", listed: ["wasm32-wasip1"] });
    await toolchainAt(rustupToolchain("nightly-x86_64-unknown-linux-gnu"), { version: "1.97.0-nightly" });
    await mkdir(path.join(rustupToolchain("broken"), "bin"), { recursive: true });

    const error = await expectError(find({ PATH: pathBin }));
    expect(error.kind).toBe("toolchain");
    expect(error.code).toBe("NO_WASM_TARGET");
    expect(error.message).toBe(
      "no Rust toolchain with the wasm32-wasip1 or wasm32-wasi standard library found (tried: " +
        "PATH (rustc 1.95.0), rustup toolchain broken has no cargo, " +
        "rustup toolchain nightly-x86_64-unknown-linux-gnu (rustc 1.97.0-nightly), " +
        `${path.join(root, "usr", "bin", "cargo")} missing); ` +
        "install it with `rustup target add wasm32-wasip1`, or on Debian " +
        "`apt-get install rustc cargo libstd-rust-dev-wasm32 wasi-libc`",
    );
  });

  it("says which default target a toolchain has when another was asked for", async () => {
    await toolchainAt(path.join(root, "usr"), { version: "1.63.0", std: ["wasm32-wasi"] });
    const error = await expectError(find({ PATH: "" }, { target: "wasm32-wasip1" }));
    expect(error.message).toMatch(/^no Rust toolchain with the wasm32-wasip1 standard library found \(tried: /);
    expect(error.message).toContain(`${path.join(root, "usr", "bin")} (rustc 1.63.0, has wasm32-wasi)`);
    expect(error.message).toContain("`rustup target add wasm32-wasip1`");
  });

  it("reports no toolchain at all when there is no cargo anywhere", async () => {
    const error = await expectError(find({ PATH: path.join(root, "empty") }));
    expect(error.code).toBe("NO_RUST_TOOLCHAIN");
    expect(error.message).toBe(
      `no Rust toolchain found (tried: no cargo on PATH, no rustup toolchains in ${path.join(root, "home", ".rustup")}, ` +
        `${path.join(root, "usr", "bin", "cargo")} missing); install Rust from https://rustup.rs and run ` +
        "`rustup target add wasm32-wasip1`, or on Debian `apt-get install rustc cargo libstd-rust-dev-wasm32 wasi-libc`",
    );
    expect(error.message).not.toContain("\n");
  });

  it("looks for rustup toolchains in RUSTUP_HOME when set", async () => {
    const rustupHome = path.join(root, "elsewhere");
    await toolchainAt(path.join(rustupHome, "toolchains", "stable"), { std: ["wasm32-wasip1"] });
    expect((await find({ RUSTUP_HOME: rustupHome })).origin).toBe("rustup toolchain stable");
  });
});

describe("rustup proxies and toolchainEnv", () => {
  it("marks a rustc outside its sysroot as a rustup proxy and keeps RUSTUP_TOOLCHAIN for it", async () => {
    await toolchainAt(rustupToolchain("stable"), { std: ["wasm32-wasip1"] });
    const proxyBin = path.join(root, "home", ".cargo", "bin");
    await executable(path.join(proxyBin, "cargo"));
    const proxyRustc = await executable(path.join(proxyBin, "rustc"));
    rustcs.byPath.set(proxyRustc, rustcs.byPath.get(path.join(rustupToolchain("stable"), "bin", "rustc"))!);

    const env = { PATH: proxyBin, RUSTUP_TOOLCHAIN: "stable", HOME: "/home/me" };
    const toolchain = await find(env);
    expect(toolchain).toMatchObject({ origin: "PATH", rustupProxy: true, rustc: proxyRustc });
    expect(toolchainEnv(toolchain, env)).toEqual({
      PATH: `${proxyBin}${path.delimiter}${proxyBin}`,
      RUSTC: proxyRustc,
      RUSTUP_TOOLCHAIN: "stable",
      HOME: "/home/me",
    });
  });

  it("drops RUSTUP_TOOLCHAIN for a real toolchain and puts its bin first on PATH", async () => {
    const usrBin = await toolchainAt(path.join(root, "usr"), { std: ["wasm32-wasi"] });
    const env = { PATH: "/a:/b", RUSTUP_TOOLCHAIN: "nightly", RUSTC: "/elsewhere/rustc" };
    const toolchain = await find(env);
    expect(toolchain.rustupProxy).toBe(false);
    expect(toolchainEnv(toolchain, env)).toEqual({ PATH: `${usrBin}${path.delimiter}/a:/b`, RUSTC: path.join(usrBin, "rustc") });
    expect(env.RUSTUP_TOOLCHAIN).toBe("nightly");
  });
});

describe("findToolchain: the answer remembered between runs", () => {
  const cacheFile = () => path.join(root, "home", ".cache", "wasmpack", "toolchain.json");
  const askedSince = (count: number) => rustcs.asked.slice(count);

  it("asks no rustc the second time, and again once the rustc is touched or replaced", async () => {
    const pathBin = await toolchainAt(path.join(root, "on-path"), { listed: ["wasm32-wasip1"] });
    const usrBin = await toolchainAt(path.join(root, "usr"), { std: ["wasm32-wasi"] });
    const first = await find({ PATH: pathBin });
    expect(rustcs.asked.length).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(cacheFile(), "utf8"))).toMatchObject({ version: 2 });

    let asked = rustcs.asked.length;
    expect(await find({ PATH: pathBin })).toEqual(first);
    expect(askedSince(asked)).toEqual([]);

    // Touched (an upgrade in place keeps the path): probed again.
    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(usrBin, "rustc"), later, later);
    asked = rustcs.asked.length;
    expect(await find({ PATH: pathBin })).toEqual(first);
    expect(askedSince(asked)).toContain(path.join(usrBin, "rustc"));

    // Replaced by another file (same size, same mtime): probed again.
    asked = rustcs.asked.length;
    await find({ PATH: pathBin });
    expect(askedSince(asked)).toEqual([]);
    const replacement = path.join(root, "rustc.new");
    await executable(replacement);
    await utimes(replacement, later, later);
    await rename(replacement, path.join(usrBin, "rustc"));
    await find({ PATH: pathBin });
    expect(askedSince(asked)).toContain(path.join(usrBin, "rustc"));
  });

  it("takes a wasm std added to an earlier toolchain, a new cargo on PATH and other targets as new questions", async () => {
    const pathBin = await toolchainAt(path.join(root, "on-path"), { listed: ["wasm32-wasip1"] });
    await toolchainAt(path.join(root, "usr"), { std: ["wasm32-wasi"] });
    expect((await find({ PATH: pathBin })).origin).toBe(path.join(root, "usr", "bin"));

    await toolchainAt(path.join(root, "on-path"), { std: ["wasm32-wasip1"] }); // `rustup target add`
    expect(await find({ PATH: pathBin })).toMatchObject({ origin: "PATH", target: "wasm32-wasip1" });

    const newBin = await toolchainAt(path.join(root, "new"), { std: ["wasm32-wasip1"] });
    expect((await find({ PATH: [newBin, pathBin].join(path.delimiter) })).cargo).toBe(path.join(newBin, "cargo"));
    expect((await find({ PATH: pathBin }, { target: "wasm32-wasi" })).origin).toBe(path.join(root, "usr", "bin"));
  });

  it("asks a rustup proxy again when RUSTUP_TOOLCHAIN, a rust-toolchain.toml or the toolchain it runs changes", async () => {
    const stable = await toolchainAt(rustupToolchain("stable"), { std: ["wasm32-wasip1"] });
    const proxyBin = path.join(root, "home", ".cargo", "bin");
    await executable(path.join(proxyBin, "cargo"));
    const proxyRustc = await executable(path.join(proxyBin, "rustc"));
    rustcs.byPath.set(proxyRustc, rustcs.byPath.get(path.join(stable, "rustc"))!);
    const proxyAsked = () => rustcs.asked.filter((file) => file === proxyRustc).length;
    const env = { PATH: proxyBin, RUSTUP_TOOLCHAIN: "stable" };

    expect(await find(env)).toMatchObject({ origin: "PATH", rustupProxy: true });
    let asked = proxyAsked();
    await find(env);
    expect(proxyAsked()).toBe(asked);

    await find({ ...env, RUSTUP_TOOLCHAIN: "nightly" });
    expect(proxyAsked()).toBeGreaterThan(asked);

    asked = proxyAsked();
    await writeFile(path.join(root, "rust-toolchain.toml"), '[toolchain]\nchannel = "stable"\n');
    await find(env);
    expect(proxyAsked()).toBeGreaterThan(asked);

    asked = proxyAsked();
    await find(env);
    expect(proxyAsked()).toBe(asked);
    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(stable, "rustc"), later, later); // `rustup update` replaced the toolchain
    await find(env);
    expect(proxyAsked()).toBeGreaterThan(asked);
  });

  it("ignores a corrupt or unwritable cache, and remembers no failure", async () => {
    const usrBin = await toolchainAt(path.join(root, "usr"), { std: ["wasm32-wasi"] });
    await mkdir(path.dirname(cacheFile()), { recursive: true });
    await writeFile(cacheFile(), "{ not json");
    expect((await find({ PATH: "" })).binDir).toBe(usrBin);
    let asked = rustcs.asked.length;
    await find({ PATH: "" });
    expect(askedSince(asked)).toEqual([]); // rewritten whole

    await writeFile(path.join(root, "a-file"), "");
    const unwritable = { cacheDir: path.join(root, "a-file", "cache") };
    expect((await find({ PATH: "" }, unwritable)).binDir).toBe(usrBin);
    expect((await find({ PATH: "" }, unwritable)).binDir).toBe(usrBin);

    await expectError(find({ PATH: "" }, { target: "wasm32-wasip1" }));
    asked = rustcs.asked.length;
    await expectError(find({ PATH: "" }, { target: "wasm32-wasip1" }));
    expect(askedSince(asked).length).toBeGreaterThan(0);
  });

  it("is kept where WASMPACK_CACHE_DIR or XDG_CACHE_HOME say, and not at all with cacheDir null", async () => {
    await toolchainAt(path.join(root, "usr"), { std: ["wasm32-wasi"] });
    await find({ PATH: "", WASMPACK_CACHE_DIR: path.join(root, "mine") });
    await readFile(path.join(root, "mine", "toolchain.json"), "utf8");
    await find({ PATH: "", XDG_CACHE_HOME: path.join(root, "xdg") });
    await readFile(path.join(root, "xdg", "wasmpack", "toolchain.json"), "utf8");
    const asked = rustcs.asked.length;
    await find({ PATH: "" }, { cacheDir: null });
    expect(askedSince(asked).length).toBeGreaterThan(0);
  });
});
