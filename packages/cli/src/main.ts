import { Command, CommanderError } from "commander";
import { isWasmpackError } from "@wasmpack/registry/errors";
import { registerBuild } from "./commands/build.js";
import { registerInspect } from "./commands/inspect.js";
import { registerLogin } from "./commands/login.js";
import { registerPull } from "./commands/pull.js";
import { registerPush } from "./commands/push.js";
import { registerResolve } from "./commands/resolve.js";
import { registerK8s } from "./commands/k8s.js";
import { registerNodeConfig } from "./commands/node-config.js";
import { registerVerify } from "./commands/verify.js";
import { registerSign } from "./commands/sign.js";
import { EXIT_CODES } from "./exit-codes.js";
import { Interrupted } from "./actions/interrupt.js";
import { useBaselineWasm } from "./baseline-wasm.js";
import { VERSION } from "./version.js";

/** Runs the CLI and returns the exit code; only `bin.ts` exits. */
export async function main(argv: readonly string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const program = new Command("wasmpack")
    .description("Ship Rust services as WebAssembly OCI images to Kubernetes, without Docker")
    .version(VERSION)
    .hook("preAction", useBaselineWasm)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`wasmpack: ${text.trim().replace(/^error: /, "")} (see wasmpack --help)\n`) });
  registerBuild(program, env);
  registerPush(program, env);
  registerPull(program, env);
  registerLogin(program, env);
  registerSign(program, env);
  registerInspect(program, env);
  registerResolve(program, env);
  registerVerify(program, env);
  registerK8s(program, env);
  registerNodeConfig(program);
  program.commands.forEach((command) => command.exitOverride());

  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help" ? 0 : EXIT_CODES.usage;
    }
    if (error instanceof Interrupted) {
      process.stderr.write(`wasmpack: ${error.message}\n`);
      return error.exitCode;
    }
    if (isWasmpackError(error)) {
      process.stderr.write(`wasmpack: ${error.message}\n`);
      return EXIT_CODES[error.kind];
    }
    const detail = error instanceof Error ? error.message : String(error);
    process.stderr.write(`wasmpack: internal error: ${detail.split("\n")[0]}\n`);
    if (env["WASMPACK_DEBUG"] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return EXIT_CODES.internal;
  }
}
