import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WasmpackError } from "../errors.js";
import { basicAuth, caught, tempHome, writeJson, writeText } from "../../test/credentials/fixtures.js";
import { createCredentialProvider } from "./provider.js";
import type { Env, HelperRequest, HelperRunner } from "./types.js";

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ home, cleanup } = await tempHome()));
afterEach(() => cleanup());

const dockerConfig = () => join(home, ".docker", "config.json");
const resolveWith = (registry: string, env: Env = {}, extra: { username?: string; password?: string; runHelper?: HelperRunner } = {}) =>
  createCredentialProvider({ env, home, ...extra })(registry);

/** A fake helper runner: answers `get` from `store`, records each call. */
function fakeHelpers(store: Record<string, Record<string, { Username: string; Secret: string }>>) {
  const calls: HelperRequest[] = [];
  const run: HelperRunner = async (request) => {
    calls.push(request);
    const entry = store[request.program]?.[request.input];
    if (!entry) return { exitCode: 1, stdout: "credentials not found in native keychain\n", stderr: "" };
    return { exitCode: 0, stdout: JSON.stringify({ ServerURL: request.input, ...entry }), stderr: "" };
  };
  return { run, calls };
}

describe("createCredentialProvider", () => {
  it("is anonymous when nothing is configured", async () => {
    expect(await resolveWith("ghcr.io")).toBeUndefined();
  });

  describe("explicit credentials", () => {
    it("uses username/password options before the environment and every file", async () => {
      await writeJson(dockerConfig(), { auths: { "ghcr.io": { auth: basicAuth("file", "file-pass") } } });
      const env = { WASMPACK_REGISTRY_USERNAME: "env", WASMPACK_REGISTRY_PASSWORD: "env-pass" };
      expect(await resolveWith("ghcr.io", env, { username: "flag", password: "flag-pass" })).toEqual({
        username: "flag",
        password: "flag-pass",
      });
      expect(await resolveWith("ghcr.io", env)).toEqual({ username: "env", password: "env-pass" });
    });

    it("rejects half a pair without echoing the half that was given", async () => {
      for (const make of [
        () => createCredentialProvider({ env: {}, home, username: "flag" }),
        () => createCredentialProvider({ env: {}, home, password: "s3cret-flag" }),
        () => createCredentialProvider({ env: { WASMPACK_REGISTRY_USERNAME: "env" }, home }),
        () => createCredentialProvider({ env: { WASMPACK_REGISTRY_PASSWORD: "s3cret-env" }, home }),
      ]) {
        const error = await caught(make);
        expect(error).toBeInstanceOf(WasmpackError);
        expect(error).toMatchObject({ kind: "usage", code: "CREDENTIALS_INCOMPLETE" });
        expect(error.message).not.toMatch(/s3cret/);
      }
      expect((await caught(() => createCredentialProvider({ env: { WASMPACK_REGISTRY_USERNAME: "env" }, home }))).message).toBe(
        "WASMPACK_REGISTRY_USERNAME is set but WASMPACK_REGISTRY_PASSWORD is not",
      );
    });

    it("treats empty variables as unset", async () => {
      expect(await resolveWith("ghcr.io", { WASMPACK_REGISTRY_USERNAME: "", WASMPACK_REGISTRY_PASSWORD: "" })).toBeUndefined();
    });
  });

  describe("docker config auths", () => {
    it("decodes base64 auth, plain username/password, identity and registry tokens", async () => {
      await writeJson(dockerConfig(), {
        auths: {
          "ghcr.io": { auth: basicAuth("octo", "pa:ss") },
          "quay.io": { username: "q", password: "qpass" },
          "myacr.azurecr.io": { auth: basicAuth("00000000-0000-0000-0000-000000000000", ""), identitytoken: "refresh-token" },
          "registry.example.com": { registrytoken: "bearer-token" },
        },
      });
      const provider = createCredentialProvider({ env: {}, home });
      expect(await provider("ghcr.io")).toEqual({ username: "octo", password: "pa:ss" });
      expect(await provider("quay.io")).toEqual({ username: "q", password: "qpass" });
      expect(await provider("myacr.azurecr.io")).toEqual({ identityToken: "refresh-token" });
      expect(await provider("registry.example.com")).toEqual({ registryToken: "bearer-token" });
      expect(await provider("other.example.com")).toBeUndefined();
    });

    it("reads $DOCKER_CONFIG/config.json instead of ~/.docker", async () => {
      await writeJson(dockerConfig(), { auths: { "ghcr.io": { auth: basicAuth("home", "p") } } });
      await writeJson(join(home, "elsewhere", "config.json"), { auths: { "ghcr.io": { auth: basicAuth("custom", "p") } } });
      expect(await resolveWith("ghcr.io", { DOCKER_CONFIG: join(home, "elsewhere") })).toEqual({ username: "custom", password: "p" });
    });

    it.each([["ghcr.io"], ["https://ghcr.io"], ["https://ghcr.io/v1/"], ["http://ghcr.io"], ["GHCR.IO"]])(
      "matches the key %s to ghcr.io",
      async (key) => {
        await writeJson(dockerConfig(), { auths: { [key]: { auth: basicAuth("u", "p") } } });
        expect(await resolveWith("ghcr.io")).toEqual({ username: "u", password: "p" });
      },
    );

    it("keeps ports apart", async () => {
      await writeJson(dockerConfig(), { auths: { "localhost:5000": { auth: basicAuth("u", "p") } } });
      expect(await resolveWith("localhost:5000")).toEqual({ username: "u", password: "p" });
      expect(await resolveWith("localhost:5001")).toBeUndefined();
    });

    it.each([["https://index.docker.io/v1/"], ["docker.io"], ["index.docker.io"], ["registry-1.docker.io"]])(
      "finds the Docker Hub entry stored as %s under every alias",
      async (key) => {
        await writeJson(dockerConfig(), { auths: { [key]: { auth: basicAuth("hubuser", "hubpass") } } });
        for (const alias of ["docker.io", "index.docker.io", "registry-1.docker.io"]) {
          expect(await resolveWith(alias)).toEqual({ username: "hubuser", password: "hubpass" });
        }
      },
    );

    it("prefers the legacy Docker Hub key that docker login writes over other aliases", async () => {
      await writeJson(dockerConfig(), {
        auths: { "docker.io": { auth: basicAuth("old", "p") }, "https://index.docker.io/v1/": { auth: basicAuth("new", "p") } },
      });
      expect(await resolveWith("docker.io")).toEqual({ username: "new", password: "p" });
    });

    it("passes over an empty entry (left by docker when a helper holds the secret)", async () => {
      await writeJson(dockerConfig(), { auths: { "ghcr.io": {} } });
      await writeJson(join(home, ".config", "containers", "auth.json"), { auths: { "ghcr.io": { auth: basicAuth("podman", "p") } } });
      expect(await resolveWith("ghcr.io")).toEqual({ username: "podman", password: "p" });
    });
  });

  describe("broken config files", () => {
    const secret = "hunter2-very-secret";

    it("names the corrupt file and never quotes it", async () => {
      await writeText(
        dockerConfig(),
        `{\n  "auths": {\n    "ghcr.io": { "auth": "${basicAuth("u", secret)}", password: "${secret}" }\n  }\n}\n`,
      );
      const error = await caught(() => resolveWith("ghcr.io"));
      expect(error).toBeInstanceOf(WasmpackError);
      expect(error).toMatchObject({ kind: "auth", code: "AUTH_CONFIG_INVALID" });
      expect(error.message).toMatch(/^.*\/\.docker\/config\.json: is not valid JSON \(line 3, column \d+\)$/);
      expect(error.message).not.toContain("\n");
      for (const text of [error.message, String(error.cause), error.cause?.message]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(basicAuth("u", secret));
      }
    });

    it("drops the text V8 quotes when a value is unquoted", async () => {
      await writeText(dockerConfig(), `{"auths": {"ghcr.io": {"password": ${secret}}}}`);
      const error = await caught(() => resolveWith("ghcr.io"));
      expect(error.message).toBe(`${dockerConfig()}: is not valid JSON`);
      expect(error.cause.message).not.toContain(secret);
    });

    it("reports an auth value that is not base64 user:pass without showing it", async () => {
      await writeJson(dockerConfig(), { auths: { "ghcr.io": { auth: `${secret}!` } } });
      const error = await caught(() => resolveWith("ghcr.io"));
      expect(error).toMatchObject({ kind: "auth", code: "AUTH_CONFIG_INVALID" });
      expect(error.message).toContain('auths["ghcr.io"].auth');
      expect(error.message).not.toContain(secret);
    });

    it.each([
      [[], "is not a JSON object"],
      [{ auths: [] }, '"auths" is not an object'],
      [{ auths: { "ghcr.io": "x" } }, 'auths["ghcr.io"] is not an object'],
      [{ auths: { "ghcr.io": { password: 42 } } }, 'auths["ghcr.io"].password is not a string'],
      [{ credHelpers: { "ghcr.io": 1 } }, 'credHelpers["ghcr.io"] is not a string'],
      [{ credsStore: true }, '"credsStore" is not a string'],
    ])("rejects the shape %j", async (content, why) => {
      await writeJson(dockerConfig(), content);
      const error = await caught(() => resolveWith("ghcr.io"));
      expect(error).toMatchObject({ kind: "auth", code: "AUTH_CONFIG_INVALID", message: `${dockerConfig()}: ${why}` });
    });

    it("treats an empty file as empty", async () => {
      await writeText(dockerConfig(), "");
      expect(await resolveWith("ghcr.io")).toBeUndefined();
    });
  });

  describe("order between docker's sources", () => {
    const helpers = () =>
      fakeHelpers({
        "docker-credential-pergistry": { "ghcr.io": { Username: "from-credhelpers", Secret: "a" } },
        "docker-credential-store": {
          "ghcr.io": { Username: "from-credsstore", Secret: "b" },
          "quay.io": { Username: "from-credsstore", Secret: "c" },
        },
      });

    it("asks credHelpers, then auths, then credsStore", async () => {
      await writeJson(dockerConfig(), {
        credHelpers: { "https://ghcr.io": "pergistry", "docker.io": "pergistry" },
        credsStore: "store",
        auths: { "ghcr.io": { auth: basicAuth("from-auths", "x") }, "quay.io": { auth: basicAuth("from-auths", "y") } },
      });
      const { run, calls } = helpers();
      const provider = createCredentialProvider({ env: { PATH: "/nowhere" }, home, runHelper: run });
      expect(await provider("ghcr.io")).toEqual({ username: "from-credhelpers", password: "a" });
      expect(await provider("quay.io")).toEqual({ username: "from-auths", password: "y" });
      // credHelpers has nothing for Docker Hub and auths has no entry: credsStore is asked.
      expect(await provider("docker.io")).toBeUndefined();
      expect(calls.map((c) => [c.program, c.action, c.input])).toEqual([
        ["docker-credential-pergistry", "get", "ghcr.io"],
        ["docker-credential-pergistry", "get", "https://index.docker.io/v1/"],
        ["docker-credential-store", "get", "https://index.docker.io/v1/"],
      ]);
      expect(calls[0]?.env).toEqual({ PATH: "/nowhere" });
    });

    it("falls back to auths and credsStore when credHelpers has no credential", async () => {
      await writeJson(dockerConfig(), { credHelpers: { "quay.io": "pergistry" }, credsStore: "store" });
      const { run } = helpers();
      expect(await resolveWith("quay.io", {}, { runHelper: run })).toEqual({ username: "from-credsstore", password: "c" });
    });

    it("asks each helper once per registry for the life of the provider", async () => {
      await writeJson(dockerConfig(), { credsStore: "store" });
      const { run, calls } = helpers();
      const provider = createCredentialProvider({ env: {}, home, runHelper: run });
      await Promise.all([provider("ghcr.io"), provider("ghcr.io"), provider("ghcr.io")]);
      expect(calls).toHaveLength(1);
    });
  });

  describe("misbehaving helpers", () => {
    const run = (result: { exitCode: number; stdout: string }): HelperRunner => async () => ({ stderr: "", ...result });

    it("never quotes a helper's output that carries the secret", async () => {
      await writeJson(dockerConfig(), { credsStore: "leaky" });
      const leaky = JSON.stringify({ Username: "u", Secret: "leaked-secret" });
      for (const result of [
        { exitCode: 1, stdout: leaky },
        { exitCode: 0, stdout: `${leaky}}` },
      ]) {
        const error = await caught(() => resolveWith("ghcr.io", {}, { runHelper: run(result) }));
        expect(error).toMatchObject({ kind: "auth", code: "CREDENTIAL_HELPER_FAILED" });
        expect(error.message).toContain("docker-credential-leaky get");
        expect(JSON.stringify(error)).not.toContain("leaked-secret");
        expect(String(error.cause ?? "")).not.toContain("leaked-secret");
      }
    });

    it("treats an empty answer as no credential", async () => {
      await writeJson(dockerConfig(), { credsStore: "empty" });
      expect(await resolveWith("ghcr.io", {}, { runHelper: run({ exitCode: 0, stdout: '{"Username":"","Secret":""}' }) })).toBeUndefined();
    });
  });

  describe("podman auth.json", () => {
    const entry = (user: string) => ({ auths: { "quay.io": { auth: basicAuth(user, "p") } } });

    it("reads $REGISTRY_AUTH_FILE, then $XDG_RUNTIME_DIR/containers, then ~/.config/containers", async () => {
      const explicit = join(home, "explicit-auth.json");
      const runtime = join(home, "run");
      await writeJson(explicit, entry("explicit"));
      await writeJson(join(runtime, "containers", "auth.json"), entry("runtime"));
      await writeJson(join(home, ".config", "containers", "auth.json"), entry("config"));
      expect(await resolveWith("quay.io", { REGISTRY_AUTH_FILE: explicit, XDG_RUNTIME_DIR: runtime })).toMatchObject({ username: "explicit" });
      expect(await resolveWith("quay.io", { XDG_RUNTIME_DIR: runtime })).toMatchObject({ username: "runtime" });
      expect(await resolveWith("quay.io")).toMatchObject({ username: "config" });
      expect(await resolveWith("quay.io", { REGISTRY_AUTH_FILE: join(home, "missing.json") })).toMatchObject({ username: "config" });
    });

    it("honours $XDG_CONFIG_HOME", async () => {
      await writeJson(join(home, "xdg", "containers", "auth.json"), entry("xdg"));
      expect(await resolveWith("quay.io", { XDG_CONFIG_HOME: join(home, "xdg") })).toMatchObject({ username: "xdg" });
    });

    it("comes after the docker config", async () => {
      await writeJson(join(home, ".config", "containers", "auth.json"), entry("podman"));
      await writeJson(dockerConfig(), entry("docker"));
      expect(await resolveWith("quay.io")).toMatchObject({ username: "docker" });
    });

    it("maps podman's docker.io key to Docker Hub and ignores namespace-scoped keys", async () => {
      await writeJson(join(home, ".config", "containers", "auth.json"), {
        auths: { "docker.io": { auth: basicAuth("hub", "p") }, "quay.io/team/app": { auth: basicAuth("team", "p") } },
      });
      expect(await resolveWith("registry-1.docker.io")).toMatchObject({ username: "hub" });
      expect(await resolveWith("quay.io")).toBeUndefined();
    });

    it("reports a corrupt auth.json by name", async () => {
      const path = join(home, ".config", "containers", "auth.json");
      await writeText(path, "{ not json");
      const error = await caught(() => resolveWith("quay.io"));
      expect(error).toMatchObject({ kind: "auth", code: "AUTH_CONFIG_INVALID" });
      expect(error.message.startsWith(`${path}: is not valid JSON`)).toBe(true);
    });
  });

  describe("GITHUB_TOKEN", () => {
    const actions = { GITHUB_ACTIONS: "true", GITHUB_TOKEN: "ghs_token" };

    it("is used for ghcr.io inside GitHub Actions, with the actor as user name", async () => {
      expect(await resolveWith("ghcr.io", { ...actions, GITHUB_ACTOR: "octocat" })).toEqual({ username: "octocat", password: "ghs_token" });
      expect(await resolveWith("ghcr.io", actions)).toEqual({ username: "x-access-token", password: "ghs_token" });
    });

    it("is not used elsewhere, outside Actions, or when another source has a credential", async () => {
      expect(await resolveWith("docker.io", actions)).toBeUndefined();
      expect(await resolveWith("ghcr.io", { GITHUB_TOKEN: "ghs_token" })).toBeUndefined();
      expect(await resolveWith("ghcr.io", { ...actions, GITHUB_ACTIONS: "false" })).toBeUndefined();
      await writeJson(join(home, ".config", "containers", "auth.json"), { auths: { "ghcr.io": { auth: basicAuth("podman", "p") } } });
      expect(await resolveWith("ghcr.io", actions)).toMatchObject({ username: "podman" });
    });
  });
});
