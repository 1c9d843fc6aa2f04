import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WasmpackError } from "../errors.js";
import { basicAuth, caught, installTestHelper, readJson, tempHome, writeJson, type TestHelper } from "../../test/credentials/fixtures.js";
import { login, logout } from "./login.js";
import { createCredentialProvider } from "./provider.js";

/** Runs the real `docker-credential-test` executable, found through the PATH passed in `env`. */
let home: string;
let cleanup: () => Promise<void>;
let helper: TestHelper;
beforeEach(async () => {
  ({ home, cleanup } = await tempHome());
  helper = await installTestHelper(home);
});
afterEach(() => cleanup());

const configPath = () => join(home, ".docker", "config.json");
const resolve = (registry: string, env = helper.env) => createCredentialProvider({ env, home })(registry);

describe.each([
  ["credHelpers", (registry: string) => ({ credHelpers: { [registry]: "test" } })],
  ["credsStore", () => ({ credsStore: "test" })],
])("a real credential helper via %s", (_, helperConfig) => {
  it("gets username and secret for a host", async () => {
    await writeJson(configPath(), helperConfig("ghcr.io"));
    await helper.seed("ghcr.io", "octo", "helper-secret");
    expect(await resolve("ghcr.io")).toEqual({ username: "octo", password: "helper-secret" });
    expect(await helper.calls()).toEqual([{ action: "get", input: "ghcr.io" }]);
  });

  it("asks for Docker Hub by docker's legacy server URL", async () => {
    await writeJson(configPath(), helperConfig("docker.io"));
    await helper.seed("https://index.docker.io/v1/", "hubuser", "hub-secret");
    expect(await resolve("registry-1.docker.io")).toEqual({ username: "hubuser", password: "hub-secret" });
  });

  it("returns an identity token when Username is <token>", async () => {
    await writeJson(configPath(), helperConfig("myacr.azurecr.io"));
    await helper.seed("myacr.azurecr.io", "<token>", "refresh-token");
    expect(await resolve("myacr.azurecr.io")).toEqual({ identityToken: "refresh-token" });
  });

  it("treats 'credentials not found' as anonymous", async () => {
    await writeJson(configPath(), helperConfig("ghcr.io"));
    expect(await resolve("ghcr.io")).toBeUndefined();
  });

  it("reports a failing helper in one line, by name, without secrets", async () => {
    await writeJson(configPath(), helperConfig("ghcr.io"));
    await helper.seed("ghcr.io", "octo", "helper-secret");
    const error = await caught(() => resolve("ghcr.io", { ...helper.env, TEST_HELPER_FAIL: "get" }));
    expect(error).toBeInstanceOf(WasmpackError);
    expect(error).toMatchObject({ kind: "auth", code: "CREDENTIAL_HELPER_FAILED" });
    expect(error.message).toBe(
      `credential helper docker-credential-test get failed (exit code 3: keychain is locked; configured in ${configPath()})`,
    );
    expect(error.message).not.toContain("helper-secret");
  });

  it("logs in and out through the helper, keeping the secret out of the file", async () => {
    await writeJson(configPath(), { ...helperConfig("ghcr.io"), currentContext: "default" });
    const result = await login({ registry: "ghcr.io", username: "octo", password: "login-secret", env: helper.env, home });
    expect(result).toEqual({ configFile: configPath(), key: "ghcr.io", helper: "test" });
    expect(await helper.stored()).toEqual({ "ghcr.io": { Username: "octo", Secret: "login-secret" } });
    const file = await readFile(configPath(), "utf8");
    expect(file).not.toContain("login-secret");
    expect(file).not.toContain(basicAuth("octo", "login-secret"));
    expect(JSON.parse(file)).toEqual({ ...helperConfig("ghcr.io"), currentContext: "default", auths: { "ghcr.io": {} } });

    expect(await resolve("ghcr.io")).toEqual({ username: "octo", password: "login-secret" });

    expect(await logout({ registry: "ghcr.io", env: helper.env, home })).toEqual({ configFile: configPath(), removed: true, helper: "test" });
    expect(await helper.stored()).toEqual({});
    expect(await readJson(configPath())).toEqual({ ...helperConfig("ghcr.io"), currentContext: "default", auths: {} });
    expect(await resolve("ghcr.io")).toBeUndefined();
    expect((await logout({ registry: "ghcr.io", env: helper.env, home })).removed).toBe(false);
    expect((await helper.calls()).map((c) => c.action)).toEqual(["store", "get", "erase", "get", "erase"]);
  });

  it("stores Docker Hub under https://index.docker.io/v1/", async () => {
    await writeJson(configPath(), helperConfig("docker.io"));
    await login({ registry: "docker.io", username: "hubuser", password: "hub-secret", env: helper.env, home });
    expect(Object.keys(await helper.stored())).toEqual(["https://index.docker.io/v1/"]);
    expect(await resolve("index.docker.io")).toEqual({ username: "hubuser", password: "hub-secret" });
  });

  it("does not leak the secret when store fails, and leaves the file alone", async () => {
    await writeJson(configPath(), helperConfig("ghcr.io"));
    const before = await readFile(configPath(), "utf8");
    const env = { ...helper.env, TEST_HELPER_FAIL: "store" };
    const error = await caught(() => login({ registry: "ghcr.io", username: "octo", password: "store-secret", env, home }));
    expect(error).toMatchObject({ kind: "auth", code: "CREDENTIAL_HELPER_FAILED" });
    expect(error.message).toBe(
      `credential helper docker-credential-test store failed (exit code 3: cannot store ***: keychain is locked; configured in ${configPath()})`,
    );
    expect(JSON.stringify(error)).not.toContain("store-secret");
    expect(await readFile(configPath(), "utf8")).toBe(before);
  });
});

