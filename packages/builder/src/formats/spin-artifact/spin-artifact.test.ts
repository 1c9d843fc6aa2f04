import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { MediaType } from "@wasmpack/registry/oci";
import type { LayerPlan } from "../../image/manifest-plan.js";
import { MAX_LAYER_COUNT, planSpinArtifact, type DigestedFile, type SpinArtifactInput } from "./spin-artifact.js";

const hex = (n: number) => n.toString(16).padStart(64, "0");
const file = (n: number, size: number): DigestedFile => ({
  fromFile: `/app/f${n}`,
  size,
  digest: `sha256:${hex(n)}` as DigestedFile["digest"],
  ...(size <= 128 ? { bytes: new Uint8Array(size).fill(n) } : {}),
});

const MANIFEST = parse(`spin_manifest_version = 2
[application]
name = "app"
[[trigger.http]]
route = "/a/..."
component = "a"
[[trigger.http]]
route = "/b/..."
component = "b"
[component.a]
source = "shared.wasm"
files = ["static"]
[component.b]
source = "shared.wasm"
files = ["static"]
`);

function input(files: { path: string; file: DigestedFile }[]): SpinArtifactInput {
  const wasm = file(1000, 5000);
  return {
    manifest: MANIFEST,
    manifestPath: "/app/spin.toml",
    components: [{ id: "a", wasm }, { id: "b", wasm }],
    mounts: [
      { component: "a", source: "static", files },
      { component: "b", source: "static", files },
    ],
    labels: { tier: "edge" },
    annotations: { "org.opencontainers.image.title": "app" },
    sourceDateEpoch: 0,
  };
}

const mediaTypes = (layers: LayerPlan[]) => layers.map((l) => l.mediaType);

describe("planSpinArtifact", () => {
  it("writes each distinct wasm and file once, skips inlined small files, and puts the locked app last", () => {
    const plan = planSpinArtifact(input([{ path: "static/small.txt", file: file(1, 128) }, { path: "static/big.bin", file: file(2, 129) }]));
    expect(mediaTypes(plan.layers)).toEqual([MediaType.SpinWasmLayer, MediaType.SpinDataLayer, MediaType.SpinLockedApp]);
    const locked = plan.layers.at(-1)!;
    if (locked.kind !== "blob" || !("bytes" in locked.content)) throw new Error("locked app must be bytes");
    const app = JSON.parse(new TextDecoder().decode(locked.content.bytes));
    expect(app.components[0].files).toEqual([
      { digest: `sha256:${hex(2)}`, path: "static/big.bin" },
      { inline: Buffer.from(new Uint8Array(128).fill(1)).toString("base64"), digest: `sha256:${hex(1)}`, path: "static/small.txt" },
    ]);
    expect(app.components.map((c: { source: { digest: string } }) => c.source.digest)).toEqual([`sha256:${hex(1000)}`, `sha256:${hex(1000)}`]);
    if (plan.config.kind !== "encoded") throw new Error("config must be encoded");
    expect(JSON.parse(new TextDecoder().decode(plan.config.blob.bytes))).toEqual({
      architecture: "wasm",
      os: "wasip1",
      config: { Labels: { "com.fermyon.spin.lockedAppDigest": expect.stringMatching(/^sha256:/), tier: "edge" } },
      rootfs: { type: "layers", diff_ids: [] },
    });
    expect(plan.config.blob.descriptor.mediaType).toBe(MediaType.ImageConfig);
  });

  it("bundles each mounted directory into one tar+gzip once the layers would pass Spin's limit", () => {
    const exactly = Array.from({ length: MAX_LAYER_COUNT - 2 }, (_, i) => ({ path: `static/${i}`, file: file(i + 1, 200) }));
    // wasm + 498 files + locked app = 500 layers: still one layer per file.
    expect(planSpinArtifact(input(exactly)).layers).toHaveLength(MAX_LAYER_COUNT);
    const over = [...exactly, { path: "static/one-more", file: file(9999, 200) }];
    const plan = planSpinArtifact(input(over));
    // Both components mount the same directory: one bundle.
    expect(mediaTypes(plan.layers)).toEqual([MediaType.SpinWasmLayer, MediaType.SpinArchiveLayer, MediaType.SpinLockedApp]);
    const archive = plan.layers[1]!;
    expect(archive.kind === "tar-gzip" && archive.files.length).toBe(over.length);
  });
});
