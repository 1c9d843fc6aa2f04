import { OciLayout, writeOciArchive } from "@wasmpack/registry/layout";
import type { Descriptor } from "@wasmpack/registry/oci";
import { resolveFormatSettings, type FormatFlags, type FormatSettings } from "../formats/format-settings.js";
import type { Format } from "../formats/formats.js";
import { assembleManifest } from "../image/assemble-manifest.js";
import { readProject, type Project } from "../project/read-project.js";
import { resolveSettings, type BuildFlags, type BuildSettings, type Runtime } from "../project/settings.js";
import type { BuildEvent } from "./build-events.js";
import { checkFileWritable, checkLayoutDir } from "./output-dir.js";
import { planImage, type ProjectWasm } from "./plan-images.js";
import { readSpinFiles } from "./spin-files.js";
import { checkFormatsFit } from "./formats-fit.js";
import { placePrepared, prepareComponent, prepareWasm, writePreparedFiles, type PreparedComponent } from "./prepare-wasm.js";
import { verifyImage } from "../verify/verify-image.js";
import { assertVerified } from "../verify/verify-report.js";
import { imageContentsFromPlan } from "../verify/plan-contents.js";
import { buildCrate, buildSpinComponents, lazyToolchain, type BuiltModule, type ModuleContext } from "./wasm-modules.js";
import { loadBinaryen } from "../wasm/optimize.js";
import { attachToImages, provenanceDocument, readBuildGraph, resolveSupplyChain, sbomDocument, type AttachedDocument, type SupplyChainDocument } from "./supply-chain.js";
import { readSourceInfo } from "../supply-chain/source-info.js";

export interface BuildOptions {
  /** The crate or Spin app directory. */
  dir: string;
  flags?: BuildFlags & FormatFlags;
  /** The environment: `WASMPACK_*`, `SOURCE_DATE_EPOCH`, and what cargo runs with. */
  env: Record<string, string | undefined>;
  onEvent?: (event: BuildEvent) => void;
  signal?: AbortSignal;
  /** A workspace build's cargo output by Cargo.toml, so each member's build runs no cargo of its own. */
  prebuilt?: ModuleContext["prebuilt"];
  /** Where stripped or optimized modules go (default `DIR/target/wasmpack/wasm`). */
  wasmDir?: string;
  /** wasmpack's version, named in the SBOM and provenance. */
  toolVersion?: string;
}

/** One format written into the layout, under its own tag. */
export interface BuiltImage {
  format: Format;
  tag: string;
  digest: string;
  /** Bytes of manifest, config and layers. */
  size: number;
  /** `os/arch` of the config. */
  platform: string;
  manifest: Descriptor;
}

/** A wasm the images carry: before and after `--optimize`/`--strip`, and its component when one was made. */
export interface BuiltWasm {
  name: string;
  /** The file in the images. */
  path: string;
  /** What cargo or the component's build produced. */
  source: string;
  /** Its path in the primary image, or its file name in an artifact. */
  imagePath: string;
  size: number;
  sizeBefore: number;
  kind: string;
  component?: { path: string; size: number };
}

export interface BuildResult {
  /** The primary (first) image's digest, manifest, tag and platform. */
  digest: string;
  manifest: Descriptor;
  layout: string;
  tag: string;
  runtime: Runtime;
  format: Format;
  platform: string;
  /** Bytes of manifest, config and layers of the primary image. */
  size: number;
  images: BuiltImage[];
  wasm: BuiltWasm[];
  ociArchive?: string;
  toolchain?: { cargo: string; rustc: string; target: string; origin: string };
  /** The SBOM and provenance attached to every image, as referrers in the layout. */
  attached: AttachedDocument[];
}

