import { basename, resolve } from "node:path";
import {
  CLUSTER_RUNTIMES,
  WASM_VARIANTS,
  WORKLOAD_KINDS,
  classifyImage,
  findWorkspaceRoot,
  generateManifests,
  imageServing,
  isClusterRuntime,
  isWasmVariant,
  isWorkloadKind,
  openLayoutImage,
  runtimesForKind,
  spinAppServing,
  toKubernetesName,
  toYaml,
  type ClusterRuntime,
  type ImageKind,
  type ResourceOverrides,
  type Serving,
  type WasmVariant,
  type WorkloadKind,
  type WorkloadOptions,
} from "@wasmpack/builder";
import { WasmpackError } from "@wasmpack/registry/errors";
import { OciLayout, writeFileAtomic } from "@wasmpack/registry/layout";
import { Annotation, formatReference, parseReference, withTarget, type Digest, type Reference } from "@wasmpack/registry/oci";
import type { K8sCommandOptions } from "../commands/k8s.js";
import { createConsole } from "./console.js";
import { loadBuildRecord } from "./last-build.js";
import { isLocalImage, locateLayoutImage } from "./locate-image.js";
import { pushImages } from "./push.js";
import { readRemoteImage } from "./registry-client.js";
import { pullToTempLayout } from "./temp-layout.js";

/**
 * `wasmpack k8s`: RuntimeClass, Deployment and Service (or a Job for a program that runs once)
 * that run an image on its Wasm runtime, pinned by digest.
 */
export async function k8s(image: string, options: K8sCommandOptions, env: Record<string, string | undefined>): Promise<void> {
  // A workspace root: one YAML for every service (actions/k8s-workspace.ts).
  const root = isLocalImage(image) ? await findWorkspaceRoot(image, false) : undefined;
  if (root) return (await import("./k8s-workspace.js")).k8sWorkspace(root, options, env);
  const out = createConsole({ quiet: options.quiet });
  const { objects, notes } = await k8sObjects(image, options, env);
  const yaml = toYaml(objects);
  if (options.output) {
    await writeFileAtomic(options.output, yaml);
    out.info(`wrote ${objects.map((o) => o.kind).join(", ")} to ${options.output}`);
  } else {
    out.result(yaml.trimEnd());
  }
  for (const note of notes) out.info(`note: ${note}`);
}

/** The objects (and node notes) for one image. */
export async function k8sObjects(image: string, options: K8sCommandOptions, env: Record<string, string | undefined>): Promise<ReturnType<typeof generateManifests>> {
  if (options.runtime !== undefined && !isClusterRuntime(options.runtime)) {
    throw usage(`--runtime ${JSON.stringify(options.runtime)} is not one of ${CLUSTER_RUNTIMES.join(", ")}`);
  }
  if (options.kind !== undefined && !isWorkloadKind(options.kind)) throw usage(`--kind ${JSON.stringify(options.kind)} is not one of ${WORKLOAD_KINDS.join(", ")}`);
  const asked = { runtime: options.runtime as ClusterRuntime | undefined, kind: options.kind as WorkloadKind | undefined };
  const described = isLocalImage(image) ? await describeLayout(image, asked, options, env) : await describeReference(image, asked, options, env);
  const runtime = described.runtime;
  let variant = described.variant;
  if (options.variant !== undefined) {
    if (!isWasmVariant(options.variant)) throw usage(`--variant ${JSON.stringify(options.variant)} is not one of ${WASM_VARIANTS.join(", ")}`);
    if (runtime !== "wasmedge") throw usage(`--variant applies to --runtime wasmedge, not ${runtime}`);
    if (variant && variant !== options.variant) {
      throw usage(`--variant ${options.variant} contradicts the image, which is ${variant}; rebuild it with --variant ${options.variant}`);
    }
    variant = options.variant;
  }
  const workload: WorkloadOptions = {
    image: described.image,
    runtime,
    kind: described.workloadKind,
    ...(options.backoffLimit !== undefined ? { backoffLimit: integer(options.backoffLimit, "--backoff-limit") } : {}),
    ...(variant ? { variant } : {}),
    name: options.name ?? toKubernetesName(described.name),
    ...(described.version ? { version: described.version } : {}),
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    ...(options.replicas !== undefined ? { replicas: integer(options.replicas, "--replicas") } : {}),
    ...(options.port !== undefined ? { port: integer(options.port, "--port") } : {}),
    ...(options.service !== undefined ? { service: parseService(options.service) } : {}),
    ...(options.nodeSelector.length > 0 ? { nodeSelector: keyValues(options.nodeSelector, "--node-selector") } : {}),
    ...(options.runtimeClass !== undefined ? { runtimeClass: options.runtimeClass } : {}),
    ...(options.health !== undefined ? { health: options.health } : {}),
    resources: parseResources(options),
    ...(described.kind ? { imageKind: described.kind } : {}),
  };
  return generateManifests(workload);
}

