// Independent judges of what wasmpack wrote: skopeo (OCI layouts and registries), umoci (a
// layout's rootfs), and a plain reader of a layout's index.json.

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runOk } from "./cli.js";

/** skopeo's view of an image in an OCI layout: `info` (`skopeo inspect`), the raw manifest, or the config. */
export async function skopeoInspect(layout: string, tag: string, what: "manifest" | "config" | "info" = "info"): Promise<Record<string, unknown>> {
  const flag = what === "manifest" ? ["--raw"] : what === "config" ? ["--config"] : [];
  const { stdout } = await runOk("skopeo", ["inspect", ...flag, `oci:${layout}:${tag}`]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

/**
 * `skopeo copy` as an independent judge of what a registry holds. Plain-HTTP loopback
 * registries need `--src-tls-verify=false` / `--dest-tls-verify=false`; credentials as `user:pass`.
 */
export async function skopeoCopy(from: string, to: string, options: { srcCreds?: string; destCreds?: string; all?: boolean } = {}): Promise<void> {
  const args = ["--insecure-policy", "copy", "--quiet"];
  if (options.all) args.push("--all");
  if (from.startsWith("docker://")) args.push("--src-tls-verify=false");
  if (to.startsWith("docker://")) args.push("--dest-tls-verify=false");
  if (options.srcCreds) args.push("--src-creds", options.srcCreds);
  if (options.destCreds) args.push("--dest-creds", options.destCreds);
  await runOk("skopeo", [...args, from, to], { timeoutMs: 120_000 });
}

/** The digest of the manifest `skopeo inspect` sees for a reference (`docker://…`, `oci:…`). */
export async function skopeoDigest(reference: string, options: { creds?: string } = {}): Promise<string> {
  const args = ["--insecure-policy", "inspect", "--raw"];
  if (reference.startsWith("docker://")) args.push("--tls-verify=false");
  if (options.creds) args.push("--creds", options.creds);
  const { stdout } = await runOk("skopeo", [...args, reference]);
  return `sha256:${createHash("sha256").update(stdout).digest("hex")}`;
}

/**
 * Unpacks the image's rootfs with umoci (`raw unpack`: umoci's full unpack refuses os `wasi`
 * only because it cannot write a Linux runtime config for it).
 */
export async function umociUnpack(layout: string, tag: string, rootfs: string): Promise<void> {
  await runOk("umoci", ["raw", "unpack", "--image", `${layout}:${tag}`, rootfs]);
}

export interface LayoutDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string; variant?: string };
}

export interface LayoutIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: LayoutDescriptor[];
}

/** An OCI layout's index.json, as written (by wasmpack, skopeo or anyone). */
export async function layoutIndex(layout: string): Promise<LayoutIndex> {
  return JSON.parse(await readFile(join(layout, "index.json"), "utf8")) as LayoutIndex;
}

/** The descriptor index.json tags `tag` (`org.opencontainers.image.ref.name`), if any. */
export async function layoutDescriptor(layout: string, tag: string): Promise<LayoutDescriptor | undefined> {
  return (await layoutIndex(layout)).manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === tag);
}

/** The manifest digest an OCI layout written by skopeo (or anyone) holds under `tag`. */
export async function layoutDigest(layout: string, tag: string): Promise<string | undefined> {
  return (await layoutDescriptor(layout, tag))?.digest;
}

/** A referrer in an OCI layout: an index.json entry whose manifest names a `subject` (OCI 1.1). */
export interface LayoutReferrer {
  digest: string;
  artifactType: string | undefined;
  subject: string;
}

/**
 * Splits a layout's index.json into images and referrers by reading each entry's manifest: a
 * referrer is a manifest with a `subject` (the OCI 1.1 definition), whatever its index entry says.
 */
export async function layoutEntries(layout: string): Promise<{ images: LayoutDescriptor[]; referrers: LayoutReferrer[] }> {
  const images: LayoutDescriptor[] = [];
  const referrers: LayoutReferrer[] = [];
  for (const entry of (await layoutIndex(layout)).manifests) {
    const manifest = JSON.parse(await readFile(join(layout, "blobs", ...entry.digest.split(":")), "utf8")) as { artifactType?: string; subject?: { digest: string } };
    if (manifest.subject) referrers.push({ digest: entry.digest, artifactType: manifest.artifactType, subject: manifest.subject.digest });
    else images.push(entry);
  }
  return { images, referrers };
}

/** What `wasmpack build` attaches to every image it writes: an SBOM and SLSA provenance. */
export const BUILD_REFERRERS = ["application/spdx+json", "application/vnd.in-toto+json"];

/** The artifact types of the referrers of `subject`, sorted. */
export function referrerTypes(referrers: LayoutReferrer[], subject: string): (string | undefined)[] {
  return referrers.filter((r) => r.subject === subject).map((r) => r.artifactType).sort();
}
