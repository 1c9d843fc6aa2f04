import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { toCycloneDx } from "./cyclonedx.js";
import type { DependencyGraph } from "./graph.js";

// A hand-built graph: app → itertools → either (linked); app → paste (a proc-macro) → helper and
// app ⇢ autocfg (a build-dependency), all host-only.
const testGraph = (): DependencyGraph => JSON.parse(readFileSync(new URL("./test-graph.json", import.meta.url), "utf8")) as DependencyGraph;
const META = { created: new Date(1_700_000_000_000), wasmpackVersion: "0.1.0", wasm: [{ name: "app.wasm", digest: `sha256:${"ef".repeat(32)}` }] };

type Component = { "bom-ref": string; name: string; type: string; scope?: string; purl?: string; properties?: Array<{ name: string; value: string }>; licenses?: unknown[]; hashes?: unknown[] };
type Bom = {
  serialNumber: string;
  specVersion: string;
  metadata: { timestamp: string; component: Component; tools: { components: Component[] } };
  components: Component[];
  dependencies: Array<{ ref: string; dependsOn: string[] }>;
};
const parse = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as Bom;

describe("toCycloneDx", () => {
  it("gives the same bytes for the same graph, and a serial number that follows the content", () => {
    const a = toCycloneDx(testGraph(), META);
    expect(Buffer.from(a).equals(Buffer.from(toCycloneDx(testGraph(), META)))).toBe(true);
    const graph = testGraph();
    const shuffled = { ...graph, packages: [...graph.packages].reverse(), edges: [...graph.edges].reverse() };
    expect(Buffer.from(toCycloneDx(shuffled, META)).equals(Buffer.from(a))).toBe(true);
    const bom = parse(a);
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(bom.specVersion).toBe("1.6");
    expect(bom.metadata.timestamp).toBe("2023-11-14T22:13:20Z");
    const other = testGraph();
    other.packages[0]!.version = "1.0.1";
    expect(parse(toCycloneDx(other, META)).serialNumber).not.toBe(bom.serialNumber);
  });

  it("marks linked packages required and host-only ones excluded", () => {
    const bom = parse(toCycloneDx(testGraph(), META));
    expect(bom.metadata.component).toMatchObject({ type: "application", name: "app", "bom-ref": "path:app@1.0.0" });
    const libs = bom.components.filter((c) => c.type === "library");
    expect(Object.fromEntries(libs.map((c) => [c.name, c.scope]))).toEqual({
      autocfg: "excluded",
      either: "required",
      helper: "excluded",
      itertools: "required",
      paste: "excluded",
    });
    for (const c of libs) {
      const hostOnly = c.properties?.find((p) => p.name === "wasmpack:host-only")?.value;
      expect(hostOnly, c.name).toBe(c.scope === "excluded" ? "true" : undefined);
    }
    const either = libs.find((c) => c.name === "either")!;
    expect(either).toMatchObject({ "bom-ref": "pkg:cargo/either@1.9.0", purl: "pkg:cargo/either@1.9.0", licenses: [{ expression: "MIT OR Apache-2.0" }], hashes: [{ alg: "SHA-256", content: "ab".repeat(32) }] });
    expect(libs.find((c) => c.name === "autocfg")!.licenses).toBeUndefined();
    expect(bom.components.find((c) => c.type === "file")).toMatchObject({ name: "app.wasm", hashes: [{ alg: "SHA-256", content: "ef".repeat(32) }] });
  });

  it("writes the dependency graph, host edges included", () => {
    const bom = parse(toCycloneDx(testGraph(), META));
    expect(Object.fromEntries(bom.dependencies.map((d) => [d.ref, d.dependsOn]))).toEqual({
      "path:app@1.0.0": ["pkg:cargo/autocfg@1.1.0", "pkg:cargo/itertools@0.10.5", "pkg:cargo/paste@1.0.14"],
      "pkg:cargo/autocfg@1.1.0": [],
      "pkg:cargo/either@1.9.0": [],
      "pkg:cargo/helper@0.1.0": [],
      "pkg:cargo/itertools@0.10.5": ["pkg:cargo/either@1.9.0"],
      "pkg:cargo/paste@1.0.14": ["pkg:cargo/helper@0.1.0"],
    });
  });
});
