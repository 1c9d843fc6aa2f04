import { describe, expect, it } from "vitest";
import { nodeConfig, type NodeConfig, type NodeConfigOptions } from "@wasmpack/builder";
import { TOML, YAML } from "../support/builder-deps.js";
import { validateStrict } from "./strict-schema.js";

type Table = Record<string, any>;

function tomlOf(config: NodeConfig, index = 0): Table {
  const sections = config.sections.filter((s) => s.language === "toml");
  return TOML.parse(sections[index]!.text) as Table;
}
const config = (options: NodeConfigOptions) => nodeConfig(options);

describe("node-config for containerd", () => {
  it.each([
    ["1.7", "io.containerd.grpc.v1.cri"],
    ["2.0", "io.containerd.cri.v1.runtime"],
    ["2.2", "io.containerd.cri.v1.runtime"],
    ["2.3", "io.containerd.cri.v1.runtime"],
  ])("containerd %s: the spin handler lives under plugins.%s", (version, plugin) => {
    const toml = tomlOf(config({ runtime: "spin", containerdVersion: version }));
    expect(toml["plugins"][plugin]["containerd"]["runtimes"]["spin"]).toEqual({ runtime_type: "io.containerd.spin.v2" });
    const other = plugin === "io.containerd.grpc.v1.cri" ? "io.containerd.cri.v1.runtime" : "io.containerd.grpc.v1.cri";
    expect(toml["plugins"][other]).toBeUndefined();
  });

  it("adds use_local_image_pull = true under io.containerd.cri.v1.images for 2.3 and later only", () => {
    for (const version of ["2.3", "2.4", "2.3.2"]) {
      expect(tomlOf(config({ runtime: "spin", containerdVersion: version }))["plugins"]["io.containerd.cri.v1.images"]).toEqual({ use_local_image_pull: true });
    }
    for (const version of ["1.7", "2.0", "2.1", "2.2"]) {
      const toml = tomlOf(config({ runtime: "spin", containerdVersion: version }));
      expect(toml["plugins"]["io.containerd.cri.v1.images"]).toBeUndefined();
      expect(JSON.stringify(toml)).not.toContain("use_local_image_pull");
    }
    // Artifacts (no tar layers) are never unpacked, so they need no pull setting.
    expect(tomlOf(config({ runtime: "spin", containerdVersion: "2.3", imageLayout: "artifact" }))["plugins"]["io.containerd.cri.v1.images"]).toBeUndefined();
  });

  it("defaults to containerd 2.3 for the shims", () => {
    const result = config({ runtime: "wasmtime" });
    expect([result.cri, result.containerdVersion]).toEqual(["containerd", "2.3"]);
    const toml = tomlOf(result);
    expect(toml["plugins"]["io.containerd.cri.v1.runtime"]["containerd"]["runtimes"]["wasmtime"]).toEqual({ runtime_type: "io.containerd.wasmtime.v1" });
    expect(toml["plugins"]["io.containerd.cri.v1.images"]).toEqual({ use_local_image_pull: true });
  });

  it("runs WasmEdge through crun as a runc-v2 runtime whose pod_annotations let the variant through", () => {
    for (const [version, plugin] of [["1.7", "io.containerd.grpc.v1.cri"], ["2.2", "io.containerd.cri.v1.runtime"]] as const) {
      const crun = tomlOf(config({ runtime: "wasmedge", cri: "containerd", containerdVersion: version }))["plugins"][plugin]["containerd"]["runtimes"]["crun"];
      expect(crun).toEqual({
        runtime_type: "io.containerd.runc.v2",
        pod_annotations: ["module.wasm.image/variant"],
        options: { BinaryName: "/usr/bin/crun" },
      });
    }
  });

  it("is a drop-in for containerd's imports on 2.x, with the imports line for config.toml; tables for config.toml itself on 1.7", () => {
    for (const [runtime, file] of [["spin", "wasmpack-spin.toml"], ["wasmtime", "wasmpack-wasmtime.toml"], ["wasmedge", "wasmpack-wasmedge.toml"]] as const) {
      const sections = config({ runtime, cri: "containerd", containerdVersion: "2.3" }).sections.filter((s) => s.language === "toml");
      expect(sections.map((s) => s.file)).toEqual([`/etc/containerd/conf.d/${file}`, "/etc/containerd/config.toml"]);
      expect(TOML.parse(sections[0]!.text)["version"]).toBe(3);
      expect(TOML.parse(sections[1]!.text)).toEqual({ imports: ["/etc/containerd/conf.d/*.toml"] });
    }
    const old = config({ runtime: "spin", containerdVersion: "1.7" }).sections.filter((s) => s.language === "toml");
    expect(old.map((s) => s.file)).toEqual(["/etc/containerd/config.toml"]);
    expect(TOML.parse(old[0]!.text)["version"]).toBeUndefined();
    // The check after the restart: containerd's merged config names the handler.
    expect(config({ runtime: "spin" }).sections.at(-1)!.text).toContain("sudo containerd config dump | grep -F 'runtimes.spin]'");
  });

  it("writes a RuntimeClass for containerd's crun handler that validates", () => {
    const section = config({ runtime: "wasmedge", cri: "containerd" }).sections.find((s) => s.language === "yaml")!;
    const [runtimeClass] = YAML.parseAllDocuments(section.text).map((d: { toJS(): unknown }) => d.toJS()) as Record<string, any>[];
    validateStrict(runtimeClass as never);
    expect([runtimeClass!["metadata"]["name"], runtimeClass!["handler"]]).toEqual(["crun", "crun"]);
  });

  it("refuses versions it has no tables for", () => {
    expect(() => config({ runtime: "spin", containerdVersion: "1.5" })).toThrow("--containerd-version");
    expect(() => config({ runtime: "spin", containerdVersion: "latest" })).toThrow("--containerd-version");
  });
});

