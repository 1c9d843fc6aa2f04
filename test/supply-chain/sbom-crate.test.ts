// The SBOM of a real crate (test/fixtures/sbom-crate: one dependency of each kind cargo has), read
// with Debian's cargo 1.65 / rustc 1.63 for wasm32-wasi, judged by tools nobody here wrote: cargo
// tree (what a build compiles, and what is linked), syft (what the Cargo.lock holds), the SPDX
// Python tools and CycloneDX's own JSON schema (through cyclonedx-python-lib).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readDependencyGraph, readSourceInfo, toCycloneDx, toProvenance, toSpdx, type DependencyGraph } from "@wasmpack/builder";
import { REPO_ROOT, runCommand, runOk } from "../support/cli.js";
import { tempDir } from "../support/temp.js";
import { findTool } from "../support/tools.js";

const CARGO = "/usr/bin/cargo";
const RUSTC = "/usr/bin/rustc";
const TARGET = "wasm32-wasi";
const FIXTURE = join(REPO_ROOT, "test/fixtures/sbom-crate");
const hasDebianRust = existsSync(CARGO) && existsSync(RUSTC) && existsSync("/usr/lib/rustlib/wasm32-wasi/lib");
// This machine's network reaches crates.io only through the sparse index (its git index on
// github.com is unreachable); Debian's cargo 1.65 has the sparse protocol only as an unstable
// feature (the fixture's .cargo/config.toml turns it on), which these two variables unlock. Only
// for this fixture: nothing else in the suite needs crates.io.
const ENV = {
  PATH: process.env["PATH"],
  HOME: process.env["HOME"],
  RUSTC,
  __CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS: "nightly",
  CARGO_REGISTRIES_CRATES_IO_PROTOCOL: "sparse",
};
const python = (code: string) => spawnSync("python3", ["-c", code], { encoding: "utf8" });
const hasSpdxTools = python("import spdx_tools.spdx.clitools.pyspdxtools").status === 0;
const hasCycloneDx = python("from cyclonedx.validation.json import JsonStrictValidator").status === 0;
const hasInToto = python("import in_toto_attestation.predicates.provenance.v1.provenance_pb2").status === 0;
const syft = findTool("syft");
const skipped = (what: string, why: string) => process.stderr.write(`SKIPPED: ${what}: ${why}\n`);
if (!hasDebianRust) skipped("the sbom-crate SBOM tests", "Debian's cargo, rustc and wasm32-wasi std (scripts/install-deps.sh --main) are not installed");
if (!syft) skipped("the syft judge of the SBOM", "syft is not on PATH or in .tools/bin");
if (!hasSpdxTools) skipped("the SPDX judge of the SBOM", "Python's spdx-tools is not installed (scripts/install-deps.sh installs it)");
if (!hasInToto) skipped("the in-toto judge of the provenance", "Python's in-toto-attestation is not installed (scripts/install-deps.sh installs it)");
if (!hasCycloneDx) skipped("the CycloneDX judge of the SBOM", "Python's cyclonedx-python-lib[json-validation] is not installed (scripts/install-deps.sh installs it)");
const WASMPACK_VERSION = "0.1.0";
const CREATED = new Date(1_700_000_000_000);

/** `cargo tree --prefix none` lines ("name vX.Y.Z (…)") as name@version, without repeats. */
async function cargoTree(dir: string, edges: string): Promise<string[]> {
  const { stdout } = await runOk(CARGO, ["tree", "--locked", "--target", TARGET, "-e", edges, "--prefix", "none"], { cwd: dir, env: ENV, timeoutMs: 120_000 });
  const names = stdout.split("\n").filter(Boolean).map((line) => {
    const match = /^(\S+) v(\S+)/.exec(line);
    if (!match) throw new Error(`cargo tree printed ${JSON.stringify(line)}`);
    return `${match[1]}@${match[2]}`;
  });
  return [...new Set(names)].sort();
}

const nameAt = (p: { name: string; version: string }) => `${p.name}@${p.version}`;

