import type { Command } from "commander";
import type { BuildFlags, FormatFlags } from "@wasmpack/builder";
import { collect } from "../flags.js";
import { addRegistryOptions, type RegistryFlags } from "./registry-flags.js";

export interface BuildCommandOptions extends BuildFlags, Omit<FormatFlags, "format" | "tagSuffix">, RegistryFlags {
  push?: string;
  annotation: string[];
  label: string[];
  format: string[];
  tagSuffix: string[];
  json?: boolean;
  quiet?: boolean;
  workspace?: boolean;
  package: string[];
  exclude: string[];
  keepGoing?: boolean;
  sign?: boolean;
  key?: string;
}

export function registerBuild(program: Command, env: Record<string, string | undefined>): void {
  const command = program
    .command("build")
    .description("build a Rust crate or Spin app into a Wasm OCI image layout")
    .argument("[dir...]", "crate, Spin app or cargo workspace directory; several build each (default: .)")
    .option("--format <format>", "image format, repeatable, the first is the primary image: compat | spin-layout | spin-artifact | wasm-artifact (default: the --runtime's)", collect, [])
    .option("--tag-suffix <format=suffix>", "tag of a format as TAG-SUFFIX (defaults for non-first formats: compat, spin-layout, spin, wasm) (repeatable)", collect, [])
    .option("--runtime <runtime>", "which default format: wasmedge (compat) | spin (spin-layout) (default: spin when spin.toml exists, else wasmedge)")
    .option("--variant <variant>", "module.wasm.image/variant for wasmedge images: compat-smart | compat (default: compat-smart)")
    .option("--platform <os/arch>", "platform written in compat and spin-layout configs (default: wasi/wasm)")
    .option("--target <triple>", "cargo target (default: wasm32-wasip1, or wasm32-wasi on older toolchains)")
    .option("--bin <name>", "which binary to package when the crate has several")
    .option("--component <adapter>", "make a WASI preview 2 component for wasm-artifact with the preview 1 adapter: command | reactor")
    .option("--strip", "remove custom sections (names, producers, debug info) from the wasm (default)")
    .option("--no-strip", "keep the wasm's custom sections")
    .option("--optimize", "run Binaryen -Os on the wasm (needs the binaryen package)")
    .option("--created <time>", "created time for configs and artifact annotations: now | RFC 3339 (default: SOURCE_DATE_EPOCH, else 0)")
    .option("--tag <tag>", "tag in the layout's index.json (default: the crate or app version)")
    .option("-o, --output <dir>", "OCI layout directory (default: DIR/target/wasmpack/oci)")
    .option("--oci-archive <file>", "also write the layout as one tar (for ctr image import, kind load image-archive)")
    .option("--annotation <key=value>", "manifest annotation (repeatable)", collect, [])
    .option("--label <key=value>", "config label (repeatable)", collect, [])
    .option("--no-verify", "skip the static checks that the image will start on its runtime")
    .option("--sbom <format>", "SBOM attached to each image, read from Cargo.lock (cargo builds --locked): spdx | cyclonedx (default: spdx)")
    .option("--no-sbom", "attach no SBOM (and build without --locked)")
    .option("--no-provenance", "attach no SLSA provenance")
    .option("--push <ref>", "push the images to REF once built (like wasmpack push REF); on a workspace, a PREFIX: each service to PREFIX/NAME:VERSION (default: $WASMPACK_REPO)")
    .option("--sign", "with --push: sign each pushed image (cosign-compatible, needs --key)")
    .option("--key <file>", "with --sign: the private key (cosign.key or PEM; password from $COSIGN_PASSWORD)")
    .option("--workspace", "build every service of the cargo workspace DIR is in (the default on a workspace root)")
    .option("-p, --package <name>", "on a workspace: only this member (repeatable)", collect, [])
    .option("--exclude <name>", "on a workspace: leave this member out (repeatable)", collect, [])
    .option("--keep-going", "on a workspace: push the services that built even when others failed")
    .option("--json", "print the result as one JSON object on stdout")
    .option("-q, --quiet", "print nothing but errors and --json output");
  addRegistryOptions(command).action(async (dirs: string[], options: BuildCommandOptions) => {
    if (dirs.length > 1) return (await import("../actions/build-workspace.js")).buildDirs(dirs, options, env);
    return (await import("../actions/build.js")).build(dirs[0] ?? ".", options, env);
  });
}
