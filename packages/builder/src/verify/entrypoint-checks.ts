import { Annotation } from "@wasmpack/registry/oci";
import type { ClusterRuntime } from "../kubernetes/cluster-runtime.js";
import { hasWasmSuffix } from "./classify-image.js";
import { imagePath, type ImageContents } from "./image-contents.js";
import { fail, pass, warn, type VerifyCheck } from "./verify-report.js";

export interface EntrypointResult {
  checks: VerifyCheck[];
  /** The module the runtime will load, when it is in the image. */
  module?: string;
  /** The export runwasi calls (`/app.wasm#serve`); `_start` when none is named. */
  exportName?: string;
}

/**
 * The module a compat image runs: `process.args[0]`, resolved against the working directory, as
 * crun (formats.md §1) and runwasi's rootfs mode (§3, `path#func` on runwasi only) resolve it.
 */
export function compatEntrypointChecks(image: ImageContents, runtime: ClusterRuntime): EntrypointResult {
  const first = image.entrypoint?.[0];
  if (first === undefined) {
    return { checks: [fail("entrypoint", `the config has no Entrypoint or Cmd; ${runtime} runs process.args[0] as the module`)] };
  }
  const [arg, exportName] = runtime === "wasmtime" && first.includes("#") ? [first.slice(0, first.indexOf("#")), first.slice(first.indexOf("#") + 1)] : [first, undefined];
  const path = imagePath(arg.startsWith("/") ? arg : `${image.workingDir ?? "/"}/${arg}`);
  const checks: VerifyCheck[] = [];
  const file = image.files.get(path);
  let module: string | undefined;
  if (file) {
    checks.push(pass("entrypoint", `/${path} is in the image (${file.size} bytes)`));
    module = path;
  } else {
    const wasm = [...image.files.keys()].filter(hasWasmSuffix).map((p) => `/${p}`);
    const holds = wasm.length > 0 ? `; the image holds ${wasm.join(", ")}` : "";
    checks.push(fail("entrypoint", `${JSON.stringify(first)} resolves to /${path}, which is not in the image${holds}`));
  }
  if (runtime === "wasmedge" && image.annotations[Annotation.WasmVariant] === "compat-smart") {
    checks.push(
      hasWasmSuffix(arg)
        ? pass("entrypoint suffix", `${JSON.stringify(first)} ends in .wasm, as compat-smart requires`)
        : fail("entrypoint suffix", `compat-smart makes crun use the Wasm handler only when process.args[0] ends in .wasm or .wat; ${JSON.stringify(first)} does not, so crun would exec it as a Linux binary`),
    );
  }
  return { checks, ...(module ? { module } : {}), ...(exportName ? { exportName } : {}) };
}

/** containerd-shim-spin ignores args[0] unless it is an executable Linux file (formats.md §5(b)); `wasmpack k8s` sets `command: ["/"]`. */
export function spinEntrypointCheck(image: ImageContents): VerifyCheck {
  const first = image.entrypoint?.[0];
  if (first === undefined) return pass("entrypoint", 'none; the pod gives command ["/"] (wasmpack k8s writes it)');
  if (first === "/") return pass("entrypoint", '"/", as containerd-shim-spin and crun\'s spin handler expect');
  return warn("entrypoint", `${JSON.stringify(first)}; containerd-shim-spin expects "/" (the pod's command ["/"] from wasmpack k8s overrides it)`);
}
