import type { Command } from "commander";
import { collect } from "../flags.js";

export interface LoginCommandOptions {
  username?: string;
  passwordStdin?: boolean;
  insecureRegistry: string[];
  verify: boolean;
  quiet?: boolean;
}

export function registerLogin(program: Command, env: Record<string, string | undefined>): void {
  program
    .command("login")
    .description("check credentials against a registry and save them in the Docker config (docker and podman read it too)")
    .argument("<registry>", "registry host, e.g. ghcr.io or localhost:5000")
    .requiredOption("-u, --username <user>", "user name")
    .option("--password-stdin", "read the password or token from stdin (otherwise WASMPACK_REGISTRY_PASSWORD)")
    .option("--insecure-registry <host>", "reach this registry over plain HTTP; repeatable", collect, [])
    .option("--no-verify", "save without asking the registry first")
    .option("-q, --quiet", "print nothing but errors")
    .action(async (registry: string, options: LoginCommandOptions) => (await import("../actions/login.js")).login(registry, options, env));

  program
    .command("logout")
    .description("remove saved credentials for a registry from the Docker config")
    .argument("<registry>", "registry host")
    .option("-q, --quiet", "print nothing but errors")
    .action(async (registry: string, options: { quiet?: boolean }) => (await import("../actions/login.js")).logout(registry, options, env));
}
