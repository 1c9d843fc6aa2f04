import { classifyImage } from "@wasmpack/builder";
import { layoutSource, readImage, type ImageView } from "@wasmpack/registry";
import { OciLayout } from "@wasmpack/registry/layout";
import { parseReference, type Descriptor } from "@wasmpack/registry/oci";
import { layoutReferrers } from "@wasmpack/registry/referrers";
import type { InspectCommandOptions } from "../commands/inspect.js";
import { createConsole, formatBytes, type Console } from "./console.js";
import { isLocalImage, locateLayoutImage } from "./locate-image.js";
import { readRemoteImage } from "./registry-client.js";

/** What each kind needs to run, in a few words (formats.md, closing part). */
const KIND_NOTES: Record<string, string> = {
  "compat-smart": "crun + WasmEdge: pod annotation module.wasm.image/variant=compat-smart (entrypoint must end in .wasm)",
  compat: "crun + WasmEdge: pod annotation module.wasm.image/variant=compat",
  "spin-layout": "containerd-shim-spin: RuntimeClass spin, command [\"/\"]",
  "spin-artifact": "Spin OCI artifact: containerd-shim-spin (containerd ≥ 1.7.7) or spin up -f REF",
  "wasm-artifact": "CNCF Wasm OCI artifact: runwasi (wasmtime) or wkg",
  "not-wasm": "no Wasm packaging wasmpack recognises",
};

/** `wasmpack inspect`: manifest, config, platform, annotations, layers and Wasm flavour of an image. */
export async function inspect(image: string, options: InspectCommandOptions, env: Record<string, string | undefined>): Promise<void> {
  const out = createConsole();
  const local = isLocalImage(image) ? await locateLayoutImage(image, env) : undefined;
  let view: ImageView;
  let referrers: Descriptor[];
  if (local) {
    const layout = await OciLayout.open(local.layout);
    view = await readImage(layoutSource(layout), local.tag);
    referrers = await layoutReferrers(layout, view.descriptor.digest);
  } else {
    ({ view, referrers } = await readRemoteImage(parseReference(image), options, env, { referrers: true }));
  }
  const kind = view.manifest.kind === "manifest" ? classifyImage(view.manifest.manifest, view.config) : "index";
  if (options.json) out.json({ image, store: view.store, digest: view.descriptor.digest, mediaType: view.descriptor.mediaType, size: view.descriptor.size, kind, manifest: view.manifest.kind === "manifest" ? view.manifest.manifest : view.manifest.index, config: view.config ?? null, referrers });
  else render(out, image, view, kind, referrers);
}

function render(out: Console, image: string, view: ImageView, kind: string, referrers: readonly Descriptor[]): void {
  const lines = [image, `  digest      ${view.descriptor.digest}`, `  media type  ${view.descriptor.mediaType}`];
  if (view.manifest.kind === "index") {
    lines.push(`  kind        index of ${view.manifest.index.manifests.length}`);
    for (const m of view.manifest.index.manifests) {
      const platform = m.platform ? `${m.platform.os}/${m.platform.architecture}` : "-";
      lines.push(`    ${m.digest}  ${platform}  ${m.mediaType}`);
    }
    for (const referrer of referrers) lines.push(`  referrer    ${referrer.digest}  ${referrer.artifactType ?? referrer.mediaType}`);
    return out.result(lines.join("\n"));
  }
  const { manifest } = view.manifest;
  const config = (view.config ?? {}) as { os?: string; architecture?: string; config?: { Entrypoint?: string[]; Cmd?: string[]; Labels?: Record<string, string> } };
  lines.push(`  kind        ${kind}: ${KIND_NOTES[kind] ?? ""}`);
  lines.push(`  config      ${manifest.config.mediaType} (${formatBytes(manifest.config.size)})`);
  if (config.os) lines.push(`  platform    ${config.os}/${config.architecture ?? "?"}`);
  if (config.config?.Entrypoint) lines.push(`  entrypoint  ${JSON.stringify(config.config.Entrypoint)}`);
  if (config.config?.Cmd) lines.push(`  cmd         ${JSON.stringify(config.config.Cmd)}`);
  for (const [key, value] of Object.entries(config.config?.Labels ?? {})) lines.push(`  label       ${key}=${value}`);
  for (const [key, value] of Object.entries(manifest.annotations ?? {})) lines.push(`  annotation  ${key}=${value}`);
  let total = view.descriptor.size + manifest.config.size;
  for (const layer of manifest.layers) {
    total += layer.size;
    const title = layer.annotations?.["org.opencontainers.image.title"];
    lines.push(`  layer       ${layer.digest}  ${formatBytes(layer.size).padStart(10)}  ${layer.mediaType}${title ? `  ${title}` : ""}`);
  }
  lines.push(`  total       ${formatBytes(total)}`);
  for (const referrer of referrers) lines.push(`  referrer    ${referrer.digest}  ${formatBytes(referrer.size).padStart(10)}  ${referrer.artifactType ?? referrer.mediaType}`);
  out.result(lines.join("\n"));
}
