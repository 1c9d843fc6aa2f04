import { Annotation, formatPlatform } from "@wasmpack/registry/oci";
import type { FormatSettings } from "../formats/format-settings.js";
import type { Format } from "../formats/formats.js";
import { INLINE_MAX_SIZE, planSpinArtifact } from "../formats/spin-artifact/spin-artifact.js";
import { planWasmArtifact } from "../formats/wasm-artifact.js";
import { planCompatImage } from "../image/compat-image.js";
import { rootfsManifestPlan, standardAnnotations, type ImagePlan } from "../image/image-plan.js";
import type { ManifestPlan } from "../image/manifest-plan.js";
import { planSpinLayoutImage } from "../image/spin-layout-image.js";
import type { Project } from "../project/read-project.js";
import type { BuildSettings } from "../project/settings.js";
import type { PreparedComponent, PreparedWasm } from "./prepare-wasm.js";
import { spinArtifactMounts, spinLayoutFiles, type SpinFiles } from "./spin-files.js";

/** A prepared wasm with where spin.toml names it (Spin apps only). */
export type ProjectWasm = PreparedWasm & { sourcePath?: string };

export interface PlanInput {
  project: Project;
  settings: BuildSettings;
  formats: FormatSettings;
  /** The crate's one wasm, or every local Spin component's, in spin.toml order. */
  wasm: ProjectWasm[];
  /** For wasm-artifact, when the wasm is (or was made) a component. */
  component?: PreparedComponent | undefined;
  /** For spin-layout and spin-artifact: the app's mounted files (digested for spin-artifact), read once by `readSpinFiles`. */
  spinFiles?: SpinFiles | undefined;
}

/** The manifest plan of one format, the platform its config states, and the rootfs of a rootfs image (for verify). No I/O. */
export function planImage(format: Format, input: PlanInput): { plan: ManifestPlan; platform: string; rootfs?: ImagePlan } {
  const { settings, formats, project } = input;
  const meta = projectMeta(project);
  switch (format) {
    case "compat": {
      const wasm = input.wasm[0]!;
      const annotations = standardAnnotations(compatMeta(project, wasm.name));
      const plan = planCompatImage({ wasm: { name: wasm.name, fromFile: wasm.fromFile, size: wasm.size }, settings, annotations });
      return { plan: rootfsManifestPlan(plan, formats.created), platform: formatPlatform(settings.platform), rootfs: plan };
    }
    case "spin-layout": {
      if (project.kind !== "spin") throw new Error("spin-layout needs a Spin project"); // checked before the build
      const plan = planSpinLayoutImage({
        manifestText: project.spin.manifestText,
        components: input.wasm.map((w) => ({ sourcePath: w.sourcePath!, fromFile: w.fromFile, size: w.size })),
        extraFiles: spinLayoutFiles(spinFilesOf(input)),
        settings,
        annotations: standardAnnotations(meta),
      });
      return { plan: rootfsManifestPlan(plan, formats.created), platform: formatPlatform(settings.platform), rootfs: plan };
    }
    case "spin-artifact": {
      if (project.kind !== "spin") throw new Error("spin-artifact needs a Spin project");
      const plan = planSpinArtifact({
        manifest: project.spin.manifestTable,
        manifestPath: project.spin.manifestPath,
        components: input.wasm.map((w) => ({
          id: w.name,
          wasm: { fromFile: w.fromFile, size: w.size, digest: w.digest, ...(w.size <= INLINE_MAX_SIZE ? { bytes: w.bytes } : {}) },
        })),
        mounts: spinArtifactMounts(spinFilesOf(input)),
        labels: settings.labels,
        // `spin registry push` infers these four (and a wall-clock `created`, here only when asked).
        annotations: {
          ...standardAnnotations({ title: meta.title, version: meta.version, description: meta.description, authors: meta.authors }),
          ...created(formats),
          ...settings.annotations,
        },
        sourceDateEpoch: settings.sourceDateEpoch,
      });
      return { plan, platform: "wasip1/wasm" };
    }
    case "wasm-artifact": {
      const wasm = input.wasm[0]!;
      const packaged = input.component ?? wasm;
      const plan = planWasmArtifact({
        name: wasm.name,
        wasm: { fromFile: packaged.fromFile, size: packaged.size, digest: packaged.digest },
        ...(input.component ? { world: input.component.world } : {}),
        created: formats.created,
        ...(meta.authors?.length ? { author: meta.authors.join(", ") } : {}),
        annotations: { ...standardAnnotations(meta), ...created(formats), ...settings.annotations },
      });
      return { plan, platform: input.component ? "wasip2/wasm" : "wasip1/wasm" };
    }
  }
}

function spinFilesOf(input: PlanInput): SpinFiles {
  if (!input.spinFiles) throw new Error("the Spin formats need the app's files read first"); // build() reads them
  return input.spinFiles;
}

function created(formats: FormatSettings): Record<string, string> {
  return formats.createdAnnotation ? { [Annotation.Created]: formats.createdAnnotation } : {};
}

/** The compat image's annotation values: spin.toml's, each falling back to Cargo.toml's. */
function compatMeta(project: Project, name: string): Parameters<typeof standardAnnotations>[0] {
  const spin = project.kind === "spin" ? project.spin : undefined;
  const cargo = project.cargo;
  return {
    title: spin?.name ?? cargo?.name ?? name,
    version: spin?.version ?? cargo?.version,
    description: spin?.description ?? cargo?.description,
    authors: spin?.authors ?? cargo?.authors,
    source: cargo?.repository,
    url: cargo?.homepage,
    licenses: cargo?.license,
  };
}

/** OCI standard annotation values: spin.toml's for a Spin app (with Cargo.toml's source and license), else Cargo.toml's. */
function projectMeta(project: Project): Parameters<typeof standardAnnotations>[0] {
  const spin = project.kind === "spin" ? project.spin : undefined;
  const cargo = project.cargo;
  const title = spin?.name ?? cargo?.name ?? "app";
  if (spin) {
    return { title, version: spin.version, description: spin.description, authors: spin.authors, source: cargo?.repository, licenses: cargo?.license };
  }
  return { title, version: cargo?.version, description: cargo?.description, authors: cargo?.authors, source: cargo?.repository, url: cargo?.homepage, licenses: cargo?.license };
}
