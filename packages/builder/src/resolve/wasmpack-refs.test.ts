import { describe, expect, it } from "vitest";
import { findWasmpackRefs, replaceWasmpackRefs } from "./wasmpack-refs.js";

const YAML = `# the app
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }   # inline map
spec:
  template:
    spec:
      containers:
        - name: a
          image: wasmpack://./examples/a   # built by wasmpack
        - name: b
          image: "wasmpack://examples/b"
        - name: sidecar
          image: nginx:1.25
---
apiVersion: v1
kind: ConfigMap
data:
  note: wasmpack is great  # not a reference
  again: 'wasmpack://./examples/a'
`;

describe("wasmpack:// references in YAML", () => {
  it("finds every scalar that is one, in every document, quoted or not", () => {
    expect(findWasmpackRefs(YAML, "app.yaml").map((r) => r.path)).toEqual(["./examples/a", "examples/b", "./examples/a"]);
  });

  it("replaces only those scalars, keeping comments and everything else byte for byte", () => {
    const refs = findWasmpackRefs(YAML, "app.yaml");
    const out = replaceWasmpackRefs(YAML, refs, new Map([["./examples/a", "r/a@sha256:aa"], ["examples/b", "r/b@sha256:bb"]]));
    const changed = out.split("\n").filter((line, i) => line !== YAML.split("\n")[i]);
    expect(changed).toEqual([
      "          image: r/a@sha256:aa   # built by wasmpack",
      "          image: r/b@sha256:bb",
      "  again: r/a@sha256:aa",
    ]);
  });

  it("names the file and line of invalid YAML", () => {
    expect(() => findWasmpackRefs("a: [1,\n", "bad.yaml")).toThrow(/^bad\.yaml:\d+:\d+: /);
  });
});
