// Fuzzing the Docker config and podman auth files: real-looking files with wrong shapes, base64
// garbage in `auths`, hostile keys, corrupted bytes; and what credential helpers print. Reading
// credentials gives one or a WasmpackError, fast; login and logout write only the config file.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createCredentialProvider, login, logout, type HelperRunner } from "@wasmpack/registry/credentials";
import { credentialFromEntry, credHelperFor, loadAuthFile } from "../../packages/registry/src/credentials/auth-file.js";
import { findRegistryKey } from "../../packages/registry/src/credentials/registry-key.js";
import { tempDir } from "../support/temp.js";
import { HOSTILE_KEYS, asyncOutcome, listTree, mutatedBytes, mutatedJsonText, retypedJsonText, syncOutcome } from "./support.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const DOCKER_CONFIG = {
  auths: {
    "https://index.docker.io/v1/": { auth: b64("user:pass") },
    "ghcr.io": {},
    "registry.example:5000": { auth: b64("a:b:c"), email: "x@example.com" },
    "https://quay.io": { identitytoken: "tok" },
    "localhost:5000": { username: "u", password: "p" },
  },
  credHelpers: { "gcr.io": "gcloud", "public.ecr.aws": "ecr-login" },
  credsStore: "desktop",
  HttpHeaders: { "User-Agent": "Docker-Client" },
};
const PODMAN_AUTH = { auths: { "quay.io/org/repo": { auth: b64("org:secret") }, "docker.io": { auth: b64("hub:secret") } } };

const CREDENTIAL_FIELDS = ["auth", "username", "password", "identitytoken", "registrytoken"];
const REGISTRIES = ["docker.io", "index.docker.io", "ghcr.io", "registry.example:5000", "quay.io", "localhost:5000", "gcr.io", "public.ecr.aws", "HTTPS://GHCR.IO/", "", " ", "__proto__", "constructor", "a/b"];
const registry = fc.oneof(fc.constantFrom(...REGISTRIES), fc.string({ maxLength: 16 }));

/** base64 and not-quite-base64 `auth` values. */
const authValue = fc.oneof(
  fc.string({ maxLength: 24 }).map(b64),
  fc.constantFrom("", "=", "====", "Og==", b64(":"), b64(":p"), b64("u:"), b64("\u0000:\u0000"), "not base64!", "dXNlcjpwYXNz\n", " dXNlcjpwYXNz ", "%%%"),
  fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b).toString("base64")),
  fc.string({ unit: "binary", maxLength: 24 }),
);
const entry = fc.dictionary(
  fc.constantFrom("auth", "username", "password", "identitytoken", "registrytoken", "email", ...HOSTILE_KEYS),
  fc.oneof(authValue, fc.jsonValue({ maxDepth: 1 })),
  { maxKeys: 4 },
);
/** Whole files: the real ones mutated, retyped at one value, auths rebuilt from arbitrary entries, or corrupted bytes. */
const configText: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { arbitrary: fc.constantFrom(DOCKER_CONFIG, PODMAN_AUTH).chain((doc) => mutatedJsonText(doc, 3)), weight: 3 },
  { arbitrary: fc.constantFrom(DOCKER_CONFIG, PODMAN_AUTH).chain(retypedJsonText), weight: 3 },
  { arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...REGISTRIES), fc.string({ maxLength: 10 })), entry, { maxKeys: 4 }).map((auths) => JSON.stringify({ ...DOCKER_CONFIG, auths })), weight: 3 },
  { arbitrary: mutatedBytes(Buffer.from(JSON.stringify(DOCKER_CONFIG, null, "\t"))), weight: 1 },
  { arbitrary: fc.constantFrom("", " \n", "null", "[]", "{", '{"auths":null}', "\ufeff{}"), weight: 1 },
);

/** What a credential helper might answer `get` with. */
const helperAnswer = fc.record({
  exitCode: fc.constantFrom(0, 0, 1, 127),
  stdout: fc.oneof(
    fc.record({ ServerURL: fc.string(), Username: fc.oneof(fc.constant("<token>"), fc.string(), fc.jsonValue()), Secret: fc.oneof(fc.string(), fc.jsonValue()) }).map((o) => JSON.stringify(o)),
    fc.constantFrom("credentials not found in native keychain", "", "null", "[]", '{"Secret":"s"}'),
    fc.string({ unit: "binary", maxLength: 40 }),
  ),
  stderr: fc.string({ maxLength: 20 }),
});

