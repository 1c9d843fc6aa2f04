import { join } from "node:path";
import type { ServiceOutcome } from "@wasmpack/builder";
import { RegistryClient, pushFromLayout, type PushResult } from "@wasmpack/registry";
import { WasmpackError, isWasmpackError, type ErrorKind } from "@wasmpack/registry/errors";
import { OciLayout } from "@wasmpack/registry/layout";
import { formatReference, parseReference, type Descriptor, type Reference } from "@wasmpack/registry/oci";
import type { PushCommandOptions } from "../commands/push.js";
import type { RegistryFlags } from "../commands/registry-flags.js";
import { createConsole, formatBytes, type Console } from "./console.js";
import { loadBuildRecord, saveBuildRecord, type BuildRecord } from "./last-build.js";
import { locateLayoutImage } from "./locate-image.js";
import { Interrupted, watchInterrupts } from "./interrupt.js";
import { createProgressView } from "./progress-view.js";
import { registryClientOptions } from "./registry-client.js";
import { prepareReferrersPush, readKey } from "./push-referrers.js";
import { checkSignFlags } from "./sign-flags.js";

/** `wasmpack push`: the last build's images (or --from a layout) to REF, printing REPO@sha256:…. */
export async function push(ref: string, options: PushCommandOptions, env: Record<string, string | undefined>): Promise<void> {
  const out = createConsole({ quiet: options.quiet });
  const target = parseReference(ref);
  const source = await findSource(options, env);
  checkSignFlags(options, true);
  const results = await pushImages({ ...source, target, extraTags: options.tag, flags: options, env, quiet: options.quiet, referrers: options.referrers !== false, sign: options.sign ? options.key : undefined });
  if (source.record) await saveBuildRecord(process.cwd(), env, { ...source.record, pushed: results.map((r) => r.pinned) });
  report(out, results, options.json);
}

export interface PushedImage {
  ref: string;
  /** `registry/repository@sha256:…`, what Kubernetes manifests should name. */
  pinned: string;
  format?: string;
  result: PushResult;
  /** The SBOM, provenance and signature pushed as its referrers. */
  referrers: Descriptor[];
}

/**
 * Pushes the images of one build: the primary to the target's tag (and `extraTags`), every other
 * format to the target's tag plus the suffix it has in the layout (`1.0` → `1.0-wasm`).
 */
export async function pushImages(input: {
  layout: OciLayout;
  images: BuildRecord["images"];
  target: Reference;
  extraTags: readonly string[];
  flags: RegistryFlags;
  mountFrom?: string | undefined;
  env: Record<string, string | undefined>;
  quiet?: boolean | undefined;
  /** Push the layout's referrers of each image (default true). */
  referrers?: boolean | undefined;
  /** A signing key file: sign each image pushed. */
  sign?: string | undefined;
}): Promise<PushedImage[]> {
  const { target } = input;
  const [primary, ...others] = input.images;
  if (!primary) throw new WasmpackError("input", "NOTHING_TO_PUSH", `${input.layout.dir} holds no image to push`);
  if (others.length > 0 && !target.tag) {
    throw new WasmpackError("usage", "TAG_REQUIRED", `${formatReference(target)}: the build wrote ${input.images.length} formats, which are pushed as tags of one repository; give the reference a tag`);
  }
  const baseTag = target.tag ?? (target.digest ? undefined : "latest");
  // A wrong key or password fails before anything is pushed.
  const key = input.sign ? await readKey(input.sign, input.env) : undefined;
  const options = await registryClientOptions(input.flags, input.env);
  const client = new RegistryClient(options);
  const progress = createProgressView({ verb: "pushed", quiet: input.quiet });
  // Open upload sessions are kept beside the layout, so that a push interrupted (or killed)
  // half-way through a big layer resumes it the next time.
  const uploadRecords = join(input.layout.dir, UPLOAD_RECORDS_DIR);
  const interrupts = watchInterrupts("push");
  // --mount-from names a repository of the target's registry, with or without that registry.
  const mountFrom = input.mountFrom
    ? parseReference(input.mountFrom.startsWith(`${target.registry}/`) ? input.mountFrom : `${target.registry}/${input.mountFrom}`)
    : undefined;
  try {
    const referrers = await prepareReferrersPush({ client, target, layout: input.layout, digests: input.images.map((i) => i.digest), attach: input.referrers !== false, key, signal: interrupts.signal });
    const pushed: PushedImage[] = [];
    for (const image of input.images) {
      const suffix = image === primary ? "" : suffixOf(image, primary);
      const tags = baseTag ? [`${baseTag}${suffix}`, ...(image === primary ? input.extraTags : [])] : [];
      const result = await pushFromLayout(input.layout, target, {
        client,
        source: image.tag,
        tags,
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
        ...(mountFrom ? { mountFrom } : {}),
        onProgress: progress.onProgress,
        uploadRecords,
        stop: interrupts.stop,
        signal: interrupts.signal,
      });
      const repo = `${target.registry}/${target.repository}`;
      pushed.push({ ref: tags[0] ? `${repo}:${tags[0]}` : repo, pinned: `${repo}@${result.digest}`, ...(image.format ? { format: image.format } : {}), result, referrers: [] });
    }
    const attached = await referrers.push(pushed.map((p) => p.result.descriptor));
    for (const image of pushed) image.referrers = attached.get(image.result.digest) ?? [];
    return pushed;
  } catch (error) {
    const signal = interrupts.received();
    throw signal ? new Interrupted(signal, "push") : error;
  } finally {
    interrupts.dispose();
    progress.done();
    await client.close();
  }
}

