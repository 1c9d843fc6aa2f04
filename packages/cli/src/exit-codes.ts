import type { ErrorKind } from "@wasmpack/registry/errors";

/** Exit codes by class of failure; documented in the README. */
export const EXIT_CODES: Record<ErrorKind | "internal", number> = {
  input: 1,
  build: 1,
  toolchain: 1,
  io: 1,
  usage: 2,
  auth: 3,
  network: 4,
  registry: 5,
  integrity: 6,
  internal: 70,
};