/** `wasmpack build`: read the project, build its wasm, write one manifest per format into the layout and tag each. */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const project = await readProject(options.dir);
  const flags = options.flags ?? {};
  const metadata = project.cargo?.wasmpackMetadata ?? {};
  const metadataFile = project.cargo?.manifestPath;
  const settings = resolveSettings({
    dir: project.dir,
    flags,
    env: options.env,
    metadata,
    metadataFile,
    defaults: { runtime: project.kind === "spin" ? "spin" : "wasmedge", tag: projectVersion(project) ?? "latest" },
  });
  const formats = resolveFormatSettings({
    flags,
    env: options.env,
    metadata,
    ...(metadataFile ? { metadataFile } : {}),
    runtime: settings.runtime,
    tag: settings.tag,
    sourceDateEpoch: settings.sourceDateEpoch,
  });
  checkFormatsFit(project, formats);
  const supplyChain = resolveSupplyChain(flags);
  await checkLayoutDir(settings.output);
  if (settings.ociArchive) await checkFileWritable(settings.ociArchive);
  // --optimize without Binaryen installed should not cost the user a whole cargo build first.
  if (formats.optimize) await loadBinaryen();

  let toolchainUsed: BuildResult["toolchain"];
  let rustcVersion: string | undefined;
  const crates: string[] = [];
  const ctx: ModuleContext = {
    projectDir: project.dir,
    locked: supplyChain.sbom !== undefined,
    onCrate: (manifestPath) => crates.push(manifestPath),
    env: options.env,
    target: settings.target,
    signal: options.signal,
    prebuilt: options.prebuilt,
    onEvent: (event) => {
      if (event.type === "toolchain") {
        const { cargo, rustc, target, origin } = event.toolchain;
        toolchainUsed = { cargo, rustc, target, origin };
        rustcVersion = event.toolchain.rustcVersion;
      }
      options.onEvent?.(event);
    },
  };
  const built = await buildModules(project, settings, ctx);
  // cargo metadata for the SBOM runs while the images are prepared and assembled.
  // A workspace member was built by the workspace's cargo run: its toolchain is looked up (cached) here.
  const toolchain = supplyChain.sbom || supplyChain.provenance ? (toolchainUsed ?? (crates.length > 0 ? await lazyToolchain(ctx)() : undefined)) : undefined;
  const graph = supplyChain.sbom && toolchain ? readBuildGraph(crates, toolchain, options.env, { name: project.kind === "spin" ? project.spin.name : project.cargo.name, version: projectVersion(project) ?? "0.0.0" }) : undefined;
  const source = supplyChain.provenance ? readSourceInfo({ dir: project.dir, env: options.env }) : undefined;
  graph?.catch(() => undefined);
  const { wasm, component, files } = await prepare(project, built, formats, options.onEvent, options.wasmDir);

  // Every plan first: a bad files mount or manifest field fails before the layout exists. The
  // mounted files are read once for both Spin formats, hashed only for a spin-artifact.
  const wants = (format: Format) => formats.images.some((image) => image.format === format);
  const spinFiles = project.kind === "spin" && (wants("spin-layout") || wants("spin-artifact"))
    ? await readSpinFiles(project.spin, project.dir, { digests: wants("spin-artifact") })
    : undefined;
  const input = { project, settings, formats, wasm, component, spinFiles };
  const planned = formats.images.map(({ format, tag }) => ({ format, tag, ...planImage(format, input) }));
  await writePreparedFiles(files);
  // Static checks that each rootfs image will start on its runtime, before the layout exists.
  if (flags.verify !== false) {
    for (const { format, rootfs } of planned) {
      if (!rootfs) continue;
      const runtime = format === "compat" ? "wasmedge" : "spin";
      const report = await verifyImage(imageContentsFromPlan(rootfs), { runtime });
      options.onEvent?.({ type: "verified", format, runtime, checks: report.checks.length });
      assertVerified(report, `the ${format} image of ${project.dir} (skip with --no-verify)`);
    }
  }
  const layout = await OciLayout.create(settings.output);
  const images: BuiltImage[] = [];
  for (const { format, tag, plan, platform } of planned) {
    const image = await assembleManifest(plan, layout);
    await layout.tag(tag, image.manifest);
    images.push({ format, tag, digest: image.manifest.digest, size: image.size, platform, manifest: image.manifest });
  }
  const created = new Date(settings.sourceDateEpoch * 1000);
  const meta = { created, wasmpackVersion: options.toolVersion ?? "0.0.0", wasm: wasm.map((w) => ({ name: `${w.name}.wasm`, digest: w.digest })) };
  const documents: SupplyChainDocument[] = [];
  if (supplyChain.sbom && graph) documents.push(sbomDocument(supplyChain.sbom, await graph, meta));
  if (source) {
    documents.push(provenanceDocument({
      images, wasm: meta.wasm, source: await source, graph: await graph, project: project.dir,
      target: toolchain?.target ?? settings.target ?? "wasm32-wasi", flags,
      versions: { wasmpack: meta.wasmpackVersion, rustc: rustcVersion ?? "unknown" },
    }));
  }
  const attached = await attachToImages(layout, images.map((image) => image.manifest), documents, created);
  if (settings.ociArchive) await writeOciArchive(layout, settings.ociArchive);
  const primary = images[0]!;
  return {
    digest: primary.digest,
    manifest: primary.manifest,
    layout: settings.output,
    tag: primary.tag,
    runtime: settings.runtime,
    format: primary.format,
    platform: primary.platform,
    size: primary.size,
    images,
    wasm: wasm.map((w) => report(w, primary.format, w === wasm[0] ? component : undefined)),
    ...(settings.ociArchive ? { ociArchive: settings.ociArchive } : {}),
    ...(toolchainUsed ? { toolchain: toolchainUsed } : {}),
    attached,
  };
}