describe.skipIf(!hasDebianRust)("the SBOM of test/fixtures/sbom-crate (Debian's cargo and rustc, wasm32-wasi)", () => {
  let dir: string;
  let graph: DependencyGraph;
  let wasmDigest: string;
  let spdxFile: string;
  let cdxFile: string;
  let metadataMs: number;

  beforeAll(async () => {
    dir = join(await tempDir("wasmpack-sbom-"), "sbom-crate");
    cpSync(FIXTURE, dir, { recursive: true }); // cargo writes target/ here, not into the repository
    const options = { cargo: CARGO, rustc: RUSTC, manifestPath: join(dir, "Cargo.toml"), target: TARGET, env: ENV };
    await readDependencyGraph(options); // the first run may download the crates' sources
    const started = performance.now();
    graph = await readDependencyGraph(options);
    metadataMs = performance.now() - started;
    await runOk(CARGO, ["build", "--locked", "--release", "--target", TARGET], { cwd: dir, env: ENV, timeoutMs: 300_000 });
    const wasm = await readFile(join(dir, "target", TARGET, "release", "sbom-crate.wasm"));
    wasmDigest = `sha256:${createHash("sha256").update(wasm).digest("hex")}`;
    const meta = { created: CREATED, wasmpackVersion: WASMPACK_VERSION, wasm: [{ name: "sbom-crate.wasm", digest: wasmDigest }] };
    spdxFile = join(dir, "sbom.spdx.json");
    cdxFile = join(dir, "sbom.cdx.json");
    await writeFile(spdxFile, toSpdx(graph, meta));
    await writeFile(cdxFile, toCycloneDx(graph, meta));
  }, 600_000);

  it("lists what the build compiles: linked itertools and either, host-only paste, autocfg, jobserver and its cfg(unix) libc; no dev or windows dependency", () => {
    const byName = Object.fromEntries(graph.packages.map((p) => [nameAt(p), p.classification]));
    expect(byName).toEqual({
      "autocfg@1.1.0": "host",
      "either@1.19.0": "linked",
      "itertools@0.10.5": "linked",
      "jobserver@0.1.26": "host",
      "libc@0.2.169": "host", // jobserver's [target.'cfg(unix)'.dependencies]: the host is unix, wasm is not
      "paste@1.0.14": "host",
      "sbom-crate@0.3.1": "linked",
    });
    const either = graph.packages.find((p) => p.name === "either")!;
    expect(either).toMatchObject({ purl: "pkg:cargo/either@1.19.0", license: "MIT OR Apache-2.0", checksum: "0e9c71c2167ca323c882b99918929403426e2373ea17242ff5653e0d5e1058be" });
    expect(graph.packages.find((p) => p.name === "itertools")!.license).toBe("MIT OR Apache-2.0"); // its manifest says MIT/Apache-2.0
    process.stderr.write(`readDependencyGraph on sbom-crate: ${metadataMs.toFixed(0)} ms\n`);
  });

  it("links exactly what cargo tree -e normal,no-proc-macro lists, and lists exactly what -e normal,build compiles", async () => {
    const linked = graph.packages.filter((p) => p.classification === "linked").map(nameAt).sort();
    expect(linked).toEqual(await cargoTree(dir, "normal,no-proc-macro"));
    expect(graph.packages.map(nameAt).sort()).toEqual(await cargoTree(dir, "normal,build"));
  });

  it.skipIf(!syft)("holds every package syft finds in Cargo.lock, or the package is not built for wasm32-wasi at all", async () => {
    const { stdout } = await runOk(syft!, ["scan", `file:${join(dir, "Cargo.lock")}`, "-o", "syft-json", "-q"], { env: { SYFT_CHECK_FOR_APP_UPDATE: "false" }, timeoutMs: 120_000 });
    const found = (JSON.parse(stdout) as { artifacts: Array<{ name: string; version: string }> }).artifacts.map(nameAt).sort();
    expect(found.length).toBeGreaterThan(5);
    const ours = new Set(graph.packages.map(nameAt));
    const built = new Set(await cargoTree(dir, "normal,build"));
    const extra = found.filter((p) => !ours.has(p));
    expect(extra.filter((p) => built.has(p))).toEqual([]);
    // the extras are the dev-dependency (and what it pulls in elsewhere) and the windows-only one
    expect(extra).toEqual(["cfg-if@1.0.5", "fastrand@1.9.0", "instant@0.1.13", "scopeguard@1.2.0"]);
    expect([...ours].filter((p) => !found.includes(p))).toEqual([]);
  });

  it.skipIf(!hasSpdxTools)("writes SPDX 2.3 the SPDX Python tools accept", async () => {
    const result = await runCommand("python3", ["-m", "spdx_tools.spdx.clitools.pyspdxtools", "-i", spdxFile], { timeoutMs: 120_000 });
    expect(result.stdout + result.stderr).not.toMatch(/invalid|error/i);
    expect(result.exitCode).toBe(0);
  });

  it.skipIf(!hasCycloneDx)("writes CycloneDX 1.6 the official 1.6 JSON schema accepts (cyclonedx-python-lib's strict validator)", async () => {
    const code = [
      "import sys",
      "from cyclonedx.schema import SchemaVersion",
      "from cyclonedx.validation.json import JsonStrictValidator",
      "error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(open(sys.argv[1]).read())",
      "print(error or 'valid')",
      "sys.exit(1 if error else 0)",
    ].join("\n");
    const result = await runCommand("python3", ["-c", code, cdxFile], { timeoutMs: 120_000 });
    expect(result.stdout.trim()).toBe("valid");
  });

  it("tells host from linked in both documents: SPDX relationships, CycloneDX scopes", async () => {
    const spdx = JSON.parse(await readFile(spdxFile, "utf8")) as { relationships: Array<{ spdxElementId: string; relationshipType: string; relatedSpdxElement: string }> };
    const short = (id: string) => id.replace(/^SPDXRef-(Package|File)-/, "");
    expect(spdx.relationships.map((r) => `${short(r.spdxElementId)} ${r.relationshipType} ${short(r.relatedSpdxElement)}`)).toEqual([
      "SPDXRef-DOCUMENT DESCRIBES sbom-crate-0.3.1",
      "autocfg-1.1.0 BUILD_DEPENDENCY_OF sbom-crate-0.3.1",
      "itertools-0.10.5 DEPENDS_ON either-1.19.0",
      "jobserver-0.1.26 BUILD_DEPENDENCY_OF sbom-crate-0.3.1",
      "jobserver-0.1.26 DEPENDS_ON libc-0.2.169",
      "paste-1.0.14 BUILD_TOOL_OF sbom-crate-0.3.1",
      "sbom-crate-0.3.1 DEPENDS_ON itertools-0.10.5",
      `sbom-crate-0.3.1 GENERATES sbom-crate.wasm-${wasmDigest.slice(7, 19)}`,
    ]);
    const cdx = JSON.parse(await readFile(cdxFile, "utf8")) as { components: Array<{ name: string; scope?: string }> };
    expect(Object.fromEntries(cdx.components.map((c) => [c.name, c.scope ?? "-"]))).toEqual({
      autocfg: "excluded", either: "required", itertools: "required", jobserver: "excluded", libc: "excluded", paste: "excluded", "sbom-crate.wasm": "-",
    });
  });

  it("names the wasm with its digest in both documents, and writes the same bytes from another checkout of the same source", async () => {
    const hex = wasmDigest.slice("sha256:".length);
    expect(await readFile(spdxFile, "utf8")).toContain(hex);
    expect(await readFile(cdxFile, "utf8")).toContain(hex);
    const other = join(await tempDir("wasmpack-sbom-again-"), "elsewhere");
    cpSync(FIXTURE, other, { recursive: true });
    const again = await readDependencyGraph({ cargo: CARGO, rustc: RUSTC, manifestPath: join(other, "Cargo.toml"), target: TARGET, env: ENV });
    const meta = { created: CREATED, wasmpackVersion: WASMPACK_VERSION, wasm: [{ name: "sbom-crate.wasm", digest: wasmDigest }] };
    expect(Buffer.from(toSpdx(again, meta)).equals(await readFile(spdxFile))).toBe(true);
    expect(Buffer.from(toCycloneDx(again, meta)).equals(await readFile(cdxFile))).toBe(true);
  });

  it("fails in one line naming Cargo.lock when it is missing or stale", async () => {
    const copy = join(await tempDir("wasmpack-sbom-lock-"), "crate");
    cpSync(FIXTURE, copy, { recursive: true, filter: (src) => !src.endsWith("Cargo.lock") });
    const options = { cargo: CARGO, rustc: RUSTC, manifestPath: join(copy, "Cargo.toml"), target: TARGET, env: ENV };
    await expect(readDependencyGraph(options)).rejects.toMatchObject({ code: "CARGO_LOCK_MISSING", message: `${join(copy, "Cargo.lock")} is missing: run \`cargo generate-lockfile\` and commit it; the SBOM lists what it locks` });
    await writeFile(join(copy, "Cargo.lock"), await readFile(join(FIXTURE, "Cargo.lock")));
    const manifest = await readFile(join(FIXTURE, "Cargo.toml"), "utf8");
    await writeFile(join(copy, "Cargo.toml"), manifest.replace('paste = "=1.0.14"', 'paste = "=1.0.13"'));
    await expect(readDependencyGraph(options)).rejects.toMatchObject({ code: "CARGO_LOCK_OUTDATED", message: expect.stringMatching(/Cargo\.lock does not match Cargo\.toml: run `cargo update`/) });
  });

  it("writes provenance for the fixture's wasm outside git and CI: a local builder, the Cargo.lock digest", async () => {
    const source = await readSourceInfo({ dir, env: { PATH: process.env["PATH"], GIT_CEILING_DIRECTORIES: join(dir, "..") } });
    expect(source).toEqual({});
    const statement = JSON.parse(new TextDecoder().decode(toProvenance({
      subjects: [{ name: "sbom-crate.wasm", digest: wasmDigest }],
      source,
      build: { project: ".", target: TARGET, formats: ["compat"], tags: ["0.3.1"] },
      versions: { wasmpack: WASMPACK_VERSION, rustc: "1.63.0" },
      lockfile: { name: "Cargo.lock", sha256: graph.lockfile.sha256 },
    }))) as { predicate: { runDetails: { builder: { id: string } }; buildDefinition: { resolvedDependencies: unknown[] } } };
    expect(statement.predicate.runDetails.builder.id).toBe("https://wasmpack.dev/local");
    const lockSha = createHash("sha256").update(await readFile(join(FIXTURE, "Cargo.lock"))).digest("hex");
    expect(statement.predicate.buildDefinition.resolvedDependencies).toEqual([{ name: "Cargo.lock", digest: { sha256: lockSha } }]);
  });

  it.skipIf(!hasInToto)("writes provenance in-toto's own Statement and SLSA v1 Provenance protos parse strictly (in-toto-attestation)", async () => {
    const env = { PATH: process.env["PATH"], GIT_CEILING_DIRECTORIES: join(dir, ".."), GITHUB_ACTIONS: "true", GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "org/sbom-crate", GITHUB_RUN_ID: "42", GITHUB_RUN_ATTEMPT: "1", GITHUB_SHA: "d".repeat(40) };
    const file = join(dir, "provenance.intoto.json");
    await writeFile(file, toProvenance({
      subjects: [{ name: "sbom-crate.wasm", digest: wasmDigest }, { name: "oci-layout:sbom-crate:0.3.1", digest: `sha256:${"1".repeat(64)}` }],
      source: await readSourceInfo({ dir, env }),
      build: { project: ".", target: TARGET, formats: ["compat", "wasm-artifact"], tags: ["0.3.1", "0.3.1-wasm"], flags: { strip: true, optimize: false } },
      versions: { wasmpack: WASMPACK_VERSION, rustc: "1.63.0", cargo: "1.65.0" },
      lockfile: { name: "Cargo.lock", sha256: graph.lockfile.sha256 },
    }));
    // Strict proto parsing rejects unknown fields and wrong types; then in-toto's own checks.
    const code = [
      "import json, sys",
      "from google.protobuf import json_format",
      "from in_toto_attestation.v1 import statement_pb2",
      "from in_toto_attestation.v1.statement import Statement",
      "from in_toto_attestation.v1.resource_descriptor import ResourceDescriptor",
      "from in_toto_attestation.predicates.provenance.v1 import provenance_pb2",
      "doc = json.load(open(sys.argv[1]))",
      "statement = json_format.ParseDict(doc, statement_pb2.Statement())",
      "Statement.copy_from_pb(statement).validate()",
      "assert statement.predicate_type == 'https://slsa.dev/provenance/v1', statement.predicate_type",
      "provenance = json_format.ParseDict(doc['predicate'], provenance_pb2.Provenance())",
      "assert provenance.build_definition.build_type and provenance.run_details.builder.id",
      "for rd in provenance.build_definition.resolved_dependencies: ResourceDescriptor.copy_from_pb(rd).validate()",
      "print('valid', len(statement.subject), len(provenance.build_definition.resolved_dependencies), provenance.run_details.metadata.invocation_id)",
    ].join("\n");
    const result = await runCommand("python3", ["-c", code, file], { timeoutMs: 60_000 });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("valid 2 2 https://github.com/org/sbom-crate/actions/runs/42/attempts/1");
  });
});
