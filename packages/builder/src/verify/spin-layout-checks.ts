import { isWasmpackError } from "@wasmpack/registry/errors";
import { parseSpinManifest, type SpinApp } from "../project/spin-manifest.js";
import type { ImageContents } from "./image-contents.js";
import { fail, pass, warn, type VerifyCheck } from "./verify-report.js";

export interface SpinLayoutResult {
  checks: VerifyCheck[];
  /** Component sources present in the image, by image path. */
  modules: string[];
}

/**
 * What containerd-shim-spin needs from a spin.toml layout (formats.md §5(b) and section D):
 * `/spin.toml` that Spin's loader accepts with direct mounts, every `source` at its path relative
 * to `/`, every `files` directory present.
 */
export async function spinLayoutChecks(image: ImageContents): Promise<SpinLayoutResult> {
  const manifestFile = image.files.get("spin.toml");
  if (!manifestFile) return { checks: [fail("spin.toml", "the image has no /spin.toml; containerd-shim-spin loads the app from there")], modules: [] };
  let app: SpinApp;
  try {
    app = parseSpinManifest(new TextDecoder().decode(await manifestFile.read()), "/spin.toml");
  } catch (error) {
    if (!isWasmpackError(error)) throw error;
    return { checks: [fail("spin.toml", error.message)], modules: [] };
  }
  const checks = [pass("spin.toml", `manifest version ${app.manifestVersion}, application ${app.name}, ${app.components.length} component(s)`)];
  const modules: string[] = [];
  for (const component of app.components) {
    const name = `source ${component.id}`;
    if (component.source.kind === "url") {
      checks.push(warn(name, `${component.source.url} is downloaded when the pod starts: the node needs egress to it`));
    } else if (image.files.has(component.source.path)) {
      checks.push(pass(name, `/${component.source.path}`));
      if (!modules.includes(component.source.path)) modules.push(component.source.path);
    } else {
      checks.push(fail(name, `component ${component.id} source /${component.source.path} is not in the image; containerd-shim-spin resolves it against /`));
    }
    const missing = component.files.filter((f) => !image.directories.has(f.source)).map((f) => `/${f.source}`);
    if (component.files.length > 0) {
      checks.push(
        missing.length === 0
          ? pass(`files ${component.id}`, component.files.map((f) => `/${f.source}`).join(", "))
          : fail(`files ${component.id}`, `mounted director${missing.length > 1 ? "ies" : "y"} ${missing.join(", ")} not in the image; containerd-shim-spin mounts whole directories`),
      );
    }
  }
  return { checks, modules };
}
