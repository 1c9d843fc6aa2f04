import { buildProjects, buildWorkspace as buildServices, findWorkspaceRoot, type BuildEvent, type ServiceOutcome, type WorkspaceBuildResult } from "@wasmpack/builder";
import { WasmpackError, isWasmpackError, type ErrorKind } from "@wasmpack/registry/errors";
import { parseReference } from "@wasmpack/registry/oci";
import type { BuildCommandOptions } from "../commands/build.js";
import { showBuildEvent } from "./build-events.js";
import { VERSION } from "../version.js";
import { createConsole, formatBytes, type Console } from "./console.js";
import type { PushedService } from "./push.js";

/**
 * The workspace `wasmpack build DIR` is about: DIR when it is a workspace root (a Cargo.toml with
 * `[workspace]` and no `[package]`, or with `members`), or with --workspace the one DIR is in.
 * undefined for a single crate or Spin app, which build as before.
 */
export async function findWorkspace(dir: string, options: BuildCommandOptions): Promise<string | undefined> {
  const root = await findWorkspaceRoot(dir, options.workspace === true);
  if (root) return root;
  if (options.workspace) throw new WasmpackError("usage", "NOT_IN_WORKSPACE", `--workspace: ${dir} is in no cargo workspace (no Cargo.toml with [workspace] here or above)`);
  const workspaceOnly = [...(options.package.length ? ["-p"] : []), ...(options.exclude.length ? ["--exclude"] : []), ...(options.keepGoing ? ["--keep-going"] : [])];
  if (workspaceOnly.length) throw new WasmpackError("usage", "WORKSPACE_FLAG", `${workspaceOnly.join(", ")}: only on a workspace, and ${dir} is a single crate or Spin app (--workspace builds the workspace it is in)`);
  return undefined;
}

/**
 * `wasmpack build` on a workspace: every service into its own layout, one summary line each,
 * then with --push PREFIX (or WASMPACK_REPO) each service to PREFIX/NAME:TAG through one
 * registry client. A run where a service failed pushes nothing unless --keep-going.
 */
export async function buildWorkspace(root: string, options: BuildCommandOptions, env: Record<string, string | undefined>): Promise<void> {
  const out = createConsole({ quiet: options.quiet });
  const { annotation, label, json, quiet, push, insecureRegistry, username, concurrency, workspace, package: packages, exclude, keepGoing, sign, key: _key, ...flags } = options;
  if (sign) throw new WasmpackError("usage", "SIGN_WORKSPACE", "--sign signs one image's push; for several services push them, then run wasmpack sign REF --key KEY on each");
  const prefix = push ?? (env["WASMPACK_REPO"] || undefined);
  // A bad prefix fails before cargo runs.
  if (prefix !== undefined) await checkPrefix(prefix);
  const built = await buildServices({
    root,
    env,
    flags: { ...flags, annotations: annotation, labels: label },
    packages,
    exclude,
    toolVersion: VERSION,
    onEvent: (event, service) => showBuildEvent(out, event, service),
    onNote: (line) => out.info(`note: ${line}`),
  });
  await finish(built, prefix, options, env);
}

/** `wasmpack build DIR DIR…`: several crates or Spin apps without a workspace, reported and pushed as a workspace's services are. */
export async function buildDirs(dirs: readonly string[], options: BuildCommandOptions, env: Record<string, string | undefined>): Promise<void> {
  const out = createConsole({ quiet: options.quiet });
  const { annotation, label, json, quiet, push, insecureRegistry, username, concurrency, workspace, package: packages, exclude, keepGoing, sign, key: _key, ...flags } = options;
  if (sign) throw new WasmpackError("usage", "SIGN_WORKSPACE", "--sign signs one image's push; for several services push them, then run wasmpack sign REF --key KEY on each");
  if (workspace || packages.length || exclude.length) {
    throw new WasmpackError("usage", "WORKSPACE_FLAG", "--workspace, -p and --exclude select members of one workspace; with several DIRs, name the DIRs you want");
  }
  const prefix = push ?? (env["WASMPACK_REPO"] || undefined);
  if (prefix !== undefined) await checkPrefix(prefix);
  const built = await buildProjects({ dirs, env, toolVersion: VERSION, flags: { ...flags, annotations: annotation, labels: label }, onEvent: (event, service) => showBuildEvent(out, event, service) });
  await finish(built, prefix, options, env);
}

