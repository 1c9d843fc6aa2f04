import { describe, expect, it } from "vitest";
import { LOCAL_BUILDER_ID, toProvenance, WASMPACK_BUILD_TYPE, type ProvenanceInput } from "./provenance.js";

const input = (): ProvenanceInput => ({
  subjects: [
    { name: "oci:app:1.0.0", digest: `sha256:${"11".repeat(32)}` },
    { name: "app.wasm", digest: "22".repeat(32) },
  ],
  source: {
    git: { repository: "https://github.com/org/app.git", commit: "a".repeat(40), dirty: false, path: "services/app" },
    ci: { name: "github-actions", builderId: "https://github.com/actions/runner/github-hosted", invocationId: "https://github.com/org/app/actions/runs/7/attempts/1" },
  },
  build: { project: "services/app", target: "wasm32-wasip1", formats: ["compat"], tags: ["1.0.0"], flags: { strip: true } },
  versions: { wasmpack: "0.1.0", rustc: "1.63.0", cargo: "1.65.0" },
  lockfile: { name: "Cargo.lock", sha256: "33".repeat(32) },
});

type Statement = {
  _type: string;
  predicateType: string;
  subject: Array<{ name: string; digest: { sha256: string } }>;
  predicate: {
    buildDefinition: { buildType: string; externalParameters: Record<string, unknown>; internalParameters: Record<string, unknown>; resolvedDependencies: unknown[] };
    runDetails: { builder: { id: string; version: Record<string, string> }; metadata?: { invocationId: string; startedOn?: string } };
  };
};
const parse = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as Statement;

describe("toProvenance", () => {
  it("writes an in-toto Statement v1 with SLSA provenance v1, subjects sorted, the same bytes every time", () => {
    const bytes = toProvenance(input());
    expect(Buffer.from(bytes).equals(Buffer.from(toProvenance(input())))).toBe(true);
    const statement = parse(bytes);
    expect(statement._type).toBe("https://in-toto.io/Statement/v1");
    expect(statement.predicateType).toBe("https://slsa.dev/provenance/v1");
    expect(statement.subject).toEqual([
      { name: "app.wasm", digest: { sha256: "22".repeat(32) } },
      { name: "oci:app:1.0.0", digest: { sha256: "11".repeat(32) } },
    ]);
    const { buildDefinition, runDetails } = statement.predicate;
    expect(buildDefinition.buildType).toBe(WASMPACK_BUILD_TYPE);
    expect(buildDefinition.externalParameters).toEqual({ project: "services/app", sourcePath: "services/app", target: "wasm32-wasip1", formats: ["compat"], tags: ["1.0.0"], flags: { strip: true } });
    expect(buildDefinition.internalParameters).toEqual({ rustc: "1.63.0", cargo: "1.65.0" });
    expect(buildDefinition.resolvedDependencies).toEqual([
      { uri: "git+https://github.com/org/app.git", digest: { gitCommit: "a".repeat(40) }, annotations: { dirty: false } },
      { name: "Cargo.lock", digest: { sha256: "33".repeat(32) } },
    ]);
    expect(runDetails).toEqual({
      builder: { id: "https://github.com/actions/runner/github-hosted", version: { wasmpack: "0.1.0", rustc: "1.63.0", cargo: "1.65.0" } },
      metadata: { invocationId: "https://github.com/org/app/actions/runs/7/attempts/1" },
    });
    expect(new TextDecoder().decode(bytes)).not.toMatch(/startedOn|finishedOn/);
  });

  it("names the local builder and leaves out what is unknown outside git and CI", () => {
    const statement = parse(toProvenance({ ...input(), source: {}, lockfile: undefined } as ProvenanceInput));
    expect(statement.predicate.runDetails).toEqual({ builder: { id: LOCAL_BUILDER_ID, version: { wasmpack: "0.1.0", rustc: "1.63.0", cargo: "1.65.0" } } });
    expect(statement.predicate.buildDefinition.resolvedDependencies).toEqual([]);
  });
});
