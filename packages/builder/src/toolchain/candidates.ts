import { access, constants, readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import type { CommandEnv } from "../cargo/runner.js";

/** A cargo and the rustc to pair with it, both existing executables. */
export interface Candidate {
  origin: string;
  cargo: string;
  rustc: string;
  /** Known without asking rustc: a rustup toolchain directory is its own sysroot. */
  sysroot?: string;
}

/** A place that held no usable cargo and rustc, said in words for the error message. */
export interface MissingCandidate {
  origin: string;
  missing: string;
}

export interface CandidateSearchOptions {
  env: CommandEnv;
  home: string;
  systemBinDir: string;
}

/**
 * Every cargo worth asking, in order of preference: CARGO/RUSTC from the environment, the first
 * cargo on PATH, each rustup toolchain, the distribution's. A pair seen before (by real path) is
 * left out.
 */
export async function listCandidates(
  options: CandidateSearchOptions,
): Promise<Array<Candidate | MissingCandidate>> {
  const { env } = options;
  const pathDirs = (env.PATH ?? "").split(path.delimiter).filter((dir) => dir !== "");
  const rustupHome = env.RUSTUP_HOME ?? path.join(options.home, ".rustup");
  const found = [
    ...(env.CARGO ? [await fromCargoEnv(env.CARGO, env.RUSTC, pathDirs)] : []),
    await fromPath(pathDirs),
    ...(await fromRustup(rustupHome)),
    await fromDir(options.systemBinDir),
  ];
  return dedupe(found);
}

export function isMissing(candidate: Candidate | MissingCandidate): candidate is MissingCandidate {
  return "missing" in candidate;
}

const ENV_ORIGIN = "CARGO/RUSTC environment";

async function fromCargoEnv(
  cargoVar: string,
  rustcVar: string | undefined,
  pathDirs: string[],
): Promise<Candidate | MissingCandidate> {
  const cargo = await resolveCommand(cargoVar, pathDirs);
  if (!cargo) return { origin: ENV_ORIGIN, missing: `CARGO=${cargoVar} not found` };
  if (!rustcVar) return withSiblingRustc(ENV_ORIGIN, cargo);
  const rustc = await resolveCommand(rustcVar, pathDirs);
  if (!rustc) return { origin: ENV_ORIGIN, missing: `RUSTC=${rustcVar} not found` };
  return { origin: ENV_ORIGIN, cargo, rustc };
}

async function fromPath(pathDirs: string[]): Promise<Candidate | MissingCandidate> {
  const cargo = await resolveCommand("cargo", pathDirs);
  if (!cargo) return { origin: "PATH", missing: "no cargo on PATH" };
  return withSiblingRustc("PATH", cargo);
}

async function fromRustup(rustupHome: string): Promise<Array<Candidate | MissingCandidate>> {
  const toolchainsDir = path.join(rustupHome, "toolchains");
  const names = await readdir(toolchainsDir).catch(() => [] as string[]);
  if (names.length === 0) return [{ origin: "rustup", missing: `no rustup toolchains in ${rustupHome}` }];
  return Promise.all(
    names.sort().map(async (name) => {
      const origin = `rustup toolchain ${name}`;
      const cargo = path.join(toolchainsDir, name, "bin", "cargo");
      if (!(await isExecutable(cargo))) return { origin, missing: `${origin} has no cargo` };
      const candidate = await withSiblingRustc(origin, cargo);
      return isMissing(candidate) ? candidate : { ...candidate, sysroot: path.join(toolchainsDir, name) };
    }),
  );
}

async function fromDir(dir: string): Promise<Candidate | MissingCandidate> {
  const cargo = path.join(dir, "cargo");
  if (!(await isExecutable(cargo))) return { origin: dir, missing: `${cargo} missing` };
  return withSiblingRustc(dir, cargo);
}

async function withSiblingRustc(origin: string, cargo: string): Promise<Candidate | MissingCandidate> {
  const rustc = path.join(path.dirname(cargo), "rustc");
  if (!(await isExecutable(rustc))) return { origin, missing: `no rustc beside ${cargo}` };
  return { origin, cargo, rustc };
}

/** A path (anything with a slash) as is, a bare name looked up on PATH like a shell would. */
async function resolveCommand(command: string, pathDirs: string[]): Promise<string | undefined> {
  if (command.includes(path.sep)) {
    const file = path.resolve(command);
    return (await isExecutable(file)) ? file : undefined;
  }
  for (const dir of pathDirs) {
    const file = path.resolve(dir, command);
    if (await isExecutable(file)) return file;
  }
  return undefined;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function dedupe(
  candidates: Array<Candidate | MissingCandidate>,
): Promise<Array<Candidate | MissingCandidate>> {
  const seen = new Set<string>();
  const result: Array<Candidate | MissingCandidate> = [];
  for (const candidate of candidates) {
    if (!isMissing(candidate)) {
      const key = `${await realpath(candidate.cargo)}\0${await realpath(candidate.rustc)}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    result.push(candidate);
  }
  return result;
}
