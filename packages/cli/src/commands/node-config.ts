import { Option, type Command } from "commander";
import { collect } from "../flags.js";

export interface NodeConfigCommandOptions {
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
    .action(async (options: NodeConfigCommandOptions) => (await import("../actions/node-config.js")).nodeConfig(options));
}
