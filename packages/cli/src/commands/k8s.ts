import { Option, type Command } from "commander";
import { collect } from "../flags.js";
import { addRegistryOptions, type RegistryFlags } from "./registry-flags.js";

export interface K8sCommandOptions extends RegistryFlags {
  image?: string;
  push?: string;
  repo?: string;
  runtime?: string;
  kind?: string;
  backoffLimit?: string;
  variant?: string;
  name?: string;
  namespace?: string;
  replicas?: string;
  port?: string;
  service?: string;
  nodeSelector: string[];
  runtimeClass?: string;
  health?: string;
  requests?: string;
  limits?: string;
  output?: string;
  quiet?: boolean;
}

export function registerK8s(program: Command, env: Record<string, string | undefined>): void {
  addRegistryOptions(
    program
      .command("k8s")
      .description("print Kubernetes manifests (RuntimeClass, Deployment and Service, or Job) that run an image on its Wasm runtime")
      .argument("[image]", "REPO@sha256:… reference, OCI layout (LAYOUT[:TAG]), or a project directory built with wasmpack build", ".")
      .option("--image <ref>", "for a layout or directory: the pushed image, REPO@sha256:… (must be the layout's digest)")
      .option("--repo <repo>", "for a layout or directory: the repository it was pushed to; the layout's digest pins it")
      .option("--push <ref>", "for a layout or directory: push it to REF first, then pin what was pushed")
      .option("--runtime <runtime>", "wasmedge | spin | wasmtime (default: read from a layout; wasmedge for a reference)")
      .option("--kind <kind>", "deployment (a server: Deployment and Service) | job (a program that runs once: Job) (default: deployment; a program is refused without --kind job)")
      .option("--backoff-limit <n>", "--kind job: retries after a failed pod (default: 3)")
      .option("--variant <variant>", "module.wasm.image/variant on the pod: compat-smart | compat (default: the image's)")
      .option("--name <name>", "object and container name (default: the image title or repository name)")
      .option("--namespace <namespace>", "namespace of the Deployment and Service")
      .option("--replicas <n>", "Deployment replicas (default: 3)")
      .option("--port <port>", "port the app listens on (default: 8080; spin always 80)")
      .option("--service <type>", "clusterip, nodeport or nodeport:PORT (default: clusterip)")
      .addOption(new Option("--node-selector <key=value>", "node label the pods require, repeatable").argParser(collect).default([], "<runtime>=true"))
      .option("--runtime-class <name>", "run under this existing RuntimeClass (no RuntimeClass is generated then)")
      .option("--health <path>", "HTTP path for readiness and liveness probes (default: no probes)")
      .option("--requests <cpu=…,memory=…>", "resource requests (default: cpu=50m,memory=32Mi)")
      .option("--limits <cpu=…,memory=…>", "resource limits (default: cpu=200m,memory=64Mi)")
      .option("-o, --output <file>", "write the YAML to a file instead of stdout")
      .option("-q, --quiet", "do not print the node notes"),
  ).action(async (image: string, options: K8sCommandOptions) => (await import("../actions/k8s.js")).k8s(image, options, env));
}
