import { execa } from "execa";
import { WasmpackError } from "@wasmpack/registry/errors";

export type CommandEnv = Record<string, string | undefined>;

export interface RunOptions {
  /** The complete environment of the command; the parent's is not added. */
  env: CommandEnv;
  cwd?: string;
  signal?: AbortSignal;
  /** When given, stdout is handed over line by line as it arrives and not kept in the result. */
  onStdoutLine?: (line: string) => void;
  /** When given, stderr is handed over line by line as it arrives and not kept in the result. */
  onStderrLine?: (line: string) => void;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** null when the command was ended by a signal. */
  exitCode: number | null;
  /** The signal that ended the command, e.g. "SIGKILL". */
  signal?: string;
}

/**
 * Runs one command. Resolves with its exit code whatever it is; rejects only when the command
 * could not be started (WasmpackError "COMMAND_NOT_STARTED") or `signal` was aborted (its reason).
 */
export type CommandRunner = (
  file: string,
  args: readonly string[],
  options: RunOptions,
) => Promise<RunResult>;

export const execaRunner: CommandRunner = async (file, args, options) => {
  const result = await execa(file, args, {
    env: definedOnly(options.env),
    extendEnv: false,
    cwd: options.cwd,
    cancelSignal: options.signal,
    reject: false,
    stdin: "ignore",
    stdout: options.onStdoutLine ? lineSink(options.onStdoutLine) : "pipe",
    stderr: options.onStderrLine ? lineSink(options.onStderrLine) : "pipe",
  });
  options.signal?.throwIfAborted();
  if (result.exitCode === undefined && result.signal === undefined) {
    throw new WasmpackError(
      "io",
      "COMMAND_NOT_STARTED",
      `could not run ${file}: ${result.code ?? firstLine(result.shortMessage ?? "unknown error")}`,
      { cause: result.cause },
    );
  }
  return {
    stdout: String(result.stdout ?? ""),
    stderr: String(result.stderr ?? ""),
    exitCode: result.exitCode ?? null,
    ...(result.signal === undefined ? {} : { signal: result.signal }),
  };
};

/** An execa line transform that hands each line over and keeps nothing. */
function lineSink(onLine: (line: string) => void) {
  return function* (line: unknown): Generator<never, void, unknown> {
    onLine(String(line));
  };
}

function definedOnly(env: CommandEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) result[key] = value;
  }
  return result;
}

export function firstLine(text: string): string {
  return text.trim().split("\n", 1)[0] ?? "";
}

/** "exit 101" or "killed by SIGKILL", for error messages. */
export function exitText(result: RunResult): string {
  return result.exitCode === null ? `killed by ${result.signal ?? "a signal"}` : `exit ${result.exitCode}`;
}
