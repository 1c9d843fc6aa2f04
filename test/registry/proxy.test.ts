import { spawn, type ChildProcess } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWasmpack } from "../support/cli.js";
import { freePort, startRegistry, writeTestImage, type RunningRegistry } from "../support/registry/index.js";
import { tempDir } from "../support/temp.js";
import { OciLayout, parseReference, pushFromLayout } from "@wasmpack/registry";

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket.destroy() !== undefined));
    socket.on("error", () => resolve(false));
  });
}

/** tinyproxy (Debian's) on a free loopback port, logging every CONNECT it tunnels. */
async function startTinyproxy(dir: string): Promise<{ url: string; log: () => Promise<string>; stop: () => void }> {
  const port = await freePort();
  const logFile = join(dir, "tinyproxy.log");
  await writeFile(join(dir, "tinyproxy.conf"), `Port ${port}\nListen 127.0.0.1\nTimeout 60\nLogFile "${logFile}"\nLogLevel Connect\nAllow 127.0.0.1\nDisableViaHeader Yes\n`);
  const child: ChildProcess = spawn("tinyproxy", ["-d", "-c", join(dir, "tinyproxy.conf")], { stdio: "ignore" });
  for (let i = 0; i < 50 && !(await accepts(port)); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  return { url: `http://127.0.0.1:${port}`, log: () => readFile(logFile, "utf8"), stop: () => child.kill() };
}

describe("HTTP_PROXY and NO_PROXY", () => {
  let registry: RunningRegistry;
  let proxy: Awaited<ReturnType<typeof startTinyproxy>>;
  let ref: string;
  beforeAll(async () => {
    const dir = await tempDir();
    registry = await startRegistry();
    proxy = await startTinyproxy(dir);
    const layout = await OciLayout.create(join(dir, "oci"));
    await writeTestImage(layout, { tag: "v1" });
    ref = `${registry.host}/proxied/app:v1`;
    await pushFromLayout(layout, parseReference(ref));
  });
  afterAll(async () => {
    proxy?.stop();
    await registry?.stop();
  });

  it("reaches the registry through the proxy the environment names", async () => {
    const result = await runWasmpack(["inspect", ref, "--json"], { env: { HTTP_PROXY: proxy.url, NO_PROXY: "" } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await proxy.log()).toContain(`CONNECT ${registry.host}`);
  });

  it("goes direct for hosts in NO_PROXY", async () => {
    const before = (await proxy.log()).split(`CONNECT ${registry.host}`).length;
    const result = await runWasmpack(["inspect", ref, "--json"], { env: { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect((await proxy.log()).split(`CONNECT ${registry.host}`).length).toBe(before);
  });

  it("fails as a network error when the proxy is down", async () => {
    const result = await runWasmpack(["inspect", ref], { env: { HTTP_PROXY: "http://127.0.0.1:1", NO_PROXY: "" } });
    expect(result.exitCode).toBe(4);
    expect(result.stderr.trim()).toMatch(new RegExp(`^wasmpack: the proxy at 127\\.0\\.0\\.1:1 could not be reached on the way to ${registry.host.replace(/\./g, "\\.")} .*check HTTP_PROXY`));
  });
});
