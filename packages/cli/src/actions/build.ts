import { build as buildImages, type BuildResult } from "@wasmpack/builder";
import { OciLayout } from "@wasmpack/registry/layout";
import { parseReference } from "@wasmpack/registry/oci";
import type { BuildCommandOptions } from "../commands/build.js";
import { showBuildEvent } from "./build-events.js";
import { buildWorkspace, findWorkspace } from "./build-workspace.js";
import { createConsole, formatBytes, type Console } from "./console.js";
import { saveBuildRecord } from "./last-build.js";
import { checkSignFlags } from "./sign-flags.js";
import { VERSION } from "../version.js";

/** `wasmpack build`: builds every format asked for, verifies, writes the layout, pushes with --push. */
export async function build(dir: string, options: BuildCommandOptions, env: Record<string, string | undefined>): Promise<void> {
  // A workspace root (or --workspace inside one) builds every service: actions/build-workspace.ts.
  const root = await findWorkspace(dir, options);
  if (root) return buildWorkspace(root, options, env);
  const out = createConsole({ quiet: options.quiet });
  const { annotation, label, json, quiet, push, insecureRegistry, username, concurrency, workspace: _w, package: _p, exclude: _e, keepGoing: _k, sign, key, ...flags } = options;
  checkSignFlags(options);
  // A bad --push reference fails before cargo runs.
  const target = push === undefined ? undefined : parseReference(push);
  const result = await buildImages({ dir, env, toolVersion: VERSION, flags: { ...flags, annotations: annotation, labels: label }, onEvent: (event) => showBuildEvent(out, event) });
  const images = result.images.map(({ tag, digest, format }) => ({ tag, digest, format }));
  const record = { layout: result.layout, project: dir, images };
  printSummary(out, result);

  let pushed: string[] | undefined;
  let referrers: { artifactType: string | undefined; digest: string }[] | undefined;
  if (target) {
    // Only with --push: a build alone never loads the HTTP client.
    const { pushImages } = await import("./push.js");
    const layout = await OciLayout.open(result.layout);
    const results = await pushImages({ layout, images, target, extraTags: [], flags: options, env, quiet, sign: sign ? key : undefined });
    pushed = results.map((r) => r.pinned);
    referrers = results.flatMap((r) => r.referrers.map(({ artifactType, digest }) => ({ artifactType, digest })));
    if (!json) pushed.forEach((ref) => out.result(ref));
  }
  // Remembered so a bare `wasmpack push REF` (and `wasmpack k8s`) from this directory finds this image.
  await saveBuildRecord(process.cwd(), env, { ...record, ...(pushed ? { pushed } : {}) }).catch(() =>
    out.info("warning: could not record this build for `wasmpack push`; pass --from to push it"),
  );
  if (json) out.json({ ...result, ...(pushed ? { pushed, referrers } : {}) });
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
  for (const doc of result.attached) out.info(`  attached ${doc.artifactType} ${doc.digest} (${formatBytes(doc.size)})`);
  out.info(`  layout ${result.layout}${result.ociArchive ? `, archive ${result.ociArchive}` : ""}`);
}
