import { describe, expect, it } from "vitest";
import { WasmpackError } from "@wasmpack/registry/errors";
import { execaRunner } from "./runner.js";

const env = { PATH: process.env.PATH, ONLY_THIS: "yes" };

describe("execaRunner", () => {
  it("hands stdout and stderr over line by line without keeping them", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const result = await execaRunner("sh", ["-c", 'printf "a\\nb\\n"; printf "c\\nd" >&2; exit 3'], {
      env,
      onStdoutLine: (line) => out.push(line),
      onStderrLine: (line) => err.push(line),
    });
    expect({ out, err }).toEqual({ out: ["a", "b"], err: ["c", "d"] });
    expect(result).toEqual({ stdout: "", stderr: "", exitCode: 3 });
  });

  it("runs with exactly the environment given", async () => {
    const result = await execaRunner("sh", ["-c", "echo $ONLY_THIS; echo ${HOME:-unset}"], { env });
    expect(result).toEqual({ stdout: "yes\nunset", stderr: "", exitCode: 0 });
  });

  it("reports a signal instead of an exit code", async () => {
    const result = await execaRunner("sh", ["-c", "kill -KILL $$"], { env });
    expect(result).toMatchObject({ exitCode: null, signal: "SIGKILL" });
  });

  it("rejects with COMMAND_NOT_STARTED when the command cannot be run", async () => {
    const error = await execaRunner("/nonexistent/cargo", [], { env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasmpackError);
    expect(error).toMatchObject({ kind: "io", code: "COMMAND_NOT_STARTED", message: "could not run /nonexistent/cargo: ENOENT" });
  });
});
