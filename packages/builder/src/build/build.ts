import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { WasmpackError } from "@wasmpack/registry/errors";
import { OciLayout, writeOciArchive } from "@wasmpack/registry/layout";
import { formatPlatform, type Descriptor } from "@wasmpack/registry/oci";
import { assembleImage } from "../image/assemble-image.js";
import { planCompatImage } from "../image/compat-image.js";
import { DATA_MODE, standardAnnotations, type ImageFile, type ImagePlan } from "../image/image-plan.js";
import { planSpinLayoutImage } from "../image/spin-layout-image.js";
import { isFile, readProject, type Project } from "../project/read-project.js";
import { resolveSettings, type BuildFlags, type BuildSettings, type Runtime } from "../project/settings.js";
import type { BuildEvent } from "./build-events.js";
import { checkFileWritable, checkLayoutDir } from "./output-dir.js";
import { buildCrate, buildSpinComponents, lazyToolchain, type BuiltModule, type ModuleContext } from "./wasm-modules.js";

export interface BuildOptions {
  /** The crate or Spin app directory. */
  dir: string;
  flags?: BuildFlags;
  /** The environment: `WASMPACK_*`, `SOURCE_DATE_EPOCH`, and what cargo runs with. */
  env: Record<string, string | undefined>;
  onEvent?: (event: BuildEvent) => void;
  signal?: AbortSignal;
}

export interface BuildResult {
  digest: string;
  manifest: Descriptor;
  layout: string;
  tag: string;
  runtime: Runtime;
  platform: string;
  /** Bytes of manifest, config and compressed layers. */
  size: number;
  wasm: { path: string; imagePath: string; size: number; kind: string }[];
  ociArchive?: string;
  toolchain?: { cargo: string; rustc: string; target: string; origin: string };
}

/** `wasmpack build`: read the project, build its wasm, assemble the image and write the layout. */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const project = await readProject(options.dir);
  const settings = resolveSettings({
    dir: project.dir,
    flags: options.flags ?? {},
    env: options.env,
    metadata: project.cargo?.wasmpackMetadata ?? {},
    metadataFile: project.cargo?.manifestPath,
    defaults: { runtime: project.kind === "spin" ? "spin" : "wasmedge", tag: projectVersion(project) ?? "latest" },
  });
  await checkLayoutDir(settings.output);
  if (settings.ociArchive) await checkFileWritable(settings.ociArchive);

  let toolchainUsed: BuildResult["toolchain"];
  const ctx: ModuleContext = {
    projectDir: project.dir,
    env: options.env,
    target: settings.target,
    signal: options.signal,
    onEvent: (event) => {
      if (event.type === "toolchain") {
        const { cargo, rustc, target, origin } = event.toolchain;
        toolchainUsed = { cargo, rustc, target, origin };
      }
      options.onEvent?.(event);
    },
  };
  const { plan, wasm } = await buildAndPlan(project, settings, ctx);

  const layout = await OciLayout.create(settings.output);
  const image = await assembleImage(plan, layout);
  await layout.tag(settings.tag, image.manifest);
  if (settings.ociArchive) await writeOciArchive(layout, settings.ociArchive);
  return {
    digest: image.manifest.digest,
    manifest: image.manifest,
    layout: settings.output,
    tag: settings.tag,
    runtime: settings.runtime,
    platform: formatPlatform(settings.platform),
    size: image.size,
    wasm,
    ...(settings.ociArchive ? { ociArchive: settings.ociArchive } : {}),
    ...(toolchainUsed ? { toolchain: toolchainUsed } : {}),
  };
}