describe("helper precedence with a real helper", () => {
  it("uses credHelpers before auths and auths before credsStore", async () => {
    await helper.seed("ghcr.io", "from-helper", "s1");
    await helper.seed("quay.io", "from-helper", "s2");
    await writeJson(configPath(), {
      credHelpers: { "ghcr.io": "test" },
      credsStore: "test",
      auths: { "ghcr.io": { auth: basicAuth("from-auths", "a") }, "quay.io": { auth: basicAuth("from-auths", "b") } },
    });
    expect(await resolve("ghcr.io")).toMatchObject({ username: "from-helper" });
    expect(await resolve("quay.io")).toMatchObject({ username: "from-auths" });
  });

  it("uses the credHelpers entry for login even when a credsStore is set", async () => {
    await writeJson(configPath(), { credHelpers: { "ghcr.io": "test" }, credsStore: "missing" });
    await login({ registry: "ghcr.io", username: "octo", password: "p", env: helper.env, home });
    expect(await helper.stored()).toMatchObject({ "ghcr.io": { Username: "octo" } });
  });
});

describe("a missing helper", () => {
  it("names the helper and the file that configures it", async () => {
    await writeJson(configPath(), { credsStore: "nonexistent" });
    const error = await caught(() => resolve("ghcr.io"));
    expect(error).toMatchObject({
      kind: "auth",
      code: "CREDENTIAL_HELPER_MISSING",
      message: `credential helper docker-credential-nonexistent (configured in ${configPath()}) was not found on PATH`,
    });
  });

  it("fails login without touching the file or leaving temp files", async () => {
    await writeJson(configPath(), { credsStore: "nonexistent" });
    const error = await caught(() => login({ registry: "ghcr.io", username: "u", password: "missing-secret", env: helper.env, home }));
    expect(error).toMatchObject({ kind: "auth", code: "CREDENTIAL_HELPER_MISSING" });
    expect(error.message).not.toContain("missing-secret");
    expect(await readJson(configPath())).toEqual({ credsStore: "nonexistent" });
    expect(await readdir(join(home, ".docker"))).toEqual(["config.json"]);
  });
});