/** Beside `index.json` in the layout; OCI layout readers ignore entries they do not know. */
export const UPLOAD_RECORDS_DIR = ".wasmpack-uploads";

function suffixOf(image: BuildRecord["images"][number], primary: BuildRecord["images"][number]): string {
  return image.tag.startsWith(`${primary.tag}-`) ? image.tag.slice(primary.tag.length) : `-${image.format ?? image.tag}`;
}

async function findSource(options: PushCommandOptions, env: Record<string, string | undefined>): Promise<{ layout: OciLayout; images: BuildRecord["images"]; record?: BuildRecord }> {
  if (options.from) {
    const located = await locateLayoutImage(options.from, env);
    if (located.tag !== undefined && options.sourceTag !== undefined && located.tag !== options.sourceTag) {
      throw new WasmpackError("usage", "SOURCE_TAG_CONFLICT", `--from ${options.from} names tag ${located.tag}, --source-tag names ${options.sourceTag}: give one`);
    }
    const layout = await OciLayout.open(located.layout);
    const wanted = options.sourceTag ?? located.tag;
    const descriptor = await layout.resolve(wanted);
    const tag = wanted ?? descriptor.annotations?.["org.opencontainers.image.ref.name"] ?? descriptor.digest;
    return { layout, images: [{ tag, digest: descriptor.digest }] };
  }
  const record = await loadBuildRecord(process.cwd(), env);
  if (!record) {
    throw new WasmpackError("usage", "NO_BUILD", "no image to push: run `wasmpack build` in this directory first, or pass --from LAYOUT");
  }
  const layout = await OciLayout.open(record.layout);
  const images = options.sourceTag ? record.images.filter((i) => i.tag === options.sourceTag) : record.images;
  if (images.length === 0) throw new WasmpackError("usage", "TAG_UNKNOWN", `the last build wrote no image tagged ${JSON.stringify(options.sourceTag)}`);
  return { layout, images, record };
}

