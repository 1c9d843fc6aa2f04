// Builds test images with the builder's own pieces: the plans `wasmpack build` makes
// (planCompatImage, planSpinLayoutImage) and assembleManifest, which writes them into a real OCI
// layout. A bad image is a good plan with one thing changed.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { OciLayout } from "@wasmpack/registry/layout";
import { MediaType, encodeJson, epochToRfc3339, sha256 } from "@wasmpack/registry/oci";
import { assembleManifest } from "../../packages/builder/src/image/assemble-manifest.js";
import { planWasmArtifact, type WasmArtifactConfig } from "../../packages/builder/src/formats/wasm-artifact.js";
import { decodeComponentWorld } from "../../packages/builder/src/wasm/component-world.js";
import { wasmKind } from "../../packages/builder/src/wasm/wasm-header.js";
import { planCompatImage } from "../../packages/builder/src/image/compat-image.js";
import { rootfsManifestPlan, type ImagePlan } from "../../packages/builder/src/image/image-plan.js";
import { planSpinLayoutImage } from "../../packages/builder/src/image/spin-layout-image.js";
import type { BuildSettings } from "../../packages/builder/src/project/settings.js";
import { importFromBuilder } from "../support/builder-deps.js";

export const TAG = "test";

/** A one-component Spin app (a Wagi HTTP route) whose component is at `source`. */
export const spinToml = (source: string, extra = "") => `spin_manifest_version = 2
[application]
name = "hello"
[[trigger.http]]
route = "/..."
component = "hello"
executor = { type = "wagi" }
[component.hello]
source = "${source}"
${extra}`;

function settings(overrides: Partial<BuildSettings> = {}): BuildSettings {
  return {
    runtime: "wasmedge",
    variant: "compat-smart",
    platform: { os: "wasi", architecture: "wasm" },
    tag: TAG,
    output: "unused",
    annotations: {},
    labels: {},
    sourceDateEpoch: 0,
    ...overrides,
  };
}

/** Writes `bytes` to `dir/name` and describes it as a plan's wasm input. */
export async function wasmFile(dir: string, name: string, bytes: Uint8Array): Promise<{ fromFile: string; size: number }> {
  const fromFile = join(dir, name);
  await writeFile(fromFile, bytes);
  return { fromFile, size: bytes.byteLength };
}

export function compatPlan(name: string, file: { fromFile: string; size: number }, overrides: Partial<BuildSettings> = {}): ImagePlan {
  return planCompatImage({ wasm: { name, ...file }, settings: settings(overrides), annotations: { "org.opencontainers.image.title": name } });
}

export function spinPlan(manifestText: string, components: { sourcePath: string; fromFile: string; size: number }[]): ImagePlan {
  return planSpinLayoutImage({ manifestText, components, extraFiles: [], settings: settings({ runtime: "spin" }), annotations: {} });
}

/** Assembles the plan into a fresh layout at `dir`, tagged TAG, as `wasmpack build` does. */
export async function writeLayout(dir: string, plan: ImagePlan): Promise<string> {
  const layout = await OciLayout.create(dir);
  const image = await assembleManifest(rootfsManifestPlan(plan, epochToRfc3339(plan.sourceDateEpoch)), layout);
  await layout.tag(TAG, image.manifest);
  return dir;
}

/**
 * A CNCF Wasm artifact (one `application/wasm` layer) holding `bytes`, written as `wasmpack build
 * --format wasm-artifact` writes it, tagged TAG: a component's config lists its decoded WIT world.
 * `config` edits the config first (a mislabelled artifact, as other tools push them).
 */
export async function writeWasmArtifact(
  dir: string,
  name: string,
  bytes: Uint8Array,
  options: { config?: (config: WasmArtifactConfig) => Record<string, unknown> } = {},
): Promise<string> {
  const file = await wasmFile(dir, `${name}-artifact.wasm`, bytes);
  const world = wasmKind(bytes) === "component" ? await decodeComponentWorld(bytes, name) : undefined;
  const plan = planWasmArtifact({ name, wasm: { ...file, digest: sha256(bytes) }, ...(world ? { world } : {}), created: epochToRfc3339(0), annotations: {} });
  if (options.config && plan.config.kind === "encoded") {
    const config = JSON.parse(new TextDecoder().decode(plan.config.blob.bytes)) as WasmArtifactConfig;
    plan.config = { kind: "encoded", blob: encodeJson(MediaType.WasmConfig, options.config(config)) };
  }
  const layout = await OciLayout.create(join(dir, `${name}-artifact`));
  const image = await assembleManifest(plan, layout);
  await layout.tag(TAG, image.manifest);
  return layout.dir;
}

interface Jco {
  componentEmbed(opts: { dummy: boolean; witSource: string; world: string }): Promise<Uint8Array>;
  componentNew(bytes: Uint8Array, adapters?: [string, Uint8Array][]): Promise<Uint8Array>;
  preview1AdapterCommandPath(): URL;
}
const jco = () => importFromBuilder<Jco>("@bytecodealliance/jco");

/**
 * A real `wasi:http/proxy` component: jco's bundled WASI 0.2.12 WIT, a dummy core module that
 * wit-component generates for the world, and `componentNew` around it.
 */
export async function httpProxyComponent(): Promise<Uint8Array> {
  return worldComponent("include wasi:http/proxy@0.2.12;");
}

/** A `wasi:cli/run` command that can create TCP sockets (a server listening through wasi:sockets, or a client). */
export async function socketCommandComponent(): Promise<Uint8Array> {
  return worldComponent("import wasi:sockets/tcp-create-socket@0.2.12; export wasi:cli/run@0.2.12;");
}

/** A component of the world with this body, over jco's bundled WASI 0.2.12 WIT, its core module a dummy. */
async function worldComponent(body: string): Promise<Uint8Array> {
  const tools = await jco();
  const witDir = new URL("../../packages/builder/node_modules/@bytecodealliance/jco/lib/wit/builtin/0.2.12/", import.meta.url);
  let source = `package test:app;\nworld app { ${body} }\n`;
  for (const dir of await readdir(witDir)) {
    const text = await readFile(new URL(`${dir}/package.wit`, witDir), "utf8");
    const header = /^package ([^;]+);/m.exec(text);
    if (!header) continue;
    source += `package ${header[1]} {\n${text.replace(header[0], "")}\n}\n`; // nested-package form: one WIT source
  }
  return tools.componentNew(await tools.componentEmbed({ dummy: true, witSource: source, world: "app" }));
}

/** A core module wrapped as a component as it is: a component exporting nothing when the module exports nothing. */
export async function component(module: Uint8Array): Promise<Uint8Array> {
  return (await jco()).componentNew(module);
}

/** A `wasi:cli/run` component: a WASI preview 1 module wrapped with the preview 1 command adapter, as Spin does. */
export async function commandComponent(module: Uint8Array): Promise<Uint8Array> {
  const tools = await jco();
  const adapter = await readFile(tools.preview1AdapterCommandPath());
  return tools.componentNew(module, [["wasi_snapshot_preview1", adapter]]);
}
