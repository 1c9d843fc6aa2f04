import type { SourceInfo } from "./source-info.js";
import { byCodeUnit, sha256Of, stableJson } from "./stable-json.js";

/**
 * wasmpack's SLSA buildType. It is ours: the URL names this file's format of externalParameters
 * and internalParameters (https://slsa.dev/spec/v1.0/provenance#buildType), not a page that exists.
 */
export const WASMPACK_BUILD_TYPE = "https://wasmpack.dev/build/v1";
/** builder.id when no CI system was recognized: a build on someone's machine. */
export const LOCAL_BUILDER_ID = "https://wasmpack.dev/local";

export interface ProvenanceInput {
  /** What the build made: wasm files and image manifests, each with "sha256:HEX" (or HEX). */
  subjects: Array<{ name: string; digest: string }>;
  /** From readSourceInfo. */
  source: SourceInfo;
  /** The external parameters as the user gave them. */
  build: {
    /** The project directory, relative (to the checkout's top, else "."): never an absolute path. */
    project: string;
    target: string;
    formats: string[];
    tags: string[];
    /** The flags that shaped the build (e.g. `{ strip: true, optimize: false, bin: "server" }`). */
    flags?: Record<string, string | number | boolean | string[]>;
  };
  versions: { wasmpack: string; rustc: string; cargo?: string };
  /** The Cargo.lock the dependencies were locked by: its name relative to the project (e.g. "Cargo.lock") and sha256. */
  lockfile?: { name: string; sha256: string };
}

/**
 * An in-toto Statement v1 (https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md)
 * carrying SLSA Provenance v1 (https://slsa.dev/spec/v1.0/provenance). Deterministic: no wall-clock
 * times (startedOn/finishedOn are left out), no absolute paths, remotes without credentials.
 */
export function toProvenance(input: ProvenanceInput): Uint8Array {
  const { source, build, versions } = input;
  const subjects = input.subjects
    .map((subject) => ({ name: subject.name, digest: { sha256: sha256Of(subject.digest) } }))
    .sort((a, b) => byCodeUnit(a.name, b.name) || byCodeUnit(a.digest.sha256, b.digest.sha256));
  const resolvedDependencies = [
    ...(source.git
      ? [{
          ...(source.git.repository ? { uri: `git+${source.git.repository}` } : {}),
          digest: { gitCommit: source.git.commit },
          ...(source.git.dirty === undefined ? {} : { annotations: { dirty: source.git.dirty } }),
        }]
      : []),
    ...(input.lockfile ? [{ name: input.lockfile.name, digest: { sha256: sha256Of(input.lockfile.sha256) } }] : []),
  ];
  const statement = {
    _type: "https://in-toto.io/Statement/v1",
    subject: subjects,
    predicateType: "https://slsa.dev/provenance/v1",
    predicate: {
      buildDefinition: {
        buildType: WASMPACK_BUILD_TYPE,
        externalParameters: {
          project: build.project,
          ...(source.git?.path && source.git.path !== "." ? { sourcePath: source.git.path } : {}),
          target: build.target,
          formats: [...build.formats],
          tags: [...build.tags],
          flags: build.flags ?? {},
        },
        internalParameters: { rustc: versions.rustc, ...(versions.cargo ? { cargo: versions.cargo } : {}) },
        resolvedDependencies,
      },
      runDetails: {
        builder: {
          id: source.ci?.builderId ?? LOCAL_BUILDER_ID,
          version: { wasmpack: versions.wasmpack, rustc: versions.rustc, ...(versions.cargo ? { cargo: versions.cargo } : {}) },
        },
        ...(source.ci?.invocationId ? { metadata: { invocationId: source.ci.invocationId } } : {}),
      },
    },
  };
  return stableJson(statement);
}