let work: string;
beforeAll(async () => {
  work = await tempDir("wasmpack-fuzz-docker-config-");
});

describe("fuzz: docker config and auth files", () => {
  it("credentialFromEntry and key matching: a credential, none, or a WasmpackError", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 12 }), entry, { maxKeys: 5 }), entry, registry, (auths, one, reg) => {
        // An entry as loadAuthFile's shape check lets it through: credential fields are strings or null.
        const checked = Object.fromEntries(Object.entries(one).filter(([k, v]) => !CREDENTIAL_FIELDS.includes(k) || v === null || typeof v === "string"));
        syncOutcome(() => credentialFromEntry(checked, "config.json", "key"));
        syncOutcome(() => findRegistryKey(Object.keys(auths), reg, { skipNamespaceKeys: true }));
        const outcome = syncOutcome(() => credHelperFor({ credHelpers: { [reg]: "x" } }, reg));
        expect(outcome.ok).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("the credential provider over a fuzzed docker config and podman auth.json: a credential, none, or a WasmpackError", async () => {
    const home = join(work, "provider-home");
    await mkdir(join(home, ".docker"), { recursive: true });
    await mkdir(join(home, ".config", "containers"), { recursive: true });
    await fc.assert(
      fc.asyncProperty(configText, configText, registry, helperAnswer, async (docker, podman, reg, answer) => {
        await writeFile(join(home, ".docker", "config.json"), docker);
        await writeFile(join(home, ".config", "containers", "auth.json"), podman);
        const runHelper: HelperRunner = async () => answer;
        const provider = createCredentialProvider({ env: {}, home, runHelper });
        const outcome = await asyncOutcome(() => provider(reg));
        if (outcome.ok && outcome.value) expect(typeof outcome.value).toBe("object");
        await asyncOutcome(() => loadAuthFile(join(home, ".docker", "config.json")));
      }),
      { numRuns: 400 },
    );
  });

  it("login and logout over a fuzzed config: done or a WasmpackError, writing nothing but the config file", async () => {
    await fc.assert(
      fc.asyncProperty(configText, registry, fc.string({ maxLength: 12 }), helperAnswer, async (config, reg, user, answer) => {
        const caseDir = await mkdtemp(join(work, "login-"));
        const home = join(caseDir, "home");
        await mkdir(join(home, ".docker"), { recursive: true });
        await writeFile(join(caseDir, "sentinel"), "x");
        await writeFile(join(home, ".docker", "config.json"), config);
        const runHelper: HelperRunner = async () => answer;
        try {
          const done = await asyncOutcome(() => login({ registry: reg, username: user, password: "secret", env: {}, home, runHelper }));
          if (done.ok && !done.value.helper && !user.includes(":")) {
            // What login stored in the file is what the provider reads back.
            const read = await asyncOutcome(() => createCredentialProvider({ env: {}, home, runHelper })(reg));
            expect(read.ok && read.value).toEqual({ username: user, password: "secret" });
          }
          await asyncOutcome(() => logout({ registry: reg, env: {}, home, runHelper }));
          expect(await listTree(caseDir)).toEqual(["home", "home/.docker", "home/.docker/config.json", "sentinel"]);
          // Whatever was written is a JSON object again (or the file was left as it was).
          const after = await readFile(join(home, ".docker", "config.json"));
          if (!after.equals(Buffer.from(config))) expect(syncOutcome(() => JSON.parse(after.toString("utf8")) as unknown).ok).toBe(true);
        } finally {
          await rm(caseDir, { recursive: true, force: true });
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("fuzz regressions: docker config", () => {
  it("login to a registry named __proto__ stores an entry the provider reads back, not a prototype", async () => {
    // Found by the login property: `auths[key] = …` with key "__proto__" set the object's
    // prototype, so login reported success and wrote nothing.
    const home = join(work, "regression-proto");
    await mkdir(join(home, ".docker"), { recursive: true });
    await writeFile(join(home, ".docker", "config.json"), "{}");
    await login({ registry: "__proto__", username: "u", password: "secret", env: {}, home });
    const written = JSON.parse(await readFile(join(home, ".docker", "config.json"), "utf8")) as { auths: Record<string, unknown> };
    expect(Object.keys(written.auths)).toEqual(["__proto__"]);
    expect(await createCredentialProvider({ env: {}, home })("__proto__")).toEqual({ username: "u", password: "secret" });
    expect((await logout({ registry: "__proto__", env: {}, home })).removed).toBe(true);
  });
});