describe("node-config for CRI-O", () => {
  it("is the default for wasmedge and allows the Wasm annotations on the crun handler", () => {
    const result = config({ runtime: "wasmedge" });
    expect(result.cri).toBe("crio");
    const crun = tomlOf(result)["crio"]["runtime"]["runtimes"]["crun"];
    expect(crun).toMatchObject({ runtime_path: "/usr/bin/crun", runtime_type: "oci" });
    // CRI-O drops a handler whose allowed_annotations has any entry outside its own list, and
    // run.oci.handler is not in it (test/kubernetes/node-config-crio.test.ts runs CRI-O's check).
    expect(crun["allowed_annotations"]).toEqual(["module.wasm.image/variant"]);
  });

  it("offers platform_runtime_paths keyed on the image platform as the alternative", () => {
    const crun = tomlOf(config({ runtime: "wasmedge", crunPath: "/opt/bin/crun", platform: "wasip1/wasm" }), 1)["crio"]["runtime"]["runtimes"]["crun"];
    expect(crun["platform_runtime_paths"]).toEqual({ "wasip1/wasm": "/opt/bin/crun-wasm" });
    expect(crun["runtime_path"]).toBe("/opt/bin/crun");
  });

  it("prints the link that creates crun-wasm, which the alternative names and nothing installs", () => {
    const sections = config({ runtime: "wasmedge", crunPath: "/opt/bin/crun" }).sections;
    const link = sections.find((s) => s.language === "shell" && s.text.includes("crun-wasm"))!;
    expect(link.text).toContain("[ -e /opt/bin/crun-wasm ] || sudo ln -s /opt/bin/crun /opt/bin/crun-wasm");
    expect(link.text).toContain("Runtime path /opt/bin/crun-wasm is not valid");
    // It comes right after the alternative it belongs to.
    expect(sections[sections.indexOf(link) - 1]!.text).toContain("platform_runtime_paths");
  });

  it("refuses the containerd shims and containerd options", () => {
    expect(() => config({ runtime: "spin", cri: "crio" })).toThrow("CRI-O cannot run it");
    expect(() => config({ runtime: "wasmedge", cri: "crio", containerdVersion: "2.3" })).toThrow("--containerd-version applies to --cri containerd");
  });
});

describe("node-config: node label", () => {
  it("labels the node with what the workload's nodeSelector selects", () => {
    const shell = (options: NodeConfigOptions) => config(options).sections.findLast((s) => s.language === "shell")!.text;
    expect(shell({ runtime: "wasmedge" })).toContain("kubectl label node NODE wasmedge=true");
    expect(shell({ runtime: "spin" })).toContain("kubectl label node NODE spin=true");
    expect(shell({ runtime: "wasmtime", nodeSelector: { "example.com/wasm": "yes", tier: "edge" } })).toContain("kubectl label node NODE example.com/wasm=yes tier=edge");
  });
});
