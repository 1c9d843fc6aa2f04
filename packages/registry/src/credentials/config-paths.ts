import { join } from "node:path";
import { nonEmpty, type Env } from "./types.js";

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: Env, home: string): string {
  return join(nonEmpty(env.DOCKER_CONFIG) ?? join(home, ".docker"), "config.json");
}

/**
 * podman's auth files in the order containers-auth.json(5) reads them:
 * `$REGISTRY_AUTH_FILE`, `$XDG_RUNTIME_DIR/containers/auth.json`,
 * `$XDG_CONFIG_HOME/containers/auth.json` (default `~/.config`).
 */
export function podmanAuthPaths(env: Env, home: string): string[] {
  const paths: string[] = [];
  const explicit = nonEmpty(env.REGISTRY_AUTH_FILE);
  if (explicit) paths.push(explicit);
  const runtimeDir = nonEmpty(env.XDG_RUNTIME_DIR);
  if (runtimeDir) paths.push(join(runtimeDir, "containers", "auth.json"));
  paths.push(join(nonEmpty(env.XDG_CONFIG_HOME) ?? join(home, ".config"), "containers", "auth.json"));
  return paths;
}
