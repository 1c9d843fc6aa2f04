import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { Command } from "commander";
import { createConsole } from "../console.js";
import { addRegistryOptions, type RegistryFlags } from "../registry-options.js";
import { pushImages } from "./push.js";

interface ResolveCommandOptions extends RegistryFlags {
  filename: string;
  output?: string;
  repo?: string;
  quiet?: boolean;
}

export function registerResolve(program: Command, env: Record<string, string | undefined>): void {
  addRegistryOptions(
    program
      .command("resolve")
      .description("build and push every wasmpack://DIR image in a YAML file and print it with digest references (like ko resolve)")
      .requiredOption("-f, --filename <file>", "Kubernetes YAML with images written wasmpack://DIR (DIR relative to the working directory)")
      .option("--repo <registry/prefix>", "where images go, as REPO/<dir name>:<version> (default: WASMPACK_REPO)")
      .option("-o, --output <file>", "write the resolved YAML here instead of stdout"),
  )
    .option("-q, --quiet", "print nothing but the YAML and errors")
    .action(async (_: unknown, command: Command) => {
      const options = command.opts<ResolveCommandOptions>();
      const out = createConsole({ quiet: options.quiet });
      const { WasmpackError } = await import("@wasmpack/registry/errors");
      const { parseReference } = await import("@wasmpack/registry/oci");
      const { OciLayout, writeFileAtomic } = await import("@wasmpack/registry/layout");
      const { build, findWasmpackRefs, replaceWasmpackRefs } = await import("@wasmpack/builder");
      const repo = options.repo ?? env["WASMPACK_REPO"];
      if (!repo) throw new WasmpackError("usage", "REPO_MISSING", "wasmpack resolve needs --repo REGISTRY/PREFIX (or WASMPACK_REPO) to know where to push");
      const text = await readFile(options.filename, "utf8").catch((cause: unknown) => {
        throw new WasmpackError("input", "FILE_UNREADABLE", `cannot read ${options.filename}`, { cause });
      });
      const refs = findWasmpackRefs(text, options.filename);

      const resolved = new Map<string, string>();
      for (const path of new Set(refs.map((r) => r.path))) {
        out.info(`building wasmpack://${path}`);
        const result = await build({ dir: resolve(path), env, onEvent: (e) => e.type === "output" && out.info(e.line) });
        const name = imageName(resolve(path));
        const target = parseReference(`${repo}/${name}:${result.tag}`);
        const layout = await OciLayout.open(result.layout);
        const images = result.images.map(({ tag, digest, format }) => ({ tag, digest, format }));
        const [primary] = await pushImages({ layout, images, target, extraTags: [], flags: options, env, quiet: options.quiet });
        if (primary) resolved.set(path, primary.pinned);
      }
      const output = replaceWasmpackRefs(text, refs, resolved);
      if (options.output) await writeFileAtomic(options.output, output);
      else out.result(output.replace(/\n$/, ""));
    });
}

/** A repository name component from a directory name, as ko derives one from an import path. */
function imageName(dir: string): string {
  return basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "") || "app";
}