type NamedModule = { name: string; module: BuiltModule; sourcePath?: string };

/** Runs cargo (or the Spin build commands): the crate's one wasm, or each local component's. */
async function buildModules(project: Project, settings: BuildSettings, ctx: ModuleContext): Promise<NamedModule[]> {
  const toolchain = lazyToolchain(ctx);
  if (project.kind === "crate") {
    const { artifact, module } = await buildCrate(project.cargo.manifestPath, ctx, toolchain, { bin: settings.bin });
    return [{ name: artifact.targetName, module }];
  }
  const modules = await buildSpinComponents(project.spin, project.dir, ctx, toolchain);
  return project.spin.components.flatMap((c) => {
    const module = modules.get(c.id);
    return c.source.kind === "path" && module ? [{ name: c.id, module, sourcePath: c.source.path }] : [];
  });
}

/** Optimizes, strips and (for wasm-artifact) componentizes in memory; `files` are what is still to be written. */
async function prepare(
  project: Project,
  built: NamedModule[],
  formats: FormatSettings,
  onEvent: ((event: BuildEvent) => void) | undefined,
  wasmDir: string | undefined,
): Promise<{ wasm: ProjectWasm[]; component: PreparedComponent | undefined; files: { path: string; bytes: Uint8Array }[] }> {
  const options = { strip: formats.strip, optimize: formats.optimize, ...(onEvent ? { onEvent } : {}) };
  const wasm: ProjectWasm[] = [];
  const files: { path: string; bytes: Uint8Array }[] = [];
  let component: PreparedComponent | undefined;
  for (const [i, { name, module, sourcePath }] of built.entries()) {
    const prepared = await prepareWasm(name, module, options);
    // compat and wasm-artifact carry one module: the first (and only) one.
    const wantsComponent = i === 0 && formats.images.some((image) => image.format === "wasm-artifact");
    const made = wantsComponent ? await prepareComponent(prepared, formats.component, options) : undefined;
    const placed = placePrepared(project.dir, prepared, made, wasmDir);
    wasm.push({ ...placed.wasm, ...(sourcePath ? { sourcePath } : {}) });
    files.push(...placed.files);
    if (i === 0) component = placed.component;
  }
  return { wasm, component, files };
}

function report(w: ProjectWasm, primary: Format, component: PreparedComponent | undefined): BuiltWasm {
  const imagePath = primary === "wasm-artifact" ? `${w.name}.wasm` : primary === "compat" || !w.sourcePath ? `/${w.name}.wasm` : `/${w.sourcePath}`;
  return {
    name: w.name,
    path: w.fromFile,
    source: w.source,
    imagePath,
    size: w.size,
    sizeBefore: w.sizeBefore,
    kind: w.kind,
    ...(component && component.digest !== w.digest ? { component: { path: component.fromFile, size: component.size } } : {}),
  };
}

function projectVersion(project: Project): string | undefined {
  return project.kind === "spin" ? (project.spin.version ?? project.cargo?.version) : project.cargo.version;
}
