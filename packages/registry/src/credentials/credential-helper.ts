import { spawn } from "node:child_process";
import { WasmpackError } from "../errors.js";
import { redact } from "./redact.js";
import type { Credential, Env, HelperAction, HelperResult, HelperRunner } from "./types.js";

/** docker-credential-helpers' marker for an identity token in the `Username` field. */
const IDENTITY_TOKEN_USERNAME = "<token>";

export function helperProgram(name: string): string {
  return `docker-credential-${name}`;
}

/** Runs a helper with `spawn`; the program is looked up on `env.PATH`. */
export const spawnHelper: HelperRunner = ({ program, action, input, env }) =>
  new Promise<HelperResult>((resolve, reject) => {
    const childEnv: Record<string, string> = {};
    for (const [name, value] of Object.entries(env)) if (value !== undefined) childEnv[name] = value;
    const child = spawn(program, [action], { env: childEnv, stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
    let stdout = "";
    let stderr = "";
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      finish();
    };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    // A missing program emits "error" (ENOENT), possibly followed by "close".
    child.on("error", (error) => settle(() => reject(error)));
    child.on("close", (code) => settle(() => resolve({ exitCode: code ?? 1, stdout, stderr })));
    // A helper that exits without reading stdin must not crash us with EPIPE.
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });

/** Where a helper is configured, for error messages. */
export interface HelperSource {
  name: string;
  configFile: string;
}

export interface HelperContext {
  env: Env;
  run: HelperRunner;
}

function isNotFound(result: HelperResult): boolean {
  return /credentials not found/i.test(`${result.stdout}\n${result.stderr}`);
}

/** The helper's own one-line reason, with secrets removed; lines that carry a `Secret` field are dropped. */
function failureReason(result: HelperResult, secrets: readonly string[]): string {
  const line = (result.stdout.trim() || result.stderr.trim())
    .split(/\r?\n/)
    .find((l) => l.trim() !== "" && !/"secret"\s*:/i.test(l));
  const reason = line ? redact(line.trim(), secrets).slice(0, 200) : "";
  return `exit code ${result.exitCode}${reason ? `: ${reason}` : ""}`;
}

async function runHelper(
  source: HelperSource,
  action: HelperAction,
  input: string,
  context: HelperContext,
): Promise<HelperResult> {
  const program = helperProgram(source.name);
  try {
    return await context.run({ program, action, input, env: context.env });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new WasmpackError(
        "auth",
        "CREDENTIAL_HELPER_MISSING",
        `credential helper ${program} (configured in ${source.configFile}) was not found on PATH`,
        { cause: error },
      );
    }
    throw new WasmpackError("auth", "CREDENTIAL_HELPER_FAILED", `credential helper ${program} ${action} could not run (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`, {
      cause: error,
    });
  }
}

function failed(source: HelperSource, action: HelperAction, result: HelperResult, secrets: readonly string[]): WasmpackError {
  const program = helperProgram(source.name);
  return new WasmpackError(
    "auth",
    "CREDENTIAL_HELPER_FAILED",
    `credential helper ${program} ${action} failed (${failureReason(result, secrets)}; configured in ${source.configFile})`,
  );
}

/** `get`: the credential for `serverUrl`, or undefined when the helper has none. */
export async function helperGet(source: HelperSource, serverUrl: string, context: HelperContext): Promise<Credential | undefined> {
  const result = await runHelper(source, "get", serverUrl, context);
  if (result.exitCode !== 0) {
    if (isNotFound(result)) return undefined;
    throw failed(source, "get", result, []);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    // No cause: the parse error would quote the output, which holds the secret.
    throw new WasmpackError(
      "auth",
      "CREDENTIAL_HELPER_FAILED",
      `credential helper ${helperProgram(source.name)} get printed something that is not JSON (configured in ${source.configFile})`,
    );
  }
  const { Username, Secret } = (parsed ?? {}) as { Username?: unknown; Secret?: unknown };
  if (typeof Secret !== "string" || Secret === "") return undefined;
  if (Username === IDENTITY_TOKEN_USERNAME) return { identityToken: Secret };
  if (typeof Username !== "string" || Username === "") return undefined;
  return { username: Username, password: Secret };
}

export async function helperStore(
  source: HelperSource,
  serverUrl: string,
  username: string,
  secret: string,
  context: HelperContext,
): Promise<void> {
  const input = JSON.stringify({ ServerURL: serverUrl, Username: username, Secret: secret });
  const secrets = [secret, input];
  const result = await runHelper(source, "store", input, context);
  if (result.exitCode !== 0) throw failed(source, "store", result, secrets);
}

/** `erase`: true when the helper removed something, false when it held nothing for `serverUrl`. */
export async function helperErase(source: HelperSource, serverUrl: string, context: HelperContext): Promise<boolean> {
  const result = await runHelper(source, "erase", serverUrl, context);
  if (result.exitCode === 0) return true;
  if (isNotFound(result)) return false;
  throw failed(source, "erase", result, []);
}