interface DescribedImage {
  image: string;
  runtime: ClusterRuntime;
  workloadKind: WorkloadKind;
  variant?: WasmVariant;
  kind?: ImageKind;
  name: string;
  version?: string;
}

interface Asked {
  runtime: ClusterRuntime | undefined;
  kind: WorkloadKind | undefined;
}

/** A layout (or a project's layout): runtime, variant, name and whether it serves come from the image itself. */
async function describeLayout(argument: string, asked: Asked, options: K8sCommandOptions, env: Record<string, string | undefined>): Promise<DescribedImage> {
  const located = await locateLayoutImage(argument, env);
  const opened = await openLayoutImage(located.layout, located.tag);
  const fits = runtimesForKind(opened.kind);
  const [builtFor] = fits;
  if (!builtFor) throw new WasmpackError("input", "NOT_WASM_IMAGE", `${located.layout} holds no Wasm image (no module.wasm.image/variant, /spin.toml or wasm layers)`);
  if (asked.runtime !== undefined && !fits.includes(asked.runtime)) throw usage(`--runtime ${asked.runtime} cannot run this ${opened.kind} image (it runs on ${fits.join(", ")})`);
  const runtime = asked.runtime ?? builtFor;
  // Before --push: a program refused as a Deployment is not pushed either.
  const workloadKind = chooseWorkloadKind(`${located.layout}${located.tag ? `:${located.tag}` : ""}`, await imageServing(opened.contents, runtime), asked.kind);
  const annotations = opened.manifest.annotations ?? {};
  const variant = opened.kind === "compat" || opened.kind === "compat-smart" ? opened.kind : undefined;
  const version = annotations[Annotation.Version];
  let pushed = (await loadBuildRecord(process.cwd(), env))?.pushed ?? [];
  if (options.push !== undefined) {
    const layout = await OciLayout.open(located.layout);
    const images = [{ tag: located.tag ?? opened.digest, digest: opened.digest }];
    const results = await pushImages({ layout, images, target: parseReference(options.push), extraTags: [], flags: options, env, quiet: options.quiet });
    pushed = results.map((r) => r.pinned);
  }
  return {
    image: resolvePushedImage({ layout: located.layout, digest: opened.digest, image: options.image, repo: options.repo, pushed }),
    runtime,
    workloadKind,
    ...(variant ? { variant } : {}),
    kind: opened.kind,
    name: annotations[Annotation.Title] ?? basename(resolve(located.layout)),
    ...(version ? { version } : {}),
  };
}

/**
 * The registry reference a layout's image was pushed as: `--image` or `--repo` when given, else
 * what `wasmpack push` (or `--push`) recorded for that digest.
 */
export function resolvePushedImage(input: { layout: string; digest: Digest; image?: string | undefined; repo?: string | undefined; pushed?: readonly string[] }): string {
  if (input.image !== undefined && input.repo !== undefined) throw usage("give --image or --repo, not both");
  if (input.image !== undefined) {
    const ref = parseReference(input.image);
    if (!ref.digest) throw usage(`--image ${input.image} is not pinned by digest; use REPO@${input.digest}`);
    if (ref.digest !== input.digest) throw usage(`--image names ${ref.digest}, but ${input.layout} holds ${input.digest}`);
    return formatReference(ref);
  }
  if (input.repo !== undefined) {
    const ref = parseReference(input.repo);
    if (ref.digest) throw usage(`--repo ${input.repo} already names a digest; use --image for that`);
    return formatReference(withTarget(ref, { ...(ref.tag ? { tag: ref.tag } : {}), digest: input.digest }));
  }
  const recorded = input.pushed?.find((ref) => ref.endsWith(`@${input.digest}`));
  if (recorded) return recorded;
  throw new WasmpackError(
    "usage",
    "IMAGE_NOT_PUSHED",
    `${input.layout} holds ${input.digest}, but a cluster pulls from a registry: pass --push REF, push it with wasmpack push, or name it with --repo REPO (or --image REPO@${input.digest})`,
  );
}

/**
 * A registry reference: the manifest and config are fetched to learn its kind (runtime, variant)
 * and pinned to the digest its tag names now, since a tag can move under a running Deployment.
 * Whether it serves needs its wasm (`readServing`).
 */