function report(out: Console, results: PushedImage[], json: boolean | undefined): void {
  for (const { ref, pinned, format, result, referrers } of results) {
    out.info(`pushed ${format ? `${format} ` : ""}${ref}: ${result.pushed} blobs uploaded, ${result.skipped} already there, ${result.mounted} mounted, ${formatBytes(result.bytes)}`);
    for (const referrer of referrers) out.info(`  referrer ${referrer.artifactType} ${referrer.digest}`);
    if (!json) out.result(pinned);
  }
  if (!json) return;
  const [first] = results;
  if (!first) return;
  const summary = (p: PushedImage) => ({
    ref: p.ref,
    pinned: p.pinned,
    digest: p.result.digest,
    tags: p.result.tags,
    pushed: p.result.pushed,
    skipped: p.result.skipped,
    mounted: p.result.mounted,
    bytes: p.result.bytes,
    referrers: p.referrers.map((r) => ({ artifactType: r.artifactType, digest: r.digest })),
    ...(p.format ? { format: p.format } : {}),
  });
  out.json({ ...summary(first), ...(results.length > 1 ? { images: results.map(summary) } : {}) });
}

export interface PushedService {
  refs: string[];
  pinned: string[];
  pushed: number;
  skipped: number;
  mounted: number;
  bytes: number;
}

/** Each built service to PREFIX/NAME:TAG through one registry client; `pushed` fills as they go. */
export async function pushServices(
  prefix: string,
  services: { service: ServiceOutcome["service"]; result: NonNullable<ServiceOutcome["result"]> }[],
  options: RegistryFlags,
  env: Record<string, string | undefined>,
  quiet: boolean | undefined,
  pushed: Map<string, PushedService>,
): Promise<void> {
  const clientOptions = await registryClientOptions(options, env);
  // One client for every service: one connection pool, tokens cached per repository, and blobs
  // one service pushed are mounted into the next service's repository instead of uploaded again.
  const client = new RegistryClient(clientOptions);
  const progress = createProgressView({ verb: "pushed", quiet });
  const out = createConsole({ quiet });
  // Ctrl-C finishes the chunk in flight and ends the run with 130, as `wasmpack push` does; the
  // next run resumes the upload from the records kept beside each service's layout.
  const interrupts = watchInterrupts("push");
  try {
    for (const { service, result } of services) {
      const target = parseReference(`${prefix}/${service.name}:${result.tag}`);
      const layout = await OciLayout.open(result.layout);
      const repo = `${target.registry}/${target.repository}`;
      const entry: PushedService = { refs: [], pinned: [], pushed: 0, skipped: 0, mounted: 0, bytes: 0 };
      try {
        const referrers = await prepareReferrersPush({ client, target, layout, digests: result.images.map((i) => i.digest), attach: true, signal: interrupts.signal });
        const descriptors: Descriptor[] = [];
        for (const image of result.images) {
          const done = await pushFromLayout(layout, target, {
            client,
            source: image.tag,
            tags: [image.tag],
            ...(clientOptions.concurrency ? { concurrency: clientOptions.concurrency } : {}),
            onProgress: progress.onProgress,
            uploadRecords: join(layout.dir, UPLOAD_RECORDS_DIR),
            stop: interrupts.stop,
            signal: interrupts.signal,
          });
          descriptors.push(done.descriptor);
          entry.refs.push(`${repo}:${image.tag}`);
          entry.pinned.push(`${repo}@${done.digest}`);
          entry.pushed += done.pushed;
          entry.skipped += done.skipped;
          entry.mounted += done.mounted;
          entry.bytes += done.bytes;
        }
        await referrers.push(descriptors);
      } catch (error) {
        const signal = interrupts.received();
        if (signal) throw new Interrupted(signal, "push");
        const before = [...pushed.keys()];
        const why = error instanceof Error ? error.message : String(error);
        const kind: ErrorKind = isWasmpackError(error) ? error.kind : "registry";
        throw new WasmpackError(kind, "WORKSPACE_PUSH_FAILED", `pushing ${service.name} to ${repo} failed: ${why}${before.length ? ` (already pushed: ${before.join(", ")})` : ""}`, { cause: error });
      }
      pushed.set(service.name, entry);
      out.info(`pushed ${service.name} ${entry.refs.join(", ")}: ${entry.pushed} blobs uploaded, ${entry.skipped} already there, ${entry.mounted} mounted, ${formatBytes(entry.bytes)}`);
    }
  } finally {
    interrupts.dispose();
    progress.done();
    await client.close();
  }
}
