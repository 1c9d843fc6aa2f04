import type { Command } from "commander";
import { addRegistryOptions, type RegistryFlags } from "./registry-flags.js";

export interface InspectCommandOptions extends RegistryFlags {
  json?: boolean;
}

export function registerInspect(program: Command, env: Record<string, string | undefined>): void {
  addRegistryOptions(
    program
      .command("inspect")
      .description("show an image's manifest, config, platform, annotations, layers and Wasm flavour")
      .argument("<image>", "a reference (ghcr.io/org/app:1.0), an OCI layout (DIR or DIR:TAG), or a built project directory"),
  )
    .option("--json", "print one JSON object on stdout")
    .action(async (image: string, options: InspectCommandOptions) => (await import("../actions/inspect.js")).inspect(image, options, env));
}