async function describeReference(argument: string, asked: Asked, options: K8sCommandOptions, env: Record<string, string | undefined>): Promise<DescribedImage> {
  if (options.image !== undefined || options.repo !== undefined || options.push !== undefined) {
    throw usage("--image, --repo and --push apply to a layout or directory; the reference already names the image");
  }
  const ref = parseReference(argument);
  const { view } = await readRemoteImage(ref, options, env);
  if (view.manifest.kind !== "manifest") throw usage(`${argument} is an image index; name one of its manifests by digest (Wasm runtimes do not pick from an index)`);
  const kind = classifyImage(view.manifest.manifest, view.config);
  const fits = runtimesForKind(kind);
  const [builtFor] = fits;
  if (!builtFor) throw new WasmpackError("input", "NOT_WASM_IMAGE", `${argument} is not a Wasm image wasmpack recognises (no module.wasm.image/variant, spin.toml layout or wasm layers)`);
  if (asked.runtime !== undefined && !fits.includes(asked.runtime)) throw usage(`--runtime ${asked.runtime} cannot run this ${kind} image (it runs on ${fits.join(", ")})`);
  const runtime = asked.runtime ?? builtFor;
  const pinned = withTarget(ref, { digest: view.descriptor.digest });
  const serving = spinAppServing(kind, runtime) ?? (await readServing(pinned, runtime, options, env));
  const workloadKind = chooseWorkloadKind(argument, serving, asked.kind);
  const annotations = view.manifest.manifest.annotations ?? {};
  const version = annotations[Annotation.Version] ?? ref.tag;
  return {
    image: formatReference(pinned),
    runtime,
    workloadKind,
    ...(kind === "compat" || kind === "compat-smart" ? { variant: kind } : {}),
    kind,
    name: annotations[Annotation.Title] ?? ref.repository.slice(ref.repository.lastIndexOf("/") + 1),
    ...(version ? { version } : {}),
  };
}

/**
 * Whether a pushed image serves, which only its wasm tells: the image is pulled by digest into a
 * temporary layout (every blob checked) and its module read as `verify` reads it. A compat image
 * or a Wasm artifact is one small wasm layer; Spin apps, whose layers may carry static files,
 * never get here (the Spin shim serves them whatever their modules import).
 */
async function readServing(pinned: Reference, runtime: ClusterRuntime, options: K8sCommandOptions, env: Record<string, string | undefined>): Promise<Serving> {
  const pulled = await pullToTempLayout(pinned, options, env, "k8s");
  try {
    const opened = await openLayoutImage(pulled.located.layout, pulled.located.tag);
    return await imageServing(opened.contents, runtime);
  } finally {
    await pulled.cleanup();
  }
}

/**
 * Deployment for a server, Job for a program that runs once: a program is refused as a Deployment
 * (it would exit, and the Deployment restart it forever), a server as a Job (it never completes).
 * When the module could not be read, what was asked (default Deployment) stands.
 */
function chooseWorkloadKind(image: string, serving: Serving, asked: WorkloadKind | undefined): WorkloadKind {
  if (serving.mode === "program" && asked !== "job") {
    throw new WasmpackError("usage", "K8S_KIND_MISMATCH", `${image} is a one-shot program (${serving.why}): it would exit and restart forever as a Deployment; use --kind job`);
  }
  if (serving.mode === "server" && asked === "job") {
    throw new WasmpackError("usage", "K8S_KIND_MISMATCH", `${image} is a server (${serving.how}): it never exits, so a Job would never complete; drop --kind job`);
  }
  return asked ?? "deployment";
}

function parseService(value: string): NonNullable<WorkloadOptions["service"]> {
  const match = /^(clusterip|nodeport)(?::(\d+))?$/i.exec(value);
  if (!match || (match[2] !== undefined && match[1]!.toLowerCase() !== "nodeport")) {
    throw usage(`--service ${JSON.stringify(value)}: expected clusterip, nodeport or nodeport:PORT`);
  }
  if (match[1]!.toLowerCase() === "clusterip") return { type: "ClusterIP" };
  return { type: "NodePort", ...(match[2] !== undefined ? { nodePort: Number(match[2]) } : {}) };
}

function parseResources(options: K8sCommandOptions): ResourceOverrides {
  const side = (value: string | undefined, flag: string) => {
    if (value === undefined) return undefined;
    const list = keyValues(value.split(","), flag);
    for (const key of Object.keys(list)) if (key !== "cpu" && key !== "memory") throw usage(`${flag}: ${JSON.stringify(key)} is not cpu or memory`);
    return list;
  };
  const requests = side(options.requests, "--requests");
  const limits = side(options.limits, "--limits");
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

function keyValues(items: string[], flag: string): Record<string, string> {
  const record: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw usage(`${flag} ${JSON.stringify(item)}: expected key=value`);
    record[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return record;
}

function integer(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw usage(`${flag} ${JSON.stringify(value)} is not a whole number`);
  return Number(value);
}

function usage(message: string): WasmpackError {
  return new WasmpackError("usage", "ARGUMENT_INVALID", message);
}
