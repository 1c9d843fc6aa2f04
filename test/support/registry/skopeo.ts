import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { run } from "./run.js";

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
  await run("skopeo", [...args, from, to], { timeoutMs: 120_000 });
}

/** The digest of the manifest `skopeo inspect` sees for a reference. */
export async function skopeoDigest(reference: string, options: { creds?: string } = {}): Promise<string> {
  const args = ["--insecure-policy", "inspect", "--raw"];
  if (reference.startsWith("docker://")) args.push("--tls-verify=false");
  if (options.creds) args.push("--creds", options.creds);
  const { stdout } = await run("skopeo", [...args, reference]);
  return `sha256:${createHash("sha256").update(stdout).digest("hex")}`;
}

/** The manifest digest an OCI layout written by skopeo (or anyone) holds under `tag`. */
export async function layoutDigest(dir: string, tag: string): Promise<string | undefined> {
  const index = JSON.parse(await readFile(join(dir, "index.json"), "utf8")) as {
    manifests: { digest: string; annotations?: Record<string, string> }[];
  };
  return index.manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === tag)?.digest;
}
