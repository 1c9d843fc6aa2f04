// A Spin app whose two components are two crates: one SBOM for the app, its root the app,
// depending on each component's crate (which the build compiled with Debian's cargo), and
// accepted by the SPDX project's own validator when it is installed.

import { copyFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildJson } from "../support/build.js";
import { runCommand } from "../support/cli.js";
import { cargoLock, tempDir, writeTree } from "../support/temp.js";
import { findTool } from "../support/tools.js";

const crate = (name: string) => ({
  [`${name}/Cargo.toml`]: `[package]\nname = "${name}"\nversion = "0.2.0"\nedition = "2021"\nlicense = "MIT"\n\n[workspace]\n`,
  [`${name}/Cargo.lock`]: cargoLock([{ name, version: "0.2.0" }]),
  [`${name}/src/main.rs`]: 'fn main() { println!("Content-Type: text/plain\\n\\nhi"); }\n',
});

const component = (name: string) =>
  `[component.${name}]\nsource = "${name}/target/wasm32-wasi/release/${name}.wasm"\n[component.${name}.build]\ncommand = "cargo build --target wasm32-wasi --release"\nworkdir = "${name}"\n`;

describe("the SBOM of a Spin app made of two crates", () => {
  it("has the app as its root, depending on both components' crates", async () => {
    const dir = await tempDir("wasmpack-spin-sbom-");
    await writeTree(dir, {
      "spin.toml": `spin_manifest_version = 2\n[application]\nname = "duo"\nversion = "1.0.0"\n[[trigger.http]]\nroute = "/a"\ncomponent = "alpha"\nexecutor = { type = "wagi" }\n[[trigger.http]]\nroute = "/b"\ncomponent = "beta"\nexecutor = { type = "wagi" }\n${component("alpha")}${component("beta")}`,
      ...crate("alpha"),
      ...crate("beta"),
    });
    const built = (await buildJson(dir, join(dir, "oci"))) as Awaited<ReturnType<typeof buildJson>> & { attached: { artifactType: string; digest: string }[] };
    const sbom = built.attached.find((a) => a.artifactType === "application/spdx+json")!;
    const file = join(dir, "oci", "blobs", ...sbom.digest.split(":"));
    const spdx = JSON.parse(await readFile(file, "utf8")) as {
      packages: { SPDXID: string; name: string; versionInfo?: string }[];
      relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
    };
    const id = (name: string) => spdx.packages.find((p) => p.name === name)?.SPDXID;
    expect(spdx.packages).toContainEqual(expect.objectContaining({ name: "duo", versionInfo: "1.0.0" }));
    expect(spdx.relationships).toContainEqual(expect.objectContaining({ spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: id("duo") }));
    for (const name of ["alpha", "beta"]) {
      expect(spdx.relationships).toContainEqual(expect.objectContaining({ spdxElementId: id("duo"), relationshipType: "DEPENDS_ON", relatedSpdxElement: id(name) }));
    }
    const pyspdxtools = findTool("pyspdxtools");
    if (pyspdxtools) {
      // pyspdxtools picks its parser by the file's extension.
      await copyFile(file, `${file}.spdx.json`);
      const checked = await runCommand(pyspdxtools, ["-i", `${file}.spdx.json`]);
      expect(checked.exitCode, `${checked.stdout}${checked.stderr}`).toBe(0);
    }
  });
});

