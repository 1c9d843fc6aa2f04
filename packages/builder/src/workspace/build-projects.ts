import { join, resolve } from "node:path";
import { WasmpackError } from "@wasmpack/registry/errors";
import { build } from "../build/build.js";
import type { BuildEvent } from "../build/build-events.js";
import type { FormatFlags } from "../formats/format-settings.js";
import { readProject } from "../project/read-project.js";
import type { BuildFlags } from "../project/settings.js";
import { buildEach, checkImageName, type Service, type WorkspaceBuildResult } from "./build-workspace.js";
import { findWorkspaceRoot } from "./read-workspace.js";

export interface ProjectsBuildOptions {
  dirs: readonly string[];
  flags?: BuildFlags & FormatFlags;
  env: Record<string, string | undefined>;
  onEvent?: (event: BuildEvent, service?: string) => void;
  signal?: AbortSignal;
  /** wasmpack's version, named in each service's SBOM and provenance. */
  toolVersion?: string;
}

/**
 * `wasmpack build DIR DIR…`: several crates or Spin apps that share no workspace, each built as
 * `wasmpack build DIR` builds it (its own cargo build, its layout in `DIR/target/wasmpack/oci`,
 * or `-o OUT` → `OUT/<name>`), a failing one reported without stopping the others.
 */
export async function buildProjects(options: ProjectsBuildOptions): Promise<WorkspaceBuildResult> {
  const flags = options.flags ?? {};
  if (flags.ociArchive) throw new WasmpackError("usage", "WORKSPACE_FLAG", "--oci-archive writes one layout; several DIRs write one each");
  const services: Service[] = [];
  const byName = new Map<string, string>();
  for (const dir of options.dirs) {
    if (await findWorkspaceRoot(dir, false)) {
      throw new WasmpackError("usage", "WORKSPACE_AMONG_DIRS", `${dir} is a cargo workspace: build it on its own (wasmpack build ${dir}), not among other DIRs`);
    }
    const project = await readProject(dir);
    const metadataImage = project.cargo?.wasmpackMetadata["image"];
    const name = typeof metadataImage === "string" ? metadataImage : project.kind === "spin" ? project.spin.name : project.cargo.name;
    checkImageName(name, dir);
    const other = byName.get(name);
    if (other !== undefined) throw new WasmpackError("input", "IMAGE_NAME_DUPLICATE", `${other} and ${dir} both make image ${name}; set [package.metadata.wasmpack] image = "…" in one of them`);
    byName.set(name, dir);
    const output = flags.output ? join(resolve(flags.output), name) : join(project.dir, "target", "wasmpack", "oci");
    services.push({ name, package: project.cargo?.name ?? name, dir: project.dir, kind: project.kind, output });
  }
  let toolchain: WorkspaceBuildResult["toolchain"];
  const outcomes = await buildEach(services, options.signal, (service) =>
    build({
      dir: service.dir,
      ...(options.toolVersion ? { toolVersion: options.toolVersion } : {}),
      flags: { ...flags, output: service.output },
      env: { ...options.env, WASMPACK_OUTPUT: undefined },
      onEvent: (event) => {
        // The toolchain is the same for every DIR (the cache answers after the first): said once.
        if (event.type === "toolchain") {
          if (toolchain) return;
          const { cargo, rustc, target, origin } = event.toolchain;
          toolchain = { cargo, rustc, target, origin };
          options.onEvent?.(event);
          return;
        }
        options.onEvent?.(event, service.name);
      },
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );
  return { root: undefined, services: outcomes, skipped: [], ...(toolchain ? { toolchain } : {}) };
}
