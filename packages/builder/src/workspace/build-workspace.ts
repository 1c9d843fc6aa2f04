import { realpath } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { WasmpackError } from "@wasmpack/registry/errors";
import { build, type BuildResult } from "../build/build.js";
import type { BuildEvent } from "../build/build-events.js";
import { cargoBuild } from "../cargo/cargo-build.js";
import { execaRunner } from "../cargo/runner.js";
import type { WasmArtifact } from "../cargo/wasm-artifact.js";
import type { FormatFlags } from "../formats/format-settings.js";
import type { BuildFlags } from "../project/settings.js";
import { isTable, readToml } from "../project/toml.js";
import { findToolchain, toolchainEnv, type Toolchain } from "../toolchain/index.js";
import { isInside, readWorkspace, type Workspace, type WorkspaceMember } from "./read-workspace.js";

export interface WorkspaceBuildOptions {
  /** The workspace root (see findWorkspaceRoot). */
  root: string;
  flags?: BuildFlags & FormatFlags;
  env: Record<string, string | undefined>;
  /** `-p NAME`: only these members (package names). */
  packages?: readonly string[];
  /** `--exclude NAME`. */
  exclude?: readonly string[];
  /** Every event of a service's build, with the service's image name (none for the shared cargo build). */
  onEvent?: (event: BuildEvent, service?: string) => void;
  /** One line about the run: a member skipped, the shared build failing. */
  onNote?: (line: string) => void;
  signal?: AbortSignal;
  /** wasmpack's version, named in each service's SBOM and provenance. */
  toolVersion?: string;
}

/** A member wasmpack builds images for. */
export interface Service {
  /** The image name: `[package.metadata.wasmpack] image`, else the Spin app's name, else the package's. */
  name: string;
  package: string;
  dir: string;
  kind: "crate" | "spin";
  /** Where its layout goes. */
  output: string;
}

export type ServiceOutcome = { service: Service; result: BuildResult; error?: undefined } | { service: Service; result?: undefined; error: unknown };

export interface WorkspaceBuildResult {
  /** The workspace root; undefined for several DIRs without one. */
  root: string | undefined;
  services: ServiceOutcome[];
  skipped: { package: string; reason: string }[];
  toolchain?: { cargo: string; rustc: string; target: string; origin: string };
}

const IMAGE_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** A service's image name must be a repository name component; `where` names its manifest or DIR. */
export function checkImageName(name: string, where: string): void {
  if (!IMAGE_NAME.test(name)) {
    throw new WasmpackError("input", "IMAGE_NAME_INVALID", `${where}: image name ${JSON.stringify(name)} is not a valid repository name (lowercase letters, digits, ._-); set [package.metadata.wasmpack] image`);
  }
}

/** Builds each service in turn; one failing is reported in its outcome and stops none of the others. */
export async function buildEach(services: readonly Service[], signal: AbortSignal | undefined, buildOne: (service: Service) => Promise<BuildResult>): Promise<ServiceOutcome[]> {
  const outcomes: ServiceOutcome[] = [];
  for (const service of services) {
    signal?.throwIfAborted();
    try {
      outcomes.push({ service, result: await buildOne(service) });
    } catch (error) {
      if (signal?.aborted) throw error;
      outcomes.push({ service, error });
    }
  }
  return outcomes;
}

/**
 * Builds every member of a cargo workspace that makes a wasm binary or is a Spin app: one
 * `cargo build -p …` for all of them (shared dependencies compile once), then each service's
 * images into its own layout, `<root>/target/wasmpack/<name>/oci` (or `-o DIR` → `DIR/<name>`).
 * A service that fails is reported and the others go on; bad input (an unknown `-p`, two
 * services with one image name, members on different targets…) fails the run before cargo.
 */
