import type { Command } from "commander";
import type { BuildFlags } from "@wasmpack/builder";
import { createConsole, formatBytes } from "../console.js";
import { saveBuildRecord } from "../last-build.js";

interface BuildCommandOptions extends BuildFlags {
  annotation: string[];
  label: string[];
  json?: boolean;
  quiet?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerBuild(program: Command, env: Record<string, string | undefined>): void {
  program
    .command("build")
    .description("build a Rust crate or Spin app into a Wasm OCI image layout")
    .argument("[dir]", "crate or Spin app directory", ".")
    .option("--runtime <runtime>", "image for which runtime: wasmedge | spin (default: spin when spin.toml exists, else wasmedge)")
    .option("--variant <variant>", "module.wasm.image/variant for wasmedge images: compat-smart | compat (default: compat-smart)")
    .option("--platform <os/arch>", "platform written in the image config (default: wasi/wasm)")
    .option("--target <triple>", "cargo target (default: wasm32-wasip1, or wasm32-wasi on older toolchains)")
    .option("--bin <name>", "which binary to package when the crate has several")
    .option("--tag <tag>", "tag in the layout's index.json (default: the crate or app version)")
    .option("-o, --output <dir>", "OCI layout directory (default: DIR/target/wasmpack/oci)")
    .option("--oci-archive <file>", "also write the layout as one tar (for ctr image import, kind load image-archive)")
    .option("--annotation <key=value>", "manifest annotation (repeatable)", collect, [])
    .option("--label <key=value>", "config label (repeatable)", collect, [])
    .option("--json", "print the result as one JSON object on stdout")
    .option("-q, --quiet", "print nothing but errors and --json output")
    .action(async (dir: string, options: BuildCommandOptions) => {
      const out = createConsole({ quiet: options.quiet });
      // Loaded on use, so `wasmpack --help` and other commands never pay for the builder.
      const { build } = await import("@wasmpack/builder");
      const result = await build({
        dir,
        env,
        flags: { ...options, annotations: options.annotation, labels: options.label },
        onEvent: (event) => {
          if (event.type === "toolchain") {
            out.info(`using ${event.toolchain.cargo} with ${event.toolchain.rustc} (${event.toolchain.origin}), target ${event.toolchain.target}`);
          } else if (event.type === "command") {
            out.info(`component ${event.component}: ${event.command}`);
          } else {
            out.info(event.line);
          }
        },
      });
      // Remembered so a bare `wasmpack push REF` from this directory pushes this image.
      await saveBuildRecord(process.cwd(), env, { layout: result.layout, tag: result.tag, digest: result.digest, project: dir }).catch(() =>
        out.info("warning: could not record this build for `wasmpack push`; pass --from to push it"),
      );
      out.info(`built ${result.runtime} image ${result.digest} (${formatBytes(result.size)}, ${result.platform})`);
      for (const wasm of result.wasm) out.info(`  ${wasm.imagePath}  ${formatBytes(wasm.size)} ${wasm.kind}`);
      out.info(`  layout ${result.layout} tag ${result.tag}${result.ociArchive ? `, archive ${result.ociArchive}` : ""}`);
      if (options.json) out.json(result);
    });
}
