import { WasmpackError } from "@wasmpack/registry/errors";
import { exitText, firstLine, type CommandEnv, type CommandRunner } from "../cargo/runner.js";

/** A platform a package is compiled for: its triple and the cfgs rustc sets for it. */
export interface Platform {
  triple: string;
  /** `rustc --print cfg` lines: `unix`, `target_os="wasi"`, … */
  cfgs: ReadonlySet<string>;
}

/**
 * Whether a dependency's platform condition (`[target.'SPEC'.dependencies]`, as cargo metadata
 * writes it in dep_kinds[].target) holds for `platform`: SPEC is a triple or `cfg(…)` with
 * all/any/not, names and `name = "value"` (https://doc.rust-lang.org/reference/conditional-compilation.html).
 * null (no condition) holds everywhere.
 */
export function platformMatches(spec: string | null | undefined, platform: Platform): boolean {
  if (!spec) return true;
  const cfg = /^\s*cfg\s*\((.*)\)\s*$/s.exec(spec);
  if (!cfg) {
    if (/^\s*cfg\s*\(/.test(spec) || !/^[A-Za-z0-9_.-]+$/.test(spec.trim())) new CfgParser("", platform.cfgs, spec).end(true);
    return spec.trim() === platform.triple;
  }
  const parser = new CfgParser(cfg[1]!, platform.cfgs, spec);
  const value = parser.predicate();
  parser.end();
  return value;
}

class CfgParser {
  private at = 0;
  constructor(private readonly text: string, private readonly cfgs: ReadonlySet<string>, private readonly spec: string) {}

  predicate(): boolean {
    const name = this.identifier();
    this.space();
    if (this.text[this.at] === "(" && (name === "all" || name === "any" || name === "not")) {
      this.at++;
      const values: boolean[] = [];
      for (this.space(); this.text[this.at] !== ")"; this.space()) {
        values.push(this.predicate());
        this.space();
        if (this.text[this.at] === ",") this.at++;
        else if (this.text[this.at] !== ")") this.fail();
      }
      this.at++;
      if (name === "not") {
        if (values.length !== 1) this.fail();
        return !values[0];
      }
      return name === "all" ? values.every(Boolean) : values.some(Boolean);
    }
    if (this.text[this.at] === "=") {
      this.at++;
      this.space();
      const value = /^"([^"]*)"/.exec(this.text.slice(this.at));
      if (!value) this.fail();
      this.at += value[0].length;
      return this.cfgs.has(`${name}="${value[1]}"`);
    }
    return this.cfgs.has(name);
  }

  /** Fails unless all the text was read (or, with `always`, in any case). */
  end(always = false): void {
    this.space();
    if (always || this.at !== this.text.length) this.fail();
  }

  private identifier(): string {
    this.space();
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.at));
    if (!match) this.fail();
    this.at += match[0].length;
    return match[0];
  }

  private space(): void {
    while (/\s/.test(this.text[this.at] ?? "")) this.at++;
  }

  private fail(): never {
    throw new WasmpackError("build", "CARGO_METADATA_INVALID", `cargo metadata gave a platform condition wasmpack cannot read: ${this.spec}`);
  }
}

export interface PlatformOptions {
  rustc: string;
  target: string;
  env: CommandEnv;
  cwd: string;
  runner: CommandRunner;
  signal?: AbortSignal;
}

/** The host's triple (`rustc -vV`): build scripts and proc-macros are compiled for it. */
export async function hostTriple(options: PlatformOptions): Promise<string> {
  const text = await askRustc(["-vV"], options);
  const host = /^host: (\S+)$/m.exec(text)?.[1];
  if (!host) throw new WasmpackError("toolchain", "RUSTC_FAILED", `${options.rustc} -vV names no host`);
  return host;
}

/** The cfgs rustc sets for a triple (`rustc --print cfg --target TRIPLE`). */
export async function platformOf(triple: string, options: PlatformOptions): Promise<Platform> {
  const text = await askRustc(["--print", "cfg", "--target", triple], options);
  return { triple, cfgs: new Set(text.split("\n").map((line) => line.trim()).filter(Boolean)) };
}

// rustc's answers depend on the rustc alone (and, for a rustup proxy, RUSTUP_TOOLCHAIN): kept for
// the process, so a workspace's members ask once. Per runner, so a test's fake rustc is its own.
const answers = new WeakMap<CommandRunner, Map<string, Promise<string>>>();

function askRustc(args: string[], options: PlatformOptions): Promise<string> {
  const known = answers.get(options.runner) ?? new Map<string, Promise<string>>();
  answers.set(options.runner, known);
  const key = [options.rustc, options.env["RUSTUP_TOOLCHAIN"] ?? "", ...args].join("\0");
  let answer = known.get(key);
  if (!answer) {
    answer = runRustc(args, options);
    known.set(key, answer);
    answer.catch(() => known.delete(key));
  }
  return answer;
}

async function runRustc(args: string[], options: PlatformOptions): Promise<string> {
  const result = await options.runner(options.rustc, args, { env: options.env, cwd: options.cwd, ...(options.signal ? { signal: options.signal } : {}) });
  if (result.exitCode !== 0) {
    throw new WasmpackError("toolchain", "RUSTC_FAILED", `${options.rustc} ${args.join(" ")} failed (${exitText(result)}): ${firstLine(result.stderr)}`);
  }
  return result.stdout;
}
