/**
 * One error type for every wasmpack package. `kind` is the class of failure the CLI maps to an
 * exit code; `code` is a stable machine name for the exact failure; the message is one line a
 * user can act on. Libraries throw these; only the CLI prints them.
 */
export type ErrorKind =
  | "usage" // flags or arguments the user gave are wrong
  | "input" // a project file, manifest or image is invalid
  | "toolchain" // no usable Rust toolchain
  | "build" // cargo or a build command failed
  | "io" // reading or writing local files failed
  | "auth" // the registry refused our credentials
  | "network" // the registry could not be reached
  | "registry" // the registry answered with an error
  | "integrity"; // content did not match its digest or size

export class WasmpackError extends Error {
  override readonly name = "WasmpackError";
  readonly kind: ErrorKind;
  readonly code: string;

  constructor(kind: ErrorKind, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.code = code;
  }
}

export function isWasmpackError(error: unknown): error is WasmpackError {
  return error instanceof WasmpackError;
}
