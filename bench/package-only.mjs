// One process that does only wasmpack's packaging step for an already-built module: plan the
// compat image, write the layer, config and manifest into a fresh OCI layout, tag it. Used by
// bench/build.mjs so the packaging step is timed as a whole process, like buildah is.
import { OciLayout } from "../packages/registry/dist/layout/index.js";
import { statSync } from "node:fs";
import { epochToRfc3339 } from "../packages/registry/dist/oci/index.js";
import { assembleManifest } from "../packages/builder/dist/image/assemble-manifest.js";
import { planCompatImage } from "../packages/builder/dist/image/compat-image.js";
import { rootfsManifestPlan } from "../packages/builder/dist/image/image-plan.js";

const [wasm, output] = process.argv.slice(2);
const plan = planCompatImage({
  wasm: { name: "wasmedge-http", fromFile: wasm, size: statSync(wasm).size },
  settings: { platform: { os: "wasi", architecture: "wasm" }, variant: "compat-smart", labels: {}, annotations: {}, sourceDateEpoch: 0 },
  annotations: {},
});
const layout = await OciLayout.create(output);
const image = await assembleManifest(rootfsManifestPlan(plan, epochToRfc3339(plan.sourceDateEpoch)), layout);
await layout.tag("latest", image.manifest);
