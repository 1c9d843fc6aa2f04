// One process that does only wasmpack's packaging step for an already-built module: plan the
// compat image, write the layer, config and manifest into a fresh OCI layout, tag it. Used by
// bench/build.mjs so the packaging step is timed as a whole process, like buildah is.
import { OciLayout } from "../packages/registry/dist/layout/index.js";
import { statSync } from "node:fs";
import { assembleImage } from "../packages/builder/dist/image/assemble-image.js";
import { planCompatImage } from "../packages/builder/dist/image/compat-image.js";

const [wasm, output] = process.argv.slice(2);
const plan = planCompatImage({
  wasm: { name: "wasmedge-http", fromFile: wasm, size: statSync(wasm).size },
  settings: { platform: { os: "wasi", architecture: "wasm" }, variant: "compat-smart", labels: {}, annotations: {}, sourceDateEpoch: 0 },
  annotations: {},
});
const layout = await OciLayout.create(output);
const image = await assembleImage(plan, layout);
await layout.tag("latest", image.manifest);
