import { CLUSTER_RUNTIMES, CRIS, formatNodeConfig, isClusterRuntime, nodeConfig as buildNodeConfig, type ClusterRuntime, type Cri } from "@wasmpack/builder";
import { WasmpackError } from "@wasmpack/registry/errors";
import type { NodeConfigCommandOptions } from "../commands/node-config.js";
import { createConsole } from "./console.js";

/** `wasmpack node-config`: what a node needs to run wasmpack's manifests, printed; changes nothing. */
export async function nodeConfig(options: NodeConfigCommandOptions): Promise<void> {
  const out = createConsole({ quiet: options.quiet });
  if (!isClusterRuntime(options.runtime)) throw usage(`--runtime ${JSON.stringify(options.runtime)} is not one of ${CLUSTER_RUNTIMES.join(", ")}`);
  if (options.cri !== undefined && !(CRIS as readonly string[]).includes(options.cri)) throw usage(`--cri ${JSON.stringify(options.cri)} is not one of ${CRIS.join(", ")}`);
  const config = buildNodeConfig({
    runtime: options.runtime as ClusterRuntime,
    ...(options.cri !== undefined ? { cri: options.cri as Cri } : {}),
    ...(options.containerdVersion !== undefined ? { containerdVersion: options.containerdVersion } : {}),
    ...(options.nodeSelector.length > 0 ? { nodeSelector: keyValues(options.nodeSelector) } : {}),
    ...(options.crunPath !== undefined ? { crunPath: options.crunPath } : {}),
    ...(options.platform !== undefined ? { platform: options.platform } : {}),
  });
  if (options.json) out.json(config);
  else out.result(formatNodeConfig(config).trimEnd());
  for (const note of config.notes) out.info(`note: ${note}`);
}

function keyValues(items: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw usage(`--node-selector ${JSON.stringify(item)}: expected key=value`);
    record[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return record;
}

function usage(message: string): WasmpackError {
  return new WasmpackError("usage", "ARGUMENT_INVALID", message);
}
