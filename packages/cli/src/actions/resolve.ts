import { readFile } from "node:fs/promises";
import { basename, resolve as resolvePath } from "node:path";
import { build, findWasmpackRefs, replaceWasmpackRefs } from "@wasmpack/builder";
import { WasmpackError } from "@wasmpack/registry/errors";
import { OciLayout, writeFileAtomic } from "@wasmpack/registry/layout";
import { parseReference } from "@wasmpack/registry/oci";
import type { ResolveCommandOptions } from "../commands/resolve.js";
import { createConsole } from "./console.js";
import { pushImages } from "./push.js";

/** `wasmpack resolve`: builds and pushes every wasmpack://DIR of a YAML file and pins it by digest, like ko resolve. */
export async function resolve(options: ResolveCommandOptions, env: Record<string, string | undefined>): Promise<void> {
  const out = createConsole({ quiet: options.quiet });
  const repo = options.repo ?? env["WASMPACK_REPO"];
  if (!repo) throw new WasmpackError("usage", "REPO_MISSING", "wasmpack resolve needs --repo REGISTRY/PREFIX (or WASMPACK_REPO) to know where to push");
  const text = await readFile(options.filename, "utf8").catch((cause: unknown) => {
    throw new WasmpackError("input", "FILE_UNREADABLE", `cannot read ${options.filename}`, { cause });
  });
  const refs = findWasmpackRefs(text, options.filename);

  const resolved = new Map<string, string>();
  for (const path of new Set(refs.map((r) => r.path))) {
    out.info(`building wasmpack://${path}`);
    const result = await build({ dir: resolvePath(path), env, onEvent: (e) => e.type === "output" && out.info(e.line) });
    const name = imageName(resolvePath(path));
    const target = parseReference(`${repo}/${name}:${result.tag}`);
    const layout = await OciLayout.open(result.layout);
    const images = result.images.map(({ tag, digest, format }) => ({ tag, digest, format }));
    const [primary] = await pushImages({ layout, images, target, extraTags: [], flags: options, env, quiet: options.quiet });
    if (primary) resolved.set(path, primary.pinned);
  }
  const output = replaceWasmpackRefs(text, refs, resolved);
  if (options.output) await writeFileAtomic(options.output, output);
  else out.result(output.replace(/\n$/, ""));
}

/** A repository name component from a directory name, as ko derives one from an import path. */
function imageName(dir: string): string {
  return basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "") || "app";
}
