import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import { htpasswdLine } from "./htpasswd.js";

/** How the registry authenticates. */
export type RegistryAuth =
  | { kind: "open" }
  | { kind: "htpasswd"; users: Record<string, string> }
  | { kind: "token"; realm: string; service: string; issuer: string; rootCertBundle: string };

export interface RunningRegistry {
  /** `127.0.0.1:PORT`, the registry part of a reference. */
  host: string;
  port: number;
  url: string;
  /** Config and storage live here. */
  dir: string;
  /** What the registry printed so far, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

const REGISTRY_BIN = "/usr/bin/docker-registry";

/**
 * Starts a real registry (Debian's `docker-registry`, distribution 2.8) on a free loopback port
 * with its own config and storage in a temp directory, and waits until `/v2/` answers.
 */
export async function startRegistry(auth: RegistryAuth = { kind: "open" }): Promise<RunningRegistry> {
  const dir = await mkdtemp(join(tmpdir(), "wasmpack-registry-"));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await launch(dir, port, await authConfig(dir, auth));
    } catch (error) {
      lastError = error; // most likely the port was taken in between; try another
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

async function authConfig(dir: string, auth: RegistryAuth): Promise<Record<string, unknown> | undefined> {
  if (auth.kind === "open") return undefined;
  if (auth.kind === "htpasswd") {
    const path = join(dir, "htpasswd");
    const lines = await Promise.all(Object.entries(auth.users).map(([user, password]) => htpasswdLine(user, password)));
    await writeFile(path, `${lines.join("\n")}\n`);
    return { htpasswd: { realm: "wasmpack-test", path } };
  }
  return { token: { realm: auth.realm, service: auth.service, issuer: auth.issuer, rootcertbundle: auth.rootCertBundle } };
}

async function launch(dir: string, port: number, auth: Record<string, unknown> | undefined): Promise<RunningRegistry> {
  const config = {
    version: 0.1,
    log: { level: "warn", accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: join(dir, "data") },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString("hex") },
    ...(auth ? { auth } : {}),
  };
  const configPath = join(dir, `config-${port}.yml`);
  // JSON is YAML, and needs no hand-built indentation.
  await writeFile(configPath, JSON.stringify(config, null, 2));

  const child = spawn(REGISTRY_BIN, ["serve", configPath], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(`${url}/v2/`, exited, () => output);
  } catch (error) {
    await stopChild(child, exited);
    throw error;
  }
  return {
    host: `127.0.0.1:${port}`,
    port,
    url,
    dir,
    logs: () => output,
    stop: async () => {
      await stopChild(child, exited);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilUp(url: string, exited: Promise<number | null>, logs: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`docker-registry exited before answering:\n${logs()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`docker-registry did not answer ${url} within 15 s:\n${logs()}`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/** An open registry and a scratch directory for one test file. */
export interface RegistryFixture {
  registry: RunningRegistry;
  work: string;
  stop(): Promise<void>;
}

export async function startRegistryFixture(prefix: string): Promise<RegistryFixture> {
  const registry = await startRegistry();
  const work = await mkdtemp(join(tmpdir(), prefix));
  return {
    registry,
    work,
    stop: async () => {
      await registry.stop();
      await rm(work, { recursive: true, force: true });
    },
  };
}
