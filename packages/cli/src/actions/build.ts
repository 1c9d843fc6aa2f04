import type { Command } from "commander";
import type { BuildEvent, BuildFlags, BuildResult, FormatFlags } from "@wasmpack/builder";
import { createConsole, formatBytes, type Console } from "../console.js";
import { saveBuildRecord } from "../last-build.js";
import { addRegistryOptions, type RegistryFlags } from "../registry-options.js";
import { pushImages } from "./push.js";
import { collect } from "../flags.js";

interface BuildCommandOptions extends BuildFlags, Omit<FormatFlags, "format" | "tagSuffix">, RegistryFlags {
  push?: string;
  annotation: string[];
  label: string[];
  format: string[];
  tagSuffix: string[];
  json?: boolean;
  quiet?: boolean;
}

export function registerBuild(program: Command, env: Record<string, string | undefined>): void {
  const command = program
    .command("build")
    .description("build a Rust crate or Spin app into a Wasm OCI image layout")
    .argument("[dir]", "crate or Spin app directory", ".")
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
    .option("--optimize", "run Binaryen -Os on the wasm")
    .option("--created <time>", "created time for configs and artifact annotations: now | RFC 3339 (default: SOURCE_DATE_EPOCH, else 0)")
    .option("--tag <tag>", "tag in the layout's index.json (default: the crate or app version)")
    .option("-o, --output <dir>", "OCI layout directory (default: DIR/target/wasmpack/oci)")
    .option("--oci-archive <file>", "also write the layout as one tar (for ctr image import, kind load image-archive)")
    .option("--annotation <key=value>", "manifest annotation (repeatable)", collect, [])
    .option("--label <key=value>", "config label (repeatable)", collect, [])
    .option("--no-verify", "skip the static checks that the image will start on its runtime")
    .option("--push <ref>", "push the images to REF once built (like wasmpack push REF)")
    .option("--json", "print the result as one JSON object on stdout")
    .option("-q, --quiet", "print nothing but errors and --json output");
  addRegistryOptions(command).action(async (dir: string, options: BuildCommandOptions) => {
    const out = createConsole({ quiet: options.quiet });
    // Loaded on use, so `wasmpack --help` and other commands never pay for the builder.
    const { build } = await import("@wasmpack/builder");
    const { annotation, label, json, quiet, push, insecureRegistry, username, concurrency, ...flags } = options;
    // A bad --push reference fails before cargo runs.
    const target = push === undefined ? undefined : (await import("@wasmpack/registry/oci")).parseReference(push);
    const result = await build({ dir, env, flags: { ...flags, annotations: annotation, labels: label }, onEvent: (event) => showEvent(out, event) });
    const images = result.images.map(({ tag, digest, format }) => ({ tag, digest, format }));
    const record = { layout: result.layout, project: dir, images };
    printSummary(out, result);

    let pushed: string[] | undefined;
    if (target) {
      const { OciLayout } = await import("@wasmpack/registry/layout");
      const layout = await OciLayout.open(result.layout);
      const results = await pushImages({ layout, images, target, extraTags: [], flags: options, env, quiet });
      pushed = results.map((r) => r.pinned);
      if (!json) pushed.forEach((ref) => out.result(ref));
    }
    // Remembered so a bare `wasmpack push REF` (and `wasmpack k8s`) from this directory finds this image.
    await saveBuildRecord(process.cwd(), env, { ...record, ...(pushed ? { pushed } : {}) }).catch(() =>
      out.info("warning: could not record this build for `wasmpack push`; pass --from to push it"),
    );
    if (json) out.json({ ...result, ...(pushed ? { pushed } : {}) });
  });
}

function showEvent(out: Console, event: BuildEvent): void {
  switch (event.type) {
    case "toolchain":
      return out.info(`using ${event.toolchain.cargo} with ${event.toolchain.rustc} (${event.toolchain.origin}), target ${event.toolchain.target}`);
    case "command":
      return out.info(`component ${event.component}: ${event.command}`);
    case "verified":
      return out.info(`verified the ${event.format} image for ${event.runtime}: ${event.checks} checks passed`);
    case "wasm":
      return out.info(`${event.name}: ${event.step === "optimize" ? "optimizing with Binaryen -Os" : "making a WASI preview 2 component"}`);
    case "output":
      return out.info(event.line);
  }
}

function printSummary(out: Console, result: BuildResult): void {
  for (const image of result.images) {
    out.info(`built ${image.format} image ${image.digest} (${formatBytes(image.size)}, ${image.platform}) tag ${image.tag}`);
  }
  for (const wasm of result.wasm) {
    const shrink = wasm.size === wasm.sizeBefore ? formatBytes(wasm.size) : `${formatBytes(wasm.sizeBefore)} → ${formatBytes(wasm.size)}`;
    out.info(`  ${wasm.imagePath}  ${shrink} ${wasm.kind}`);
    if (wasm.component) out.info(`  ${wasm.name} component  ${formatBytes(wasm.component.size)}`);
  }
  out.info(`  layout ${result.layout}${result.ociArchive ? `, archive ${result.ociArchive}` : ""}`);
}
