import { existsSync } from "node:fs";
import { listWorkspaceServices, toYaml, type KubernetesObject } from "@wasmpack/builder";
import { WasmpackError } from "@wasmpack/registry/errors";
import { writeFileAtomic } from "@wasmpack/registry/layout";
import type { K8sCommandOptions } from "../commands/k8s.js";
import { createConsole } from "./console.js";
import { k8sObjects } from "./k8s.js";

/**
 * `wasmpack k8s WORKSPACE`: one multi-document YAML for every service the workspace build wrote,
 * each on the runtime its image was built for, pinned by its layout's digest in
 * `--repo PREFIX/NAME` (or WASMPACK_REPO). A RuntimeClass two services need is written once.
 */
export async function k8sWorkspace(root: string, options: K8sCommandOptions, env: Record<string, string | undefined>): Promise<void> {
  const out = createConsole({ quiet: options.quiet });
  for (const [flag, given] of [["--image", options.image], ["--push", options.push], ["--name", options.name]] as const) {
    if (given !== undefined) throw new WasmpackError("usage", "WORKSPACE_FLAG", `${flag} names one image; on a workspace each service gets its own (push with wasmpack build --push PREFIX, then --repo PREFIX)`);
  }
  const prefix = options.repo ?? (env["WASMPACK_REPO"] || undefined);
  if (prefix === undefined) {
    throw new WasmpackError("usage", "PREFIX_MISSING", `${root} is a workspace: name where its services were pushed with --repo PREFIX (or WASMPACK_REPO), as wasmpack build --push PREFIX pushed them`);
  }
  const { services } = await listWorkspaceServices({ root, env });
  const objects: KubernetesObject[] = [];
  const seen = new Set<string>();
  const notes = new Set<string>();
  for (const service of services) {
    if (!existsSync(service.output)) {
      throw new WasmpackError("usage", "NO_BUILD", `${service.name} has no layout at ${service.output}: run wasmpack build ${root} first`);
    }
    const made = await k8sObjects(service.output, { ...options, repo: `${prefix}/${service.name}`, name: service.name }, env);
    for (const object of made.objects) {
      const namespace = "namespace" in object.metadata ? (object.metadata.namespace ?? "") : "";
      const key = `${object.kind}/${namespace}/${object.metadata.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      objects.push(object);
    }
    made.notes.forEach((note) => notes.add(note));
  }
  const yaml = toYaml(objects);
  if (options.output) {
    await writeFileAtomic(options.output, yaml);
    out.info(`wrote ${objects.map((o) => `${o.kind} ${o.metadata.name}`).join(", ")} to ${options.output}`);
  } else {
    out.result(yaml.trimEnd());
  }
  for (const note of notes) out.info(`note: ${note}`);
}
