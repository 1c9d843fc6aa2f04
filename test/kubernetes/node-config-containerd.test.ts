import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { nodeConfig, type NodeConfig } from "@wasmpack/builder";
import { TOML } from "../support/builder-deps.js";
import { CONTAINERD_VERSIONS, nodeTool, reportMissing, type ContainerdBuild } from "../support/node-tools.js";
import { tempDir } from "../support/temp.js";

// containerd's own config loader judges what `wasmpack node-config` prints: the node's config is
// what `containerd config default` writes for that version (2.3 already has the images table the
// old output appended), our drop-in goes where the output says, and `containerd config dump`
// (imports followed, files merged and migrated, every plugin's config decoded into its Go type)
// must load it and show the handler.

const execFileAsync = promisify(execFile);
type Table = Record<string, any>;

/** Which built containerd judges each --containerd-version: 2.0 and 2.1 share 2.1.9's loader (2.0 has no images table, nothing version-specific is printed). */
const JUDGE: Record<string, ContainerdBuild> = { "1.7": "1.7.35", "2.0": "2.1.9", "2.1": "2.1.9", "2.2": "2.2.9", "2.3": "2.3.7" };
const binaries = Object.fromEntries(CONTAINERD_VERSIONS.map((v) => [v, nodeTool(`containerd-${v}`)])) as Record<ContainerdBuild, string | undefined>;
for (const v of CONTAINERD_VERSIONS) if (!binaries[v]) reportMissing(`containerd-${v}`, `node-config checks against containerd ${v}'s config loader`);

