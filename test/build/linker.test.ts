import { existsSync } from "node:fs";
import { chmod, mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lastLine, runWasmpack } from "../support/cli.js";
import { HELLO_CRATE, tempDir, writeTree } from "../support/temp.js";

/**
 * A toolchain directory laid out like Debian's /usr: bin/rustc (a script answering wasmpack's
 * probes), bin/cargo (a script that only records that it ran) and the wasm32-wasip1 std in
 * lib/rustlib. `linker` says what bin/rust-lld is.
 */
async function fakeToolchain(root: string, linker: "dangling" | "present"): Promise<{ env: Record<string, string>; cargoRan: string }> {
  const sysroot = join(root, "toolchain");
  const bin = join(sysroot, "bin");
  const cargoRan = join(root, "cargo-ran");
  await writeTree(sysroot, { "lib/rustlib/wasm32-wasip1/lib/libstd-0123abcd.rlib": "" });
  await mkdir(bin, { recursive: true });
  const scripts: Record<string, string> = {
    rustc: [
      "#!/bin/sh",
      'case "$*" in',
      `  "--print sysroot") echo '${sysroot}' ;;`,
      '  "--version") echo "rustc 1.80.0 (fake 2024-01-01)" ;;',
      '  "--print target-list") printf "x86_64-unknown-linux-gnu\\nwasm32-wasip1\\n" ;;',
      '  *) echo "unexpected rustc $*" >&2; exit 1 ;;',
      "esac",
    ].join("\n"),
    cargo: `#!/bin/sh\necho "$*" >> '${cargoRan}'\necho "error: fake cargo" >&2\nexit 99\n`,
  };
  for (const [name, text] of Object.entries(scripts)) {
    await writeFile(join(bin, name), `${text}\n`);
    await chmod(join(bin, name), 0o755);
  }
  if (linker === "dangling") {
    await symlink("lld-14", join(bin, "rust-lld"));
  } else {
    await writeFile(join(bin, "lld-14"), "#!/bin/sh\nexit 0\n");
    await chmod(join(bin, "lld-14"), 0o755);
    await symlink("lld-14", join(bin, "rust-lld"));
  }
  // PATH holds no other rust-lld (the machine's /usr/bin may have a working one).
  const emptyBin = join(root, "empty-bin");
  await mkdir(emptyBin, { recursive: true });
  return { env: { CARGO: join(bin, "cargo"), RUSTC: join(bin, "rustc"), PATH: emptyBin }, cargoRan };
}

describe("wasmpack build with a toolchain whose wasm linker is missing", () => {
  it("fails before cargo runs, in one line naming the dangling rust-lld and the package to install", async () => {
    const root = await tempDir();
    const { env, cargoRan } = await fakeToolchain(root, "dangling");
    const dir = await writeTree(join(root, "app"), HELLO_CRATE);
    const result = await runWasmpack(["build", dir, "-o", join(root, "out")], { env });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(lastLine(result.stderr)).toBe(
      `wasmpack: the wasm32-wasip1 linker rust-lld is not installed (${join(root, "toolchain", "bin", "rust-lld")} is a link to lld-14, ` +
        "which does not exist); on Debian `apt-get install lld-14`",
    );
    expect(result.stderr.match(/^wasmpack: /gm)).toHaveLength(1);
    expect(existsSync(cargoRan)).toBe(false);
    expect(existsSync(join(root, "out"))).toBe(false);
  });

  it("runs cargo when the link leads to a linker", async () => {
    const root = await tempDir();
    const { env, cargoRan } = await fakeToolchain(root, "present");
    const dir = await writeTree(join(root, "app"), HELLO_CRATE);
    const result = await runWasmpack(["build", dir, "-o", join(root, "out")], { env });
    expect(result.exitCode).toBe(1);
    expect(lastLine(result.stderr)).toMatch(/^wasmpack: cargo \w+ failed for /); // the fake cargo's exit 99
    expect(existsSync(cargoRan)).toBe(true);
  });
});
