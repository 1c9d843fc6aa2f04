import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { toSpdx } from "./spdx.js";
import type { DependencyGraph } from "./graph.js";

// A hand-built graph: app → itertools → either (linked); app → paste (a proc-macro) → helper and
// app ⇢ autocfg (a build-dependency), all host-only.
const testGraph = (): DependencyGraph => JSON.parse(readFileSync(new URL("./test-graph.json", import.meta.url), "utf8")) as DependencyGraph;
const META = { created: new Date(1_700_000_000_000), wasmpackVersion: "0.1.0", wasm: [{ name: "app.wasm", digest: `sha256:${"ef".repeat(32)}` }] };

type Doc = {
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: Array<{ SPDXID: string; name: string; primaryPackagePurpose: string; comment?: string; licenseDeclared: string; downloadLocation: string; externalRefs?: unknown[]; checksums?: unknown[] }>;
  relationships: Array<{ spdxElementId: string; relationshipType: string; relatedSpdxElement: string }>;
};
const parse = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as Doc;

describe("toSpdx", () => {
  it("gives the same bytes for the same graph, whatever order it was built in", () => {
    const graph = testGraph();
    const shuffled = { ...graph, packages: [...graph.packages].reverse(), edges: [...graph.edges].reverse() };
    expect(Buffer.from(toSpdx(graph, META)).equals(Buffer.from(toSpdx(testGraph(), META)))).toBe(true);
    expect(Buffer.from(toSpdx(shuffled, META)).equals(Buffer.from(toSpdx(graph, META)))).toBe(true);
    const doc = parse(toSpdx(graph, META));
    expect(doc.documentNamespace).toMatch(/^https:\/\/spdx\.org\/spdxdocs\/app-1\.0\.0-[0-9a-f]{64}$/);
    expect(doc.creationInfo).toEqual({ created: "2023-11-14T22:13:20Z", creators: ["Tool: wasmpack-0.1.0"] });
  });

  it("changes the namespace when the content changes", () => {
    const other = testGraph();
    other.packages.find((p) => p.name === "either")!.version = "1.9.1";
    expect(parse(toSpdx(other, META)).documentNamespace).not.toBe(parse(toSpdx(testGraph(), META)).documentNamespace);
  });

  it("describes the root, links linked packages with DEPENDS_ON and host packages with BUILD_* relationships", () => {
    const doc = parse(toSpdx(testGraph(), META));
    const rels = doc.relationships.map((r) => `${r.spdxElementId} ${r.relationshipType} ${r.relatedSpdxElement}`);
    expect(rels).toEqual([
      "SPDXRef-DOCUMENT DESCRIBES SPDXRef-Package-app-1.0.0",
      "SPDXRef-Package-app-1.0.0 DEPENDS_ON SPDXRef-Package-itertools-0.10.5",
      `SPDXRef-Package-app-1.0.0 GENERATES SPDXRef-File-app.wasm-${"ef".repeat(6)}`,
      "SPDXRef-Package-autocfg-1.1.0 BUILD_DEPENDENCY_OF SPDXRef-Package-app-1.0.0",
      "SPDXRef-Package-itertools-0.10.5 DEPENDS_ON SPDXRef-Package-either-1.9.0",
      "SPDXRef-Package-paste-1.0.14 BUILD_TOOL_OF SPDXRef-Package-app-1.0.0",
      "SPDXRef-Package-paste-1.0.14 DEPENDS_ON SPDXRef-Package-helper-0.1.0",
    ]);
    const byName = new Map(doc.packages.map((p) => [p.name, p]));
    expect(byName.get("app")).toMatchObject({ primaryPackagePurpose: "APPLICATION", licenseDeclared: "MIT", downloadLocation: "NOASSERTION" });
    expect(byName.get("app")!.externalRefs).toBeUndefined();
    expect(byName.get("either")).toMatchObject({
      primaryPackagePurpose: "LIBRARY",
      downloadLocation: "https://crates.io/api/v1/crates/either/1.9.0/download",
      checksums: [{ algorithm: "SHA256", checksumValue: "ab".repeat(32) }],
      externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: "pkg:cargo/either@1.9.0" }],
    });
    expect(byName.get("either")!.comment).toBeUndefined();
    for (const host of ["paste", "autocfg", "helper"]) expect(byName.get(host)!.comment).toMatch(/^host-only/);
    expect(byName.get("autocfg")!.licenseDeclared).toBe("NOASSERTION");
    expect(byName.get("app.wasm")).toMatchObject({ primaryPackagePurpose: "FILE", checksums: [{ algorithm: "SHA256", checksumValue: "ef".repeat(32) }] });
  });

  it("writes both relationships for a package that is a normal and a build dependency", () => {
    const graph = testGraph();
    graph.edges[1]!.kinds = ["build", "normal"];
    const rels = parse(toSpdx(graph, META)).relationships.filter((r) => r.spdxElementId.includes("itertools") || r.relatedSpdxElement.includes("itertools"));
    expect(rels.map((r) => r.relationshipType).sort()).toEqual(["BUILD_DEPENDENCY_OF", "DEPENDS_ON", "DEPENDS_ON"]);
  });

  it("keeps SPDXIDs unique when two packages share a name and version", () => {
    const graph = testGraph();
    const twin = { ...graph.packages.find((p) => p.name === "either")!, id: "either 1.9.0 (git+https://example.com/either#abc)" };
    graph.packages.push(twin);
    const ids = parse(toSpdx(graph, META)).packages.map((p) => p.SPDXID);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
