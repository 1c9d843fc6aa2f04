import { stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { execa } from "execa";
import { WasmpackError } from "@wasmpack/registry/errors";
import { cargoBuild, type WasmArtifact } from "../cargo/index.js";
import type { SpinApp, SpinComponent } from "../project/spin-manifest.js";
import { findToolchain, toolchainEnv, type Toolchain } from "../toolchain/index.js";
import { readWasmKind, type WasmKind } from "../wasm/wasm-header.js";
import type { BuildEvent } from "./build-events.js";

/** A wasm file on disk, ready to be placed in an image. */
export interface BuiltModule {
  fromFile: string;
  size: number;
  kind: WasmKind;
}

export interface ModuleContext {
  /** The project directory: rustup picks its toolchain from here (rust-toolchain.toml). */
  projectDir: string;
  env: Record<string, string | undefined>;
  target?: string | undefined;
  onEvent: (event: BuildEvent) => void;
  signal?: AbortSignal | undefined;
  /** cargo builds `--locked` (an SBOM is read from Cargo.lock). */
  locked?: boolean | undefined;
  /** Told of each crate cargo built, by its Cargo.toml. */
  onCrate?: ((manifestPath: string) => void) | undefined;
  /** What an earlier cargo build (a workspace's) produced for this Cargo.toml: used instead of running cargo. */
  prebuilt?: ((manifestPath: string) => WasmArtifact[] | undefined) | undefined;
}

/** Finds the toolchain once per build, and only when something needs cargo. */
export function lazyToolchain(ctx: ModuleContext): () => Promise<Toolchain> {
  let found: Promise<Toolchain> | undefined;
  return () =>
    (found ??= findToolchain({ env: ctx.env, cwd: ctx.projectDir, ...(ctx.target ? { target: ctx.target } : {}) }).then((toolchain) => {
      ctx.onEvent({ type: "toolchain", toolchain });
      return toolchain;
    }));
}

/** Builds a crate and returns the one wasm it produces (or the `bin` asked for). */
export async function buildCrate(
  manifestPath: string,
  ctx: ModuleContext,
  toolchain: () => Promise<Toolchain>,
  choose: { bin?: string | undefined; fileName?: string | undefined },
): Promise<{ artifact: WasmArtifact; module: BuiltModule }> {
  const artifacts = ctx.prebuilt?.(manifestPath) ?? await cargoBuild({
    toolchain: await toolchain(),
    manifestPath,
    env: ctx.env,
    onDiagnostic: (line) => ctx.onEvent({ type: "output", line }),
    ...(ctx.locked ? { locked: true } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  ctx.onCrate?.(manifestPath);
  const artifact = pickArtifact(artifacts, manifestPath, choose);
  return { artifact, module: await describeModule(artifact.path, `cargo output for ${manifestPath}`) };
}

function pickArtifact(artifacts: WasmArtifact[], manifestPath: string, choose: { bin?: string | undefined; fileName?: string | undefined }): WasmArtifact {
  const names = artifacts.map((a) => a.targetName).join(", ");
  if (choose.bin) {
    const match = artifacts.find((a) => a.targetName === choose.bin);
    if (!match) throw new WasmpackError("usage", "BIN_UNKNOWN", `${manifestPath} has no wasm target named ${JSON.stringify(choose.bin)} (it has ${names})`);
    return match;
  }
  const byFile = choose.fileName ? artifacts.find((a) => basename(a.path) === choose.fileName) : undefined;
  const only = artifacts.length === 1 ? artifacts[0] : undefined;
  const match = byFile ?? only;
  if (!match) throw new WasmpackError("usage", "BIN_AMBIGUOUS", `${manifestPath} builds several wasm targets (${names}); choose one with --bin`);
  return match;
}

/** Builds every component of a Spin app, returning each component's module by id. */
export async function buildSpinComponents(app: SpinApp, appDir: string, ctx: ModuleContext, toolchain: () => Promise<Toolchain>): Promise<Map<string, BuiltModule>> {
  const modules = new Map<string, BuiltModule>();
  for (const component of app.components) {
    if (component.source.kind !== "path") continue; // fetched by the runtime at load time
    const sourcePath = join(appDir, component.source.path);
    const what = `spin.toml component ${component.id} source`;
    if (component.build) {
      const built = await buildComponent(component, component.build, appDir, ctx, toolchain);
      if (built) {
        modules.set(component.id, built);
        continue;
      }
    }
    modules.set(component.id, await describeModule(sourcePath, what));
  }
  return modules;
}

/**
 * Runs a component's build as `spin build` would. When the build is `cargo build` on a crate,
 * wasmpack runs cargo itself with the toolchain it found and takes the artifact cargo reports,
 * whatever target directory the `source` path names (`wasm32-wasi` or `wasm32-wasip1`).
 */
async function buildComponent(
  component: SpinComponent,
  build: NonNullable<SpinComponent["build"]>,
  appDir: string,
  ctx: ModuleContext,
  toolchain: () => Promise<Toolchain>,
): Promise<BuiltModule | undefined> {
  const workdir = join(appDir, build.workdir ?? ".");
  const cargoManifest = join(workdir, "Cargo.toml");
  const source = component.source.kind === "path" ? component.source.path : "";
  if (build.commands.every((c) => /^\s*cargo\s+build\b/.test(c)) && (await stat(cargoManifest).catch(() => undefined))) {
    ctx.onEvent({ type: "command", component: component.id, command: `cargo build (${basename(source)})` });
    return (await buildCrate(cargoManifest, ctx, toolchain, { fileName: basename(source) })).module;
  }
  const tc = await toolchain().catch(() => undefined);
  const env = tc ? toolchainEnv(tc, ctx.env) : ctx.env;
  for (const command of build.commands) {
    ctx.onEvent({ type: "command", component: component.id, command });
    const child = execa(command, { shell: true, cwd: workdir, env, extendEnv: false, reject: false, all: true, ...(ctx.signal ? { cancelSignal: ctx.signal } : {}) });
    for await (const line of child.iterable({ from: "all" })) ctx.onEvent({ type: "output", line: String(line) });
    const result = await child;
    if (result.exitCode !== 0) {
      throw new WasmpackError("build", "BUILD_COMMAND_FAILED", `spin.toml component ${component.id}: build command ${JSON.stringify(command)} failed (exit ${result.exitCode ?? "signal"})`);
    }
  }
  return undefined;
}

async function describeModule(path: string, what: string): Promise<BuiltModule> {
  const kind = await readWasmKind(path, what);
  const { size } = await stat(path);
  return { fromFile: path, size, kind };
}
