import { readFile, readdir, stat } from "node:fs/promises";
import { basename, join, resolve as resolvePath } from "node:path";
import { build, buildWorkspace, findWasmpackRefs, findWorkspaceRoot, listWorkspaceServices, replaceWasmpackRefs, type ServiceOutcome, type WasmpackRef } from "@wasmpack/builder";
import { WasmpackError, isWasmpackError, type ErrorKind } from "@wasmpack/registry/errors";
import { writeFileAtomic } from "@wasmpack/registry/layout";
import type { ResolveCommandOptions } from "../commands/resolve.js";
import { pushServices, type PushedService } from "./push.js";
import { createConsole, type Console } from "./console.js";

/**
 * `wasmpack resolve`: builds every wasmpack://DIR of a YAML file (or of every *.yaml/*.yml in a
 * directory) in one pass, pushes them through one registry client and pins each by digest, like
 * ko resolve. DIRs that are members of one cargo workspace build with one cargo build. Nothing
 * is pushed or written when any of them fails.
 */
export async function resolve(options: ResolveCommandOptions, env: Record<string, string | undefined>): Promise<void> {
  const out = createConsole({ quiet: options.quiet });
  const repo = options.repo ?? env["WASMPACK_REPO"];
  if (!repo) throw new WasmpackError("usage", "REPO_MISSING", "wasmpack resolve needs --repo REGISTRY/PREFIX (or WASMPACK_REPO) to know where to push");
  const files = await yamlFiles(options.filename);
  const documents: { file: string; text: string; refs: WasmpackRef[] }[] = [];
  for (const file of files) {
    const text = await readFile(file, "utf8").catch((cause: unknown) => {
      throw new WasmpackError("input", "FILE_UNREADABLE", `cannot read ${file}`, { cause });
    });
    documents.push({ file, text, refs: findWasmpackRefs(text, file) });
  }
  const paths = [...new Set(documents.flatMap((d) => d.refs.map((r) => r.path)))];

  const built = await buildAll(paths, env, out);
  const failed = built.filter((b) => b.outcome.error !== undefined);
  if (failed.length > 0) {
    for (const { path, outcome } of failed) process.stderr.write(`FAILED wasmpack://${path}  ${firstLine(outcome.error)}\n`);
    const first = failed[0]!.outcome.error;
    const kind: ErrorKind = isWasmpackError(first) ? first.kind : "build";
    throw new WasmpackError(kind, "RESOLVE_BUILD_FAILED", `${failed.length} of ${built.length} wasmpack:// images failed to build (${failed.map((f) => f.path).join(", ")}); pushed nothing, wrote nothing`);
  }
  const names = new Map<string, string>();
  for (const { path, outcome } of built) {
    const other = names.get(outcome.service.name);
    if (other !== undefined) throw new WasmpackError("input", "IMAGE_NAME_DUPLICATE", `wasmpack://${other} and wasmpack://${path} both push to ${repo}/${outcome.service.name}; rename one directory`);
    names.set(outcome.service.name, path);
  }
  const pushed = new Map<string, PushedService>();
  const ok = built.map(({ outcome }) => outcome as ServiceOutcome & { result: NonNullable<ServiceOutcome["result"]> });
  await pushServices(repo, ok, options, env, options.quiet, pushed);
  const resolved = new Map<string, string>();
  for (const { path, outcome } of built) {
    const pinned = pushed.get(outcome.service.name)?.pinned[0];
    if (pinned) resolved.set(path, pinned);
  }
  const output = documents.map((d) => replaceWasmpackRefs(d.text, d.refs, resolved));
  // Several files come out as one stream of documents, as ko resolve -f DIR prints them.
  const joined = output.length === 1 ? output[0]! : output.map((text) => text.replace(/^---\n/, "").replace(/\n*$/, "\n")).join("---\n");
  if (options.output) await writeFileAtomic(options.output, joined);
  else out.result(joined.replace(/\n$/, ""));
}

/** `-f FILE`, or every *.yaml and *.yml directly in `-f DIR`, sorted by name. */
async function yamlFiles(filename: string): Promise<string[]> {
  const info = await stat(filename).catch(() => undefined);
  if (!info?.isDirectory()) return [filename];
  const names = (await readdir(filename)).filter((n) => /\.ya?ml$/.test(n)).sort();
  if (names.length === 0) throw new WasmpackError("input", "NO_YAML", `${filename} holds no .yaml or .yml file`);
  return names.map((n) => join(filename, n));
}

/**
 * Builds every DIR once: those inside one cargo workspace together (`-p` each, one cargo build),
 * the others one by one. Each result is named as resolve names images: after its directory.
 */
async function buildAll(paths: readonly string[], env: Record<string, string | undefined>, out: Console): Promise<{ path: string; outcome: ServiceOutcome }[]> {
  const show = (line: string) => out.info(line);
  const byWorkspace = new Map<string, { path: string; pkg: string }[]>();
  const single: string[] = [];
  const servicesOf = new Map<string, Awaited<ReturnType<typeof listWorkspaceServices>>["services"]>();
  for (const path of paths) {
    const dir = resolvePath(path);
    const root = await findWorkspaceRoot(dir, true);
    if (!root || root === dir) {
      single.push(path);
      continue;
    }
    if (!servicesOf.has(root)) servicesOf.set(root, (await listWorkspaceServices({ root, env })).services);
    const service = servicesOf.get(root)!.find((s) => s.dir === dir);
    if (!service) single.push(path);
    else byWorkspace.set(root, [...(byWorkspace.get(root) ?? []), { path, pkg: service.package }]);
  }
  const results: { path: string; outcome: ServiceOutcome }[] = [];
  for (const [root, members] of byWorkspace) {
    out.info(`building ${members.map((m) => `wasmpack://${m.path}`).join(", ")} (one cargo build in ${root})`);
    const built = await buildWorkspace({ root, env, packages: members.map((m) => m.pkg), onEvent: (e) => e.type === "output" && show(e.line) });
    for (const { path, pkg } of members) {
      const outcome = built.services.find((s) => s.service.package === pkg);
      if (outcome) results.push({ path, outcome: { ...outcome, service: { ...outcome.service, name: imageName(resolvePath(path)) } } as ServiceOutcome });
    }
  }
  for (const path of single) {
    out.info(`building wasmpack://${path}`);
    const dir = resolvePath(path);
    const service = { name: imageName(dir), package: basename(dir), dir, kind: "crate" as const, output: "" };
    try {
      const result = await build({ dir, env, onEvent: (e) => e.type === "output" && show(e.line) });
      results.push({ path, outcome: { service: { ...service, output: result.layout }, result } });
    } catch (error) {
      results.push({ path, outcome: { service, error } });
    }
  }
  // In the order the files name them.
  return paths.map((p) => results.find((r) => r.path === p)!);
}

/** A repository name component from a directory name, as ko derives one from an import path. */
function imageName(dir: string): string {
  return basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "") || "app";
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? text;
}