export async function buildWorkspace(options: WorkspaceBuildOptions): Promise<WorkspaceBuildResult> {
  const flags = options.flags ?? {};
  if (flags.bin) throw new WasmpackError("usage", "WORKSPACE_FLAG", "--bin picks a binary of one crate; on a workspace set [package.metadata.wasmpack] bin in the member");
  if (flags.ociArchive) throw new WasmpackError("usage", "WORKSPACE_FLAG", "--oci-archive writes one layout; a workspace build writes one per service");
  const note = options.onNote ?? (() => {});
  const targetWanted = flags.target ?? (options.env["WASMPACK_TARGET"] || undefined);
  // The toolchain first: `cargo metadata` needs a cargo.
  const toolchain = await findToolchain({ env: options.env, cwd: options.root, ...(targetWanted ? { target: targetWanted } : {}) });
  const workspace = await readWorkspace(options.root, { cargo: toolchain.cargo, env: toolchainEnv(toolchain, options.env), runner: execaRunner, signal: options.signal });
  const plan = await planWorkspace(workspace, options, flags.output);
  for (const skipped of plan.skipped) note(`${skipped.package}: skipped, ${skipped.reason}`);

  // Members may name a target in [package.metadata.wasmpack]: one cargo build has one, so they must agree.
  const target = targetWanted ?? plan.target;
  const tc: Toolchain = target && target !== toolchain.target
    ? await findToolchain({ env: options.env, cwd: options.root, target })
    : toolchain;
  const toolchainUsed = { cargo: tc.cargo, rustc: tc.rustc, target: tc.target, origin: tc.origin };
  options.onEvent?.({ type: "toolchain", toolchain: tc });

  // One cargo build for every cargo member; when it fails, each service builds on its own so
  // that the report says which of them failed and why.
  let prebuilt: ((manifestPath: string) => WasmArtifact[] | undefined) | undefined;
  const cargoMembers = plan.services.filter((s) => s.member.hasWasmTarget);
  if (cargoMembers.length > 0) {
    try {
      const artifacts = await cargoBuild({
        toolchain: tc,
        manifestPath: workspace.manifestPath,
        env: options.env,
        workspace: { packages: cargoMembers.map((s) => s.member.name), members: new Map(cargoMembers.map((s) => [s.member.id, s.member.name])) },
        onDiagnostic: (line) => options.onEvent?.({ type: "output", line }),
        ...(flags.sbom !== false ? { locked: true } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const byManifest = new Map<string, WasmArtifact[]>();
      for (const artifact of artifacts) {
        const key = await realpath(artifact.manifestPath).catch(() => artifact.manifestPath);
        byManifest.set(key, [...(byManifest.get(key) ?? []), artifact]);
      }
      prebuilt = (manifestPath) => byManifest.get(resolve(manifestPath));
    } catch (error) {
      if (!(error instanceof WasmpackError) || error.code !== "CARGO_FAILED") throw error;
      note(`the workspace's cargo build failed; building each service on its own to tell which failed`);
    }
  }

  const members = new Map(plan.services.map(({ service, member }) => [service, member]));
  const services = await buildEach([...members.keys()], options.signal, (service) => {
    const member = members.get(service)!;
    // cargo metadata knows a `version.workspace = true` member's version; Cargo.toml alone does not.
    const tagSet = flags.tag !== undefined || Boolean(options.env["WASMPACK_TAG"]) || member.wasmpack["tag"] !== undefined;
    const versionTag = !tagSet && !service.kind.startsWith("spin") ? { tag: member.version } : {};
    return build({
      dir: service.dir,
      ...(options.toolVersion ? { toolVersion: options.toolVersion } : {}),
      flags: { ...flags, ...versionTag, target: tc.target, output: service.output },
      env: { ...options.env, WASMPACK_TARGET: undefined, WASMPACK_OUTPUT: undefined },
      onEvent: (event) => {
        if (event.type !== "toolchain") options.onEvent?.(event, service.name);
      },
      ...(prebuilt ? { prebuilt } : {}),
      // Beside the service's other outputs in the shared target/, not in a target/ of the member's own.
      wasmDir: join(workspace.root, "target", "wasmpack", service.name, "wasm"),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  });
  return { root: workspace.root, services, skipped: plan.skipped, toolchain: toolchainUsed };
}

interface Plan {
  services: { service: Service; member: WorkspaceMember }[];
  skipped: { package: string; reason: string }[];
  target?: string;
}

/** Which members are services, their image names and layouts; every bad-input check, before cargo runs. */
export async function planWorkspace(workspace: Workspace, select: { packages?: readonly string[] | undefined; exclude?: readonly string[] | undefined }, output: string | undefined): Promise<Plan> {
  const names = new Set(workspace.members.map((m) => m.name));
  const memberList = workspace.members.map((m) => m.name).join(", ");
  for (const [flag, list] of [["-p", select.packages ?? []], ["--exclude", select.exclude ?? []]] as const) {
    for (const name of list) {
      if (!names.has(name)) throw new WasmpackError("usage", "PACKAGE_UNKNOWN", `${flag} ${name} names no member of the workspace at ${workspace.root} (members: ${memberList})`);
    }
  }
  const wanted = select.packages && select.packages.length > 0 ? new Set(select.packages) : undefined;
  const excluded = new Set(select.exclude ?? []);
  const plan: Plan = { services: [], skipped: [] };
  const byImage = new Map<string, WorkspaceMember>();
  const targets = new Map<string, string[]>();
  for (const member of workspace.members) {
    if ((wanted && !wanted.has(member.name)) || excluded.has(member.name)) continue;
    if (member.wasmpack["skip"] === true) {
      plan.skipped.push({ package: member.name, reason: "[package.metadata.wasmpack] skip = true" });
      continue;
    }
    if (!member.spin && !member.hasWasmTarget) {
      plan.skipped.push({ package: member.name, reason: "a library only (no bin or cdylib target, no spin.toml)" });
      continue;
    }
    const spinName = member.spin ? await checkSpinMember(member, workspace.root) : undefined;
    const image = member.wasmpack["image"];
    if (image !== undefined && typeof image !== "string") {
      throw new WasmpackError("input", "METADATA_INVALID", `${member.manifestPath} [package.metadata.wasmpack] image must be a string`);
    }
    const name = image ?? spinName ?? member.name;
    checkImageName(name, member.manifestPath);
    const other = byImage.get(name);
    if (other) {
      throw new WasmpackError(
        "input",
        "IMAGE_NAME_DUPLICATE",
        `members ${other.name} (${relative(workspace.root, other.dir)}) and ${member.name} (${relative(workspace.root, member.dir)}) both make image ${name}; set [package.metadata.wasmpack] image = "…" in one of them`,
      );
    }
    byImage.set(name, member);
    const target = member.wasmpack["target"];
    if (typeof target === "string") targets.set(target, [...(targets.get(target) ?? []), member.name]);
    const layout = output ? join(resolve(output), name) : join(workspace.root, "target", "wasmpack", name, "oci");
    plan.services.push({ member, service: { name, package: member.name, dir: member.dir, kind: member.spin ? "spin" : "crate", output: layout } });
  }
  if (targets.size > 1) {
    const which = [...targets].map(([target, members]) => `${members.join(", ")} → ${target}`).join("; ");
    throw new WasmpackError("input", "WORKSPACE_TARGETS_DIFFER", `the workspace's members name different targets in [package.metadata.wasmpack] (${which}); one cargo build has one target: make them agree, or pass --target`);
  }
  if (plan.services.length === 0) {
    throw new WasmpackError("input", "WORKSPACE_EMPTY", `no ${wanted || excluded.size ? "selected " : ""}member of the workspace at ${workspace.root} builds a wasm binary or is a Spin app`);
  }
  const [target] = [...targets.keys()];
  if (target) plan.target = target;
  return plan;
}

/** A Spin app in the workspace: its name, and no `source` in the workspace's shared target/. */
async function checkSpinMember(member: WorkspaceMember, root: string): Promise<string | undefined> {
  const manifestPath = join(member.dir, "spin.toml");
  const { table } = await readToml(manifestPath);
  const shared = join(root, "target");
  const components = isTable(table["component"]) ? table["component"] : {};
  for (const [id, component] of Object.entries(components)) {
    const source = isTable(component) ? component["source"] : undefined;
    if (typeof source !== "string") continue;
    if (member.dir !== root && isInside(resolve(member.dir, source), shared)) {
      throw new WasmpackError(
        "input",
        "SPIN_SOURCE_IN_WORKSPACE_TARGET",
        `${manifestPath}: component ${id} source ${JSON.stringify(source)} points into the workspace's shared target/; name it inside the app (e.g. "target/${source.split("/target/").at(-1) ?? ""}"): wasmpack places cargo's output at that path in the image`,
      );
    }
  }
  const application = table["application"];
  const name = isTable(application) ? application["name"] : undefined;
  return typeof name === "string" ? name : undefined;
}

/** The workspace's services as a build would make them (names, layouts), without building: for `wasmpack k8s`. */
export async function listWorkspaceServices(options: { root: string; env: Record<string, string | undefined>; packages?: readonly string[]; exclude?: readonly string[]; output?: string }): Promise<{ services: Service[]; skipped: Plan["skipped"] }> {
  const target = options.env["WASMPACK_TARGET"] || undefined;
  const toolchain = await findToolchain({ env: options.env, cwd: options.root, ...(target ? { target } : {}) });
  const workspace = await readWorkspace(options.root, { cargo: toolchain.cargo, env: toolchainEnv(toolchain, options.env), runner: execaRunner });
  const plan = await planWorkspace(workspace, options, options.output);
  return { services: plan.services.map((s) => s.service), skipped: plan.skipped };
}