async function containerd(binary: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(binary, args, { maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

const defaults = new Map<string, Promise<string>>();
/** `containerd config default` of that build, as a node's config.toml, with the systemd cgroup driver kubeadm nodes use. */
function defaultConfig(binary: string): Promise<string> {
  if (!defaults.has(binary)) {
    defaults.set(
      binary,
      containerd(binary, ["config", "default"]).then((r) => {
        if (r.code !== 0) throw new Error(`containerd config default: ${r.stderr}`);
        expect(r.stdout).toMatch(/SystemdCgroup = false/);
        return r.stdout.replace(/SystemdCgroup = false/, "SystemdCgroup = true");
      }),
    );
  }
  return defaults.get(binary)!;
}

/** Lays the node's files out as the output says, under `root` instead of /etc/containerd; returns the main config's path. */
async function applyToNode(root: string, main: string, config: NodeConfig): Promise<string> {
  const etc = (text: string) => text.replaceAll("/etc/containerd/", `${root}/`);
  const toml = config.sections.filter((s) => s.language === "toml");
  const dropIn = toml.find((s) => s.file?.startsWith("/etc/containerd/conf.d/"));
  if (dropIn) {
    await mkdir(join(root, "conf.d"), { recursive: true });
    await writeFile(etc(dropIn.file!), dropIn.text);
    const importsLine = toml.find((s) => s.file === "/etc/containerd/config.toml")!.text.split("\n").find((l) => l.startsWith("imports"))!;
    // "unless it is there already": 2.2+ writes it; 2.0/2.1 write `imports = []`, which the line replaces.
    if (!/^imports = \[.*conf\.d\/\*\.toml.*\]$/m.test(main)) {
      expect(main, "containerd config default has a top-level imports line to replace").toMatch(/^imports = \[\]$/m);
      main = main.replace(/^imports = \[\]$/m, importsLine);
    }
  } else {
    const section = toml.find((s) => s.file === "/etc/containerd/config.toml")!;
    main = `${main}\n${section.text}\n`;
  }
  const path = join(root, "config.toml");
  await writeFile(path, etc(main));
  return path;
}

async function dump(binary: string, configPath: string): Promise<Table> {
  const result = await containerd(binary, ["--config", configPath, "config", "dump"]);
  expect(result.code, result.stderr).toBe(0);
  return TOML.parse(result.stdout) as Table;
}

const cases = Object.entries(JUDGE).flatMap(([version, build]) => (["wasmedge", "spin", "wasmtime"] as const).map((runtime) => ({ version, build, runtime })));

describe("node-config output loads in containerd's own config loader", () => {
  for (const { version, build, runtime } of cases) {
    it.skipIf(!binaries[build])(`containerd ${version} (${build}'s loader), ${runtime}`, async () => {
      const binary = binaries[build]!;
      const root = await tempDir();
      const config = nodeConfig({ runtime, cri: "containerd", containerdVersion: version });
      const merged = await dump(binary, await applyToNode(root, await defaultConfig(binary), config));

      const cri = version === "1.7" ? merged["plugins"]["io.containerd.grpc.v1.cri"] : merged["plugins"]["io.containerd.cri.v1.runtime"];
      const runtimes = cri["containerd"]["runtimes"];
      if (runtime === "wasmedge") {
        expect(runtimes["crun"]["runtime_type"]).toBe("io.containerd.runc.v2");
        expect(runtimes["crun"]["pod_annotations"]).toEqual(["module.wasm.image/variant"]);
        expect(runtimes["crun"]["options"]["BinaryName"]).toBe("/usr/bin/crun");
      } else {
        expect(runtimes[runtime]["runtime_type"]).toBe(runtime === "spin" ? "io.containerd.spin.v2" : "io.containerd.wasmtime.v1");
      }
      // The node's own settings survive the merge.
      expect(runtimes["runc"]["options"]["SystemdCgroup"]).toBe(true);
      const images = version === "1.7" ? merged["plugins"]["io.containerd.grpc.v1.cri"] : merged["plugins"]["io.containerd.cri.v1.images"];
      if (version === "1.7") expect(images["sandbox_image"]).toMatch(/pause/);
      else expect(images["pinned_images"]["sandbox"]).toMatch(/pause/);
      expect(images["use_local_image_pull"] ?? false).toBe(version === "2.3");
    });
  }

  it("2.2 and later's default config already imports /etc/containerd/conf.d/*.toml; 2.1's and 1.7's do not", async () => {
    for (const build of CONTAINERD_VERSIONS) {
      if (!binaries[build]) continue;
      const imports = (TOML.parse(await defaultConfig(binaries[build]!)) as Table)["imports"];
      expect(imports, build).toEqual(build === "2.2.9" || build === "2.3.7" ? ["/etc/containerd/conf.d/*.toml"] : []);
    }
  });
});

describe("what node-config no longer prints is what containerd refuses", () => {
  it.skipIf(!binaries["2.3.7"])("2.3: the images table appended to a config that has it does not load", async () => {
    const root = await tempDir();
    const old = '[plugins."io.containerd.cri.v1.images"]\n  use_local_image_pull = true\n';
    const path = join(root, "config.toml");
    await writeFile(path, `${await defaultConfig(binaries["2.3.7"]!)}\n${old}`);
    const result = await containerd(binaries["2.3.7"]!, ["--config", path, "config", "dump"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("toml: table io.containerd.cri.v1.images already exists");
  });

  it.skipIf(!binaries["2.1.9"])("2.0–2.2: a version = 2 config.toml loses its CRI settings to the drop-in unless migrated first, as the note says", async () => {
    const binary = binaries["2.1.9"]!;
    const config = nodeConfig({ runtime: "spin", containerdVersion: "2.1" });
    expect(config.notes.join("\n")).toContain("containerd config migrate");
    expect(config.sections[0]!.text).toContain("must be migrated first (containerd config migrate)");
    const root = await tempDir();
    const v2 = `version = 2\nimports = ["${root}/conf.d/*.toml"]\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  runtime_type = "io.containerd.runc.v2"\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n`;
    await writeFile(join(root, "v2.toml"), v2);
    const migrated = await containerd(binary, ["--config", join(root, "v2.toml"), "config", "migrate"]);
    expect(migrated.code, migrated.stderr).toBe(0);
    await writeFile(join(root, "migrated.toml"), migrated.stdout);
    await mkdir(join(root, "conf.d"));
    await writeFile(join(root, "conf.d", "wasmpack-spin.toml"), config.sections[0]!.text);
    for (const [file, systemd] of [["v2.toml", false], ["migrated.toml", true]] as const) {
      const runtimes = (await dump(binary, join(root, file)))["plugins"]["io.containerd.cri.v1.runtime"]["containerd"]["runtimes"];
      expect(runtimes["spin"]["runtime_type"], file).toBe("io.containerd.spin.v2");
      expect(runtimes["runc"]["options"]["SystemdCgroup"], file).toBe(systemd);
    }
  });

  it.skipIf(!binaries["1.7.35"])("1.7: the same tables as a drop-in would replace the node's whole CRI table (runc, its default runtime, is gone)", async () => {
    const root = await tempDir();
    const tables = nodeConfig({ runtime: "spin", containerdVersion: "1.7" }).sections.find((s) => s.language === "toml")!.text;
    await mkdir(join(root, "conf.d"));
    await writeFile(join(root, "conf.d", "wasmpack-spin.toml"), `version = 2\n\n${tables}\n`);
    const main = (await defaultConfig(binaries["1.7.35"]!)).replace(/^imports = \[\]$/m, `imports = ["${root}/conf.d/*.toml"]`);
    await writeFile(join(root, "config.toml"), main);
    const merged = await dump(binaries["1.7.35"]!, join(root, "config.toml"));
    const runtimes = merged["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"];
    expect(runtimes["spin"]["runtime_type"]).toBe("io.containerd.spin.v2");
    expect(Object.keys(runtimes)).toEqual(["spin"]);
    expect(merged["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["default_runtime_name"]).toBe("runc");
  });
});