async function buildAndPlan(project: Project, settings: BuildSettings, ctx: ModuleContext): Promise<{ plan: ImagePlan; wasm: BuildResult["wasm"] }> {
  const toolchain = lazyToolchain(ctx);
  if (project.kind === "crate") {
    if (settings.runtime === "spin") {
      throw new WasmpackError("usage", "RUNTIME_MISMATCH", `--runtime spin needs a spin.toml in ${project.dir}`);
    }
    const { artifact, module } = await buildCrate(project.cargo.manifestPath, ctx, toolchain, { bin: settings.bin });
    return compat(project, settings, artifact.targetName, module);
  }

  const modules = await buildSpinComponents(project.spin, project.dir, ctx, toolchain);
  if (settings.runtime === "wasmedge") {
    const [only, ...more] = [...modules.entries()];
    if (!only || more.length > 0) {
      throw new WasmpackError("usage", "RUNTIME_MISMATCH", `--runtime wasmedge packages one module, but ${project.spin.manifestPath} has ${modules.size} local components`);
    }
    return compat(project, settings, only[0], only[1]);
  }

  const components = project.spin.components.flatMap((c) => {
    const module = modules.get(c.id);
    return c.source.kind === "path" && module ? [{ sourcePath: c.source.path, ...module }] : [];
  });
  const extraFiles = await spinExtraFiles(project.dir, project.spin.components.flatMap((c) => c.files.map((f) => ({ dir: f.source, component: c.id }))));
  const plan = planSpinLayoutImage({
    manifestText: project.spin.manifestText,
    components,
    extraFiles,
    settings,
    annotations: standardAnnotations({
      title: project.spin.name,
      version: project.spin.version,
      description: project.spin.description,
      authors: project.spin.authors,
      source: project.cargo?.repository,
      licenses: project.cargo?.license,
    }),
  });
  return { plan, wasm: components.map((c) => ({ path: c.fromFile, imagePath: `/${c.sourcePath}`, size: c.size, kind: c.kind })) };
}

function compat(project: Project, settings: BuildSettings, name: string, module: BuiltModule): { plan: ImagePlan; wasm: BuildResult["wasm"] } {
  const meta = project.kind === "spin" ? project.spin : undefined;
  const cargo = project.cargo;
  const plan = planCompatImage({
    wasm: { name, fromFile: module.fromFile, size: module.size },
    settings,
    annotations: standardAnnotations({
      title: meta?.name ?? cargo?.name ?? name,
      version: meta?.version ?? cargo?.version,
      description: meta?.description ?? cargo?.description,
      authors: meta?.authors ?? cargo?.authors,
      source: cargo?.repository,
      url: cargo?.homepage,
      licenses: cargo?.license,
    }),
  });
  return { plan, wasm: [{ path: module.fromFile, imagePath: `/${name}.wasm`, size: module.size, kind: module.kind }] };
}

function projectVersion(project: Project): string | undefined {
  return project.kind === "spin" ? (project.spin.version ?? project.cargo?.version) : project.cargo.version;
}

/** The files of every mounted directory (they must be directories) plus /runtime-config.toml. */
async function spinExtraFiles(appDir: string, mounts: { dir: string; component: string }[]): Promise<ImageFile[]> {
  const files: ImageFile[] = [];
  for (const mount of mounts) {
    const root = join(appDir, mount.dir);
    const info = await stat(root).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new WasmpackError("input", "FILES_NOT_DIRECTORY", `spin.toml component ${mount.component} files entry ${JSON.stringify(mount.dir)} is ${info ? "a single file" : "missing"}; containerd-shim-spin mounts only directories`);
    }
    files.push({ path: mount.dir, directory: true });
    for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
      const full = join(entry.parentPath, entry.name);
      const path = relative(appDir, full).split("\\").join("/");
      if (entry.isDirectory()) files.push({ path, directory: true });
      else if (entry.isFile()) files.push({ path, mode: DATA_MODE, fromFile: full, size: (await stat(full)).size });
    }
  }
  const runtimeConfig = join(appDir, "runtime-config.toml");
  if (await isFile(runtimeConfig)) {
    files.push({ path: "runtime-config.toml", mode: DATA_MODE, fromFile: runtimeConfig, size: (await stat(runtimeConfig)).size });
  }
  return dedupe(files);
}

function dedupe(files: ImageFile[]): ImageFile[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  return [...byPath.values()];
}
