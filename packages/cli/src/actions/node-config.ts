import { Option, type Command } from "commander";
import type { ClusterRuntime, Cri } from "@wasmpack/builder";
import { WasmpackError } from "@wasmpack/registry/errors";
import { createConsole } from "../console.js";
import { collect } from "../flags.js";

interface NodeConfigCommandOptions {
  runtime: string;
  cri?: string;
  containerdVersion?: string;
  nodeSelector: string[];
  crunPath?: string;
  platform?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerNodeConfig(program: Command): void {
  program
    .command("node-config")
    .description("print what a node needs (runtime config, RuntimeClass, node label) to run wasmpack's manifests; changes nothing")
    .requiredOption("--runtime <runtime>", "wasmedge | spin | wasmtime")
    .option("--cri <cri>", "crio | containerd (default: crio for wasmedge, containerd for spin and wasmtime)")
    .option("--containerd-version <version>", "containerd version: table names for 1.7 vs 2.x, and the 2.3+ unpack setting (default: 2.3)")
    .addOption(new Option("--node-selector <key=value>", "node label the workload selects, repeatable").argParser(collect).default([], "<runtime>=true, as wasmpack k8s"))
    .option("--crun-path <path>", "where crun is installed (default: /usr/bin/crun)")
    .option("--platform <os/arch>", "image platform for CRI-O's platform_runtime_paths (default: wasi/wasm)")
    .option("--json", "print the sections as one JSON object on stdout")
    .option("-q, --quiet", "do not print the notes")
    .action(async (options: NodeConfigCommandOptions) => {
      const out = createConsole({ quiet: options.quiet });
      const { CLUSTER_RUNTIMES, CRIS, formatNodeConfig, isClusterRuntime, nodeConfig } = await import("@wasmpack/builder");
      if (!isClusterRuntime(options.runtime)) throw usage(`--runtime ${JSON.stringify(options.runtime)} is not one of ${CLUSTER_RUNTIMES.join(", ")}`);
      if (options.cri !== undefined && !(CRIS as readonly string[]).includes(options.cri)) throw usage(`--cri ${JSON.stringify(options.cri)} is not one of ${CRIS.join(", ")}`);
      const config = nodeConfig({
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
    });
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
