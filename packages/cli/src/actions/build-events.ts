import type { BuildEvent } from "@wasmpack/builder";
import type { Console } from "./console.js";

/** A build's progress on stderr; in a workspace run each line names its service. */
export function showBuildEvent(out: Console, event: BuildEvent, service?: string): void {
  const at = service ? `${service}: ` : "";
  switch (event.type) {
    case "toolchain":
      return out.info(`using ${event.toolchain.cargo} with ${event.toolchain.rustc} (${event.toolchain.origin}), target ${event.toolchain.target}`);
    case "command":
      return out.info(`${at}component ${event.component}: ${event.command}`);
    case "verified":
      return out.info(`${at}verified the ${event.format} image for ${event.runtime}: ${event.checks} checks passed`);
    case "wasm":
      return out.info(`${at}${event.name}: ${event.step === "optimize" ? "optimizing with Binaryen -Os" : "making a WASI preview 2 component"}`);
    case "output":
      return out.info(`${at}${event.line}`);
  }
}
