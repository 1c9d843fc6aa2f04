import type { Command } from "commander";
import { collect } from "../flags.js";

/** Flags every command that talks to a registry takes. */
export interface RegistryFlags {
  insecureRegistry: string[];
  username?: string;
  concurrency?: string;
}

export function addRegistryOptions(command: Command): Command {
  return command
    .option("--insecure-registry <host>", "reach this registry over plain HTTP (loopback registries always are); repeatable", collect, [])
    .option("-u, --username <user>", "registry user name (the password comes from WASMPACK_REGISTRY_PASSWORD)")
    .option("--concurrency <n>", "blobs transferred at once (default 4)");
}
