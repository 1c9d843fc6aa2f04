import { basename, resolve } from "node:path";
import {
  CLUSTER_RUNTIMES,
  WASM_VARIANTS,
  classifyImage,
  generateManifests,
  isClusterRuntime,
  isWasmVariant,
  openLayoutImage,
  runtimesForKind,
  toKubernetesName,
  toYaml,
  type ClusterRuntime,
  type ImageKind,
  type ResourceOverrides,
  type WasmVariant,
  type WorkloadOptions,
} from "@wasmpack/builder";
import { WasmpackError } from "@wasmpack/registry/errors";
import { OciLayout, writeFileAtomic } from "@wasmpack/registry/layout";
import { Annotation, formatReference, parseReference, withTarget, type Digest } from "@wasmpack/registry/oci";
import type { K8sCommandOptions } from "../commands/k8s.js";
import { createConsole } from "./console.js";
import { loadBuildRecord } from "./last-build.js";
import { isLocalImage, locateLayoutImage } from "./locate-image.js";
import { pushImages } from "./push.js";
import { readRemoteImage } from "./registry-client.js";

/** `wasmpack k8s`: RuntimeClass, Deployment and Service that run an image on its Wasm runtime, pinned by digest. */
export async function k8s(image: string, options: K8sCommandOptions, env: Record<string, string | undefined>): Promise<void> {
  const out = createConsole({ quiet: options.quiet });
  if (options.runtime !== undefined && !isClusterRuntime(options.runtime)) {
    throw usage(`--runtime ${JSON.stringify(options.runtime)} is not one of ${CLUSTER_RUNTIMES.join(", ")}`);
  }
  const asked = options.runtime as ClusterRuntime | undefined;
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
  const { objects, notes } = generateManifests(workload);
  const yaml = toYaml(objects);
  if (options.output) {
    await writeFileAtomic(options.output, yaml);
    out.info(`wrote ${objects.map((o) => o.kind).join(", ")} to ${options.output}`);
  } else {
    out.result(yaml.trimEnd());
  }
  for (const note of notes) out.info(`note: ${note}`);
}

interface DescribedImage {
  image: string;
  runtime: ClusterRuntime;
  variant?: WasmVariant;
  kind?: ImageKind;
  name: string;
  version?: string;
}

/** A layout (or a project's layout): runtime, variant and name come from the image itself. */
async function describeLayout(
  argument: string,
  asked: ClusterRuntime | undefined,
  options: K8sCommandOptions,
  env: Record<string, string | undefined>,
): Promise<DescribedImage> {
  const located = await locateLayoutImage(argument, env);
  const opened = await openLayoutImage(located.layout, located.tag);
  const fits = runtimesForKind(opened.kind);
  const [builtFor] = fits;
  if (!builtFor) throw new WasmpackError("input", "NOT_WASM_IMAGE", `${located.layout} holds no Wasm image (no module.wasm.image/variant, /spin.toml or wasm layers)`);
  if (asked !== undefined && !fits.includes(asked)) throw usage(`--runtime ${asked} cannot run this ${opened.kind} image (it runs on ${fits.join(", ")})`);
  const runtime = asked ?? builtFor;
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
 * A registry reference: the image is fetched to learn its kind (runtime, variant) and pinned to
 * the digest its tag names now, since a tag can move under a running Deployment.
 */
async function describeReference(argument: string, asked: ClusterRuntime | undefined, options: K8sCommandOptions, env: Record<string, string | undefined>): Promise<DescribedImage> {
  if (options.image !== undefined || options.repo !== undefined || options.push !== undefined) {
    throw usage("--image, --repo and --push apply to a layout or directory; the reference already names the image");
  }
  const ref = parseReference(argument);
  const view = await readRemoteImage(ref, options, env);
  if (view.manifest.kind !== "manifest") throw usage(`${argument} is an image index; name one of its manifests by digest (Wasm runtimes do not pick from an index)`);
  const kind = classifyImage(view.manifest.manifest, view.config);
  const fits = runtimesForKind(kind);
  const [builtFor] = fits;
  if (!builtFor) throw new WasmpackError("input", "NOT_WASM_IMAGE", `${argument} is not a Wasm image wasmpack recognises (no module.wasm.image/variant, spin.toml layout or wasm layers)`);
  if (asked !== undefined && !fits.includes(asked)) throw usage(`--runtime ${asked} cannot run this ${kind} image (it runs on ${fits.join(", ")})`);
  const annotations = view.manifest.manifest.annotations ?? {};
  const version = annotations[Annotation.Version] ?? ref.tag;
  return {
    image: formatReference(withTarget(ref, { digest: view.descriptor.digest })),
    runtime: asked ?? builtFor,
    ...(kind === "compat" || kind === "compat-smart" ? { variant: kind } : {}),
    kind,
    name: annotations[Annotation.Title] ?? ref.repository.slice(ref.repository.lastIndexOf("/") + 1),
    ...(version ? { version } : {}),
  };
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
