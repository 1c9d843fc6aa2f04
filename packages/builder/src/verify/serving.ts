import type { ClusterRuntime } from "../kubernetes/cluster-runtime.js";
import type { ImageKind } from "./classify-image.js";
import { WASI_PREVIEW1_MODULE } from "./host-imports.js";
import type { WasmInspection } from "./wasm-inspect.js";
import { fail, pass, warn, type VerifyCheck } from "./verify-report.js";

/** What Kubernetes object runs an image: a Deployment for a server, a Job for a program that runs once and exits. */
export const WORKLOAD_KINDS = ["deployment", "job"] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export function isWorkloadKind(value: string): value is WorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(value);
}

/**
 * Whether the image can serve, read from what its wasm imports and exports:
 * - `server`: it can take connections for as long as it runs (a Deployment);
 * - `program`: it cannot listen anywhere, so it runs once and exits (a Job; as a Deployment it
 *   would restart forever);
 * - `unknown`: the module could not be read (other checks say why).
 */
export type Serving = { mode: "server"; how: string } | { mode: "program"; why: string } | { mode: "unknown"; why: string };

/** The parenthesis of the one-line refusal: what a program lacks. */
export const PROGRAM_WHY = "no socket listen, no wasi:http/incoming-handler export";

const LISTEN_IMPORTS = new Set(["sock_listen", "sock_listen_v2"]);
const SOCKET_IMPORTS = ["sock_open", "sock_bind", "sock_listen", "sock_accept"];

/**
 * How a module or component serves, if it can. None of the three runtimes preopens a listening
 * socket (formats.md §3, §6: WasmEdge has no `--tcplisten`, runwasi preopens directories only),
 * so a program that cannot create a listener itself cannot serve:
 * - a core module listens only through WasmEdge's socket extension: it must import `sock_listen`
 *   (WASI preview 1 has no open, bind or listen);
 * - a component is served when it exports `wasi:http/incoming-handler` (runwasi's wasmtime shim on
 *   :8080, Spin on :80), and may listen itself when it can create a TCP socket
 *   (`wasi:sockets/tcp-create-socket`; listen and connect look the same from outside);
 * - anything else (a `wasi:cli/run` command, a preview 1 `_start` with no listener) runs once.
 */
export function wasmServing(inspection: WasmInspection): Serving {
  switch (inspection.kind) {
    case "not-wasm":
    case "invalid":
      return { mode: "unknown", why: "the module could not be read" };
    case "module": {
      const names = new Set(inspection.imports.filter((i) => i.module === WASI_PREVIEW1_MODULE || i.module.startsWith("wasmedge")).map((i) => i.name));
      if (![...names].some((n) => LISTEN_IMPORTS.has(n))) return { mode: "program", why: PROGRAM_WHY };
      const used = SOCKET_IMPORTS.filter((n) => names.has(n) || names.has(`${n}_v2`));
      return { mode: "server", how: `listens through WasmEdge's socket extension (imports ${used.join(", ")})` };
    }
    case "component": {
      const http = inspection.exports.find((e) => e.startsWith("wasi:http/incoming-handler"));
      if (http) return { mode: "server", how: `exports ${http}: the runtime serves it over HTTP` };
      const socket = inspection.imports.find((i) => i.startsWith("wasi:sockets/tcp-create-socket"));
      if (socket) return { mode: "server", how: `may listen itself: imports ${socket}` };
      return { mode: "program", why: PROGRAM_WHY };
    }
  }
}

/** A Spin app under Spin: containerd-shim-spin serves it (formats.md §5(b)), whatever its modules import. */
export function spinAppServing(kind: ImageKind, runtime: ClusterRuntime): Serving | undefined {
  if (runtime !== "spin" || (kind !== "spin-layout" && kind !== "spin-artifact")) return undefined;
  return { mode: "server", how: "a Spin app: containerd-shim-spin runs its triggers and serves HTTP on :80" };
}

/**
 * The `serves` check. Without a workload kind a program passes with a warning (it starts, and
 * runs fine as a Job); `deployment` fails a program, `job` fails a server (it never completes).
 */
export function servesCheck(serving: Serving, kind?: WorkloadKind): VerifyCheck | undefined {
  const name = "serves";
  switch (serving.mode) {
    case "unknown":
      return undefined;
    case "server":
      return kind === "job" ? fail(name, `${serving.how}; a server never exits, so a Job would never complete (use --kind deployment)`) : pass(name, serving.how);
    case "program":
      if (kind === "job") return pass(name, `a one-shot program (${serving.why}): it runs to completion as a Job`);
      if (kind === "deployment") return fail(name, `a one-shot program (${serving.why}): as a Deployment it would exit and restart forever (use --kind job)`);
      return warn(name, `a one-shot program (${serving.why}): it runs once and exits; wasmpack k8s needs --kind job for it`);
  }
}
