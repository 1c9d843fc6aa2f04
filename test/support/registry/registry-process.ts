import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
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

  const server = spawnServer(REGISTRY_BIN, ["serve", configPath]);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(server, `${url}/v2/`);
  } catch (error) {
    await stopChild(server);
    throw error;
  }
  return {
    host: `127.0.0.1:${port}`,
    port,
    url,
    dir,
    logs: server.logs,
    stop: async () => {
      await stopChild(server);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A server's process, what it printed so far, and its end. */
export interface ServerProcess {
  /** The program's name, for messages. */
  name: string;
  child: ChildProcess;
  /** Settles when the process has exited (or never started). */
  exited: Promise<void>;
  hasExited(): boolean;
  logs(): string;
}

/** Starts a server with its stdout and stderr kept for failure messages. */
export function spawnServer(file: string, args: string[]): ServerProcess {
  const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let gone = false;
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      gone = true;
      output += `\n[${basename(file)} exited: ${signal ?? code}]`;
      resolve();
    });
    // A program that cannot start (ENOENT) emits no "exit".
    child.on("error", (error) => {
      if (child.pid !== undefined) return; // a failed kill of a running process; "exit" follows
      gone = true;
      output += `\n[${file} did not start: ${error.message}]`;
      resolve();
    });
  });
  return { name: basename(file), child, exited, hasExited: () => gone, logs: () => output };
}

/** Polls `url` until it answers 200 or 401; fails early, with the server's output, when the server exits. */
export async function waitUntilUp(server: ServerProcess, url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.hasExited()) throw new Error(`${server.name} exited before answering ${url}:\n${server.logs()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${server.name} did not answer ${url} within ${timeoutMs / 1000} s:\n${server.logs()}`);
}

/** SIGTERM, SIGKILL after 5 s; returns at once when the process is already gone. */
export async function stopChild(server: ServerProcess): Promise<void> {
  if (server.hasExited()) return;
  server.child.kill("SIGTERM");
  const timer = setTimeout(() => server.child.kill("SIGKILL"), 5000);
  await server.exited;
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

/**
 * Starts a registry server (`args` given its `127.0.0.1:PORT`) on a free loopback port and waits
 * until `/v2/` answers; a port taken in between is tried again, up to three times.
 */
export async function startOnFreePort(bin: string, args: (host: string) => string[]): Promise<{ host: string; stop(): Promise<void> }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const host = `127.0.0.1:${await freePort()}`;
    const server = spawnServer(bin, args(host));
    try {
      await waitUntilUp(server, `http://${host}/v2/`);
      return { host, stop: () => stopChild(server) };
    } catch (error) {
      await stopChild(server);
      lastError = error;
    }
  }
  throw lastError;
}
