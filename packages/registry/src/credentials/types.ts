// The remote client owns the shape it consumes; this module produces it.
export type { Credential, CredentialProvider } from "../remote/credentials.js";

/** The environment, passed in rather than read from `process.env`. */
export type Env = Record<string, string | undefined>;

/** A value (a variable of `Env`, a flag) unless it is unset or empty. */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

export type HelperAction = "get" | "store" | "erase";

export interface HelperRequest {
  /** Executable name, e.g. `docker-credential-desktop`, looked up on `env.PATH`. */
  program: string;
  action: HelperAction;
  /** Written to the helper's stdin. */
  input: string;
  env: Env;
}

export interface HelperResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a docker credential helper. Rejects with an error whose `code` is `"ENOENT"` when the
 * program does not exist; resolves with the exit code otherwise.
 */
export type HelperRunner = (request: HelperRequest) => Promise<HelperResult>;
