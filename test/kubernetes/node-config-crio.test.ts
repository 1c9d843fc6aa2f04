import { execFile } from "node:child_process";
import { chmod, readlink, realpath } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { nodeConfig } from "@wasmpack/builder";
import { nodeTool, reportMissing } from "../support/node-tools.js";
import { tempDir, writeTree } from "../support/temp.js";

// CRI-O's own code judges the crio.conf.d drop-ins `wasmpack node-config` prints:
// test/support/crio-config is built against github.com/cri-o/cri-o v1.34.0 and runs its
// DefaultConfig, UpdateFromDropInFile and RuntimeConfig.ValidateRuntimes, the start-up check
// that drops a handler with an allowed_annotation outside CRI-O's list (or refuses to start when
// that handler is the default runtime).

const execFileAsync = promisify(execFile);
const crioConfig = nodeTool("crio-config");
if (!crioConfig) reportMissing("crio-config", "node-config checks against CRI-O 1.34.0's config validation");

interface CrioResult {
  default_runtime: string;
  runtimes: Record<string, { runtime_path: string; runtime_type: string; runtime_root: string; allowed_annotations: string[] | null; platform_runtime_paths: Record<string, string> | null }>;
  ignored: string[];
  error?: string;
  all_allowed_annotations: string[];
}

async function crio(files: string[]): Promise<CrioResult> {
  const { stdout } = await execFileAsync(crioConfig!, files);
  return JSON.parse(stdout) as CrioResult;
}

/** A node: a stand-in crun and runc (CRI-O runs `--version` on each handler), and a main config whose default runtime is runc or crun. */
async function node(defaultRuntime: "crun" | "runc") {
  const root = await tempDir();
  const fake = '#!/bin/sh\necho "crun version 1.23 (stand-in)"\n';
  await writeTree(root, {
    "bin/crun": fake,
    "bin/runc": fake,
    "crio.conf": `[crio.runtime]\ndefault_runtime = "${defaultRuntime}"\n\n[crio.runtime.runtimes.runc]\nruntime_path = "${root}/bin/runc"\n`,
  });
  await chmod(join(root, "bin/crun"), 0o755);
  await chmod(join(root, "bin/runc"), 0o755);
  return { root, crunPath: join(root, "bin/crun"), main: join(root, "crio.conf") };
}

describe.skipIf(!crioConfig)("node-config output passes CRI-O 1.34's own validation", () => {
  it.each(["crun", "runc"] as const)("the allowed_annotations drop-in keeps the crun handler (default_runtime = %s)", async (defaultRuntime) => {
    const { root, crunPath, main } = await node(defaultRuntime);
    const section = nodeConfig({ runtime: "wasmedge", crunPath }).sections[0]!;
    expect(section.file).toBe("/etc/crio/crio.conf.d/90-wasmpack-crun.conf");
    await writeTree(root, { "crio.conf.d/90-wasmpack-crun.conf": section.text });
    const result = await crio([main, join(root, "crio.conf.d/90-wasmpack-crun.conf")]);
    expect(result.error).toBeUndefined();
    expect(result.ignored).toEqual([]);
    expect(result.runtimes["crun"]).toMatchObject({ runtime_path: crunPath, runtime_type: "oci", runtime_root: "/run/crun", allowed_annotations: ["module.wasm.image/variant"] });
    // The same membership test CRI-O makes, against the list this CRI-O carries.
    for (const annotation of result.runtimes["crun"]!.allowed_annotations!) expect(result.all_allowed_annotations).toContain(annotation);
  });

  it("the platform_runtime_paths alternative loads, and its printed link creates the crun-wasm it names", async () => {
    const { root, crunPath, main } = await node("runc");
    const sections = nodeConfig({ runtime: "wasmedge", crunPath }).sections;
    await writeTree(root, { "crio.conf.d/90-wasmpack-crun.conf": sections[1]!.text });
    const result = await crio([main, join(root, "crio.conf.d/90-wasmpack-crun.conf")]);
    expect(result.error).toBeUndefined();
    expect(result.ignored).toEqual([]);
    const crunWasm = join(root, "bin/crun-wasm");
    expect(result.runtimes["crun"]!.platform_runtime_paths).toEqual({ "wasi/wasm": crunWasm });

    // Run the printed command (without sudo): afterwards the path CRI-O will exec is crun.
    const link = sections[2]!;
    expect(link.language).toBe("shell");
    await execFileAsync("sh", ["-c", link.text.replaceAll("sudo ", "")]);
    expect(await readlink(crunWasm)).toBe(crunPath);
    expect(await realpath(crunWasm)).toBe(await realpath(crunPath));
    // Running it again changes nothing and does not fail.
    await execFileAsync("sh", ["-c", link.text.replaceAll("sudo ", "")]);
  });
});

describe.skipIf(!crioConfig)("what node-config no longer prints is what CRI-O refuses", () => {
  const old = (crunPath: string) =>
    `[crio.runtime.runtimes.crun]\n  runtime_path = "${crunPath}"\n  runtime_type = "oci"\n  runtime_root = "/run/crun"\n  allowed_annotations = ["module.wasm.image/variant", "run.oci.handler"]\n`;

  it("run.oci.handler in allowed_annotations: CRI-O drops the crun handler (default runc) or does not start (default crun)", async () => {
    for (const defaultRuntime of ["runc", "crun"] as const) {
      const { root, crunPath, main } = await node(defaultRuntime);
      await writeTree(root, { "crio.conf.d/90-old.conf": old(crunPath) });
      const result = await crio([main, join(root, "crio.conf.d/90-old.conf")]);
      if (defaultRuntime === "runc") {
        expect(result.ignored).toEqual(["crun"]);
        expect(result.runtimes["crun"]).toBeUndefined();
      } else {
        expect(result.error).toBe("invalid allowed_annotation: run.oci.handler");
      }
    }
  });

  it("CRI-O's list has the run.oci. prefix and the Wasm variant, not run.oci.handler", async () => {
    const { main } = await node("runc");
    const list = (await crio([main])).all_allowed_annotations;
    expect(list).toContain("run.oci.");
    expect(list).toContain("module.wasm.image/variant");
    expect(list).not.toContain("run.oci.handler");
  });
});
