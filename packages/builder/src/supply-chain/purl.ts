import type { PackageSource } from "./graph.js";

/**
 * The Package URL of a cargo package, per the purl-spec `cargo` type
 * (https://github.com/package-url/purl-spec/blob/main/types-doc/cargo-definition.md): crates.io
 * packages get the plain `pkg:cargo/NAME@VERSION`; a package from another registry says which with
 * `repository_url`, one from git with `vcs_url` (purl-spec's standard qualifiers); a local path
 * package has no purl, as it has no location anyone else could fetch it from.
 */
export function cargoPurl(name: string, version: string, source: PackageSource): string | undefined {
  const base = `pkg:cargo/${encodeSegment(name)}@${encodeSegment(version)}`;
  switch (source.kind) {
    case "registry":
      return source.cratesIo ? base : `${base}?repository_url=${encodeQualifier(source.url)}`;
    case "git":
      return `${base}?vcs_url=${encodeQualifier(`git+${source.url}${source.rev ? `@${source.rev}` : ""}`)}`;
    case "path":
      return undefined;
  }
}

function encodeSegment(text: string): string {
  return encodeURIComponent(text);
}

/** purl-spec: qualifier values are percent-encoded; ':' and '/' need not be. */
function encodeQualifier(text: string): string {
  return encodeURIComponent(text).replace(/%3A/gi, ":").replace(/%2F/gi, "/");
}

/** Where a crate can be downloaded from, for SBOMs: crates.io's download URL, or git's. */
export function downloadLocation(name: string, version: string, source: PackageSource): string | undefined {
  if (source.kind === "registry" && source.cratesIo) return `https://crates.io/api/v1/crates/${encodeSegment(name)}/${encodeSegment(version)}/download`;
  if (source.kind === "git") return `git+${source.url}${source.rev ? `@${source.rev}` : ""}`;
  return undefined;
}