async function finish(built: WorkspaceBuildResult, prefix: string | undefined, options: BuildCommandOptions, env: Record<string, string | undefined>): Promise<void> {
  const out = createConsole({ quiet: options.quiet });
  const { json, quiet, keepGoing } = options;
  const failed = built.services.filter((s) => s.error !== undefined);
  const ok = built.services.filter((s): s is ServiceOutcome & { result: NonNullable<ServiceOutcome["result"]> } => s.result !== undefined);
  printSummary(out, built.services);

  const pushed = new Map<string, PushedService>();
  let pushNote: string | undefined;
  if (prefix !== undefined) {
    if (failed.length > 0 && !keepGoing) {
      pushNote = `pushed nothing: ${failed.length} of ${built.services.length} services failed (--keep-going pushes the ones that built)`;
    } else if (ok.length > 0) {
      // Only with --push: a build alone never loads the HTTP client.
      const { pushServices } = await import("./push.js");
      await pushServices(prefix, ok, options, env, quiet, pushed);
      if (!json) for (const p of pushed.values()) p.pinned.forEach((ref) => out.result(ref));
    }
  }

  if (json) {
    out.json({
      ...(built.root ? { workspace: built.root } : {}),
      ...(built.toolchain ? { toolchain: built.toolchain } : {}),
      services: built.services.map(({ service, result, error }) => ({
        name: service.name,
        package: service.package,
        dir: service.dir,
        kind: service.kind,
        ...(result
          ? { ok: true, digest: result.digest, tag: result.tag, format: result.format, platform: result.platform, size: result.size, layout: result.layout, runtime: result.runtime, images: result.images.map(({ format, tag, digest, size, platform }) => ({ format, tag, digest, size, platform })), wasm: result.wasm }
          : { ok: false, error: reason(error) }),
        ...(pushed.has(service.name) ? { ref: pushed.get(service.name)!.refs[0], pushed: pushed.get(service.name)!.pinned } : {}),
      })),
      skipped: built.skipped,
    });
  }
  if (failed.length > 0) {
    if (pushNote) out.info(pushNote);
    const names = failed.map((s) => s.service.name).join(", ");
    const kind: ErrorKind = isWasmpackError(failed[0]!.error) ? failed[0]!.error.kind : "build";
    const pushedText = prefix === undefined ? "" : pushed.size > 0 ? `; pushed the ${pushed.size} that built (--keep-going)` : "; pushed nothing";
    throw new WasmpackError(kind, "WORKSPACE_SERVICES_FAILED", `${failed.length} of ${built.services.length} services failed (${names})${pushedText}`);
  }
}

/** PREFIX is a registry and repository path; each service's name and tag are added to it. */
async function checkPrefix(prefix: string): Promise<void> {
  const fail = (why: string): never => {
    throw new WasmpackError("usage", "PREFIX_INVALID", `--push ${prefix}: on a workspace this is a repository prefix, and each service goes to PREFIX/NAME:VERSION; ${why}`);
  };
  if (prefix.includes("@")) fail("drop the digest");
  const last = prefix.slice(prefix.lastIndexOf("/") + 1);
  if (prefix.includes("/") && last.includes(":")) fail(`drop the tag ${JSON.stringify(last.slice(last.indexOf(":") + 1))}`);
  if (prefix.endsWith("/")) fail("drop the trailing /");
  parseReference(`${prefix}/service`);
}

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? text;
}

/** One line per service: what it built, or why it failed. */
function printSummary(out: Console, services: ServiceOutcome[]): void {
  const width = Math.max(...services.map((s) => s.service.name.length));
  for (const { service, result, error } of services) {
    const name = service.name.padEnd(width);
    if (result) {
      const formats = result.images.map((i) => `${i.format}:${i.tag}`).join(" ");
      out.info(`built  ${name}  ${result.digest}  ${formatBytes(result.size)}  ${formats}  → ${result.layout}`);
    } else {
      // Failures show even with --quiet: they are errors.
      process.stderr.write(`FAILED ${name}  ${reason(error)}\n`);
    }
  }
}
