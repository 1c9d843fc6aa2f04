import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Env } from "../../src/credentials/types.js";

/** A throwaway HOME; `cleanup` removes it. */
export async function tempHome(): Promise<{ home: string; cleanup: () => Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), "wasmpack-credentials-"));
  return { home, cleanup: () => rm(home, { recursive: true, force: true }) };
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(value, null, 2));
}

export async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

export async function readJson(path: string): Promise<any> {
  return JSON.parse(await readFile(path, "utf8"));
}

export function basicAuth(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`).toString("base64");
}

/**
 * A real `docker-credential-test` speaking the docker-credential-helpers protocol against a JSON
 * file. `TEST_HELPER_FAIL=<action>` makes that action fail the way a broken helper does, printing
 * the secret it was given (store) so tests can check that it never reaches an error message.
 */
const HELPER_SOURCE = `
const fs = require("node:fs");
const action = process.argv[2];
const storePath = process.env.TEST_HELPER_STORE;
const input = fs.readFileSync(0, "utf8");
fs.appendFileSync(process.env.TEST_HELPER_LOG, JSON.stringify({ action, input }) + "\\n");
const load = () => (fs.existsSync(storePath) ? JSON.parse(fs.readFileSync(storePath, "utf8")) : {});
const save = (data) => fs.writeFileSync(storePath, JSON.stringify(data));
const notFound = () => { process.stdout.write("credentials not found in native keychain\\n"); process.exit(1); };
if (process.env.TEST_HELPER_FAIL === action) {
  if (action === "store") process.stdout.write("cannot store " + JSON.parse(input).Secret + ": keychain is locked\\n");
  else process.stdout.write("keychain is locked\\n");
  process.exit(3);
}
const data = load();
if (action === "get") {
  const entry = data[input.trim()];
  if (!entry) notFound();
  process.stdout.write(JSON.stringify({ ServerURL: input.trim(), Username: entry.Username, Secret: entry.Secret }));
} else if (action === "store") {
  const { ServerURL, Username, Secret } = JSON.parse(input);
  data[ServerURL] = { Username, Secret };
  save(data);
} else if (action === "erase") {
  if (!data[input.trim()]) notFound();
  delete data[input.trim()];
  save(data);
} else {
  process.stdout.write("unknown action\\n");
  process.exit(2);
}
`;

export interface TestHelper {
  /** Env whose PATH holds only the helper's folder, plus the variables the helper reads. */
  env: Env;
  storePath: string;
  /** Calls made so far: action and stdin. */
  calls: () => Promise<{ action: string; input: string }[]>;
  seed: (serverUrl: string, username: string, secret: string) => Promise<void>;
  stored: () => Promise<Record<string, { Username: string; Secret: string }>>;
}

export async function installTestHelper(root: string): Promise<TestHelper> {
  const bin = join(root, "bin");
  await mkdir(bin, { recursive: true });
  const script = join(bin, "helper.cjs");
  await writeFile(script, HELPER_SOURCE);
  const program = join(bin, "docker-credential-test");
  // The wrapper calls this node by absolute path, so PATH need hold nothing but `bin`.
  await writeFile(program, `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`);
  await chmod(program, 0o755);
  const storePath = join(root, "helper-store.json");
  const logPath = join(root, "helper-log.jsonl");
  await writeFile(logPath, "");
  const stored = async () => JSON.parse(await readFile(storePath, "utf8").catch(() => "{}"));
  return {
    env: { PATH: bin, TEST_HELPER_STORE: storePath, TEST_HELPER_LOG: logPath },
    storePath,
    calls: async () =>
      (await readFile(logPath, "utf8"))
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
    seed: async (serverUrl, username, secret) => {
      const data = await stored();
      data[serverUrl] = { Username: username, Secret: secret };
      await writeFile(storePath, JSON.stringify(data));
    },
    stored,
  };
}

/** Runs `fn` and returns what it threw. */
export async function caught(fn: () => unknown): Promise<any> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
