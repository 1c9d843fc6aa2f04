import { chmod, lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { basicAuth, caught, readJson, tempHome, writeJson, writeText } from "../../test/credentials/fixtures.js";
import { login, logout } from "./login.js";
import { createCredentialProvider } from "./provider.js";

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ home, cleanup } = await tempHome()));
afterEach(() => cleanup());

const configPath = () => join(home, ".docker", "config.json");
const env = {};
const resolve = (registry: string) => createCredentialProvider({ env, home })(registry);

describe("login", () => {
  it("creates a 0600 config in a 0700 folder, 2-space indented", async () => {
    const result = await login({ registry: "ghcr.io", username: "octo", password: "s3cret", env, home });
    expect(result).toEqual({ configFile: configPath(), key: "ghcr.io" });
    expect(await readFile(configPath(), "utf8")).toBe(
      `{\n  "auths": {\n    "ghcr.io": {\n      "auth": "${basicAuth("octo", "s3cret")}"\n    }\n  }\n}\n`,
    );
    expect((await stat(configPath())).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, ".docker"))).mode & 0o777).toBe(0o700);
  });

  it("round-trips with the provider", async () => {
    await login({ registry: "https://ghcr.io/", username: "octo", password: "pa:ss", env, home });
    expect(await resolve("ghcr.io")).toEqual({ username: "octo", password: "pa:ss" });
  });

  it("stores Docker Hub under https://index.docker.io/v1/ whatever alias is given", async () => {
    await login({ registry: "registry-1.docker.io", username: "hubuser", password: "p", env, home });
    expect(Object.keys((await readJson(configPath())).auths)).toEqual(["https://index.docker.io/v1/"]);
    expect(await resolve("docker.io")).toEqual({ username: "hubuser", password: "p" });
  });

  it("keeps every other key and entry, and the file's own indentation and mode", async () => {
    const original = {
      auths: {
        "quay.io": { auth: basicAuth("q", "q") },
        "ghcr.io": { auth: basicAuth("old", "old"), email: "me@example.com" },
      },
      credHelpers: { "123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login" },
      HttpHeaders: { "User-Agent": "docker" },
      currentContext: "desktop-linux",
      plugins: { debug: { hooks: "exec" } },
    };
    // docker itself writes tabs and no trailing newline.
    await writeText(configPath(), JSON.stringify(original, null, "\t"));
    await chmod(configPath(), 0o644);

    await login({ registry: "ghcr.io", username: "new", password: "pw", env, home });

    const text = await readFile(configPath(), "utf8");
    expect(text).toBe(
      JSON.stringify({ ...original, auths: { ...original.auths, "ghcr.io": { email: "me@example.com", auth: basicAuth("new", "pw") } } }, null, "\t"),
    );
    expect((await stat(configPath())).mode & 0o777).toBe(0o644);
    expect(await readdir(join(home, ".docker"))).toEqual(["config.json"]);
  });

  it("wins over an older entry stored under another spelling", async () => {
    await writeJson(configPath(), { auths: { "https://ghcr.io": { auth: basicAuth("old", "p") } } });
    await login({ registry: "ghcr.io", username: "new", password: "p", env, home });
    expect(await resolve("ghcr.io")).toEqual({ username: "new", password: "p" });
  });

  it("writes to $DOCKER_CONFIG", async () => {
    const dockerConfig = join(home, "custom");
    await login({ registry: "ghcr.io", username: "u", password: "p", env: { DOCKER_CONFIG: dockerConfig }, home });
    expect(await readJson(join(dockerConfig, "config.json"))).toEqual({ auths: { "ghcr.io": { auth: basicAuth("u", "p") } } });
  });

  it("writes through a symlinked config, as docker does", async () => {
    const real = join(home, "dotfiles", "docker.json");
    await writeJson(real, { currentContext: "x" });
    await mkdir(join(home, ".docker"));
    await symlink(real, configPath());
    await login({ registry: "ghcr.io", username: "u", password: "p", env, home });
    expect((await lstat(configPath())).isSymbolicLink()).toBe(true);
    expect(await readJson(real)).toEqual({ currentContext: "x", auths: { "ghcr.io": { auth: basicAuth("u", "p") } } });
  });

  it("refuses to overwrite a corrupt config", async () => {
    await writeText(configPath(), "{ broken");
    const error = await caught(() => login({ registry: "ghcr.io", username: "u", password: "s3cret", env, home }));
    expect(error).toMatchObject({ kind: "auth", code: "AUTH_CONFIG_INVALID" });
    expect(error.message).not.toContain("s3cret");
    expect(await readFile(configPath(), "utf8")).toBe("{ broken");
  });

  it("needs a username and a password", async () => {
    for (const [username, password] of [["", "p"], ["u", ""]] as const) {
      const error = await caught(() => login({ registry: "ghcr.io", username, password, env, home }));
      expect(error).toMatchObject({ kind: "usage", code: "CREDENTIALS_INCOMPLETE" });
    }
  });

  it("reports a config it cannot write as an io error naming the file", async () => {
    // DOCKER_CONFIG below a regular file: no permission trick, so it fails as root too.
    await writeText(join(home, "plain-file"), "");
    const dockerConfig = join(home, "plain-file", "docker");
    const error = await caught(() => login({ registry: "ghcr.io", username: "u", password: "s3cret", env: { DOCKER_CONFIG: dockerConfig }, home }));
    expect(error).toMatchObject({ kind: "io", code: "AUTH_CONFIG_WRITE_FAILED" });
    expect(error.message).toBe(`cannot write ${join(dockerConfig, "config.json")}: ENOTDIR`);
  });
});

describe("logout", () => {
  it("removes every spelling of the registry and keeps the rest", async () => {
    await writeJson(configPath(), {
      auths: {
        "ghcr.io": { auth: basicAuth("a", "a") },
        "https://ghcr.io": { auth: basicAuth("b", "b") },
        "http://ghcr.io/v1/": { identitytoken: "t" },
        "quay.io": { auth: basicAuth("q", "q") },
      },
      currentContext: "default",
    });
    expect(await logout({ registry: "ghcr.io", env, home })).toEqual({ configFile: configPath(), removed: true });
    expect(await readJson(configPath())).toEqual({ auths: { "quay.io": { auth: basicAuth("q", "q") } }, currentContext: "default" });
    expect(await resolve("ghcr.io")).toBeUndefined();
    expect(await resolve("quay.io")).toEqual({ username: "q", password: "q" });
  });

  it("logs out of Docker Hub under any alias", async () => {
    await login({ registry: "docker.io", username: "hub", password: "p", env, home });
    expect((await logout({ registry: "index.docker.io", env, home })).removed).toBe(true);
    expect(await resolve("docker.io")).toBeUndefined();
  });

  it("says so when nothing was stored, without creating a file", async () => {
    expect(await logout({ registry: "ghcr.io", env, home })).toEqual({ configFile: configPath(), removed: false });
    await expect(stat(configPath())).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("leaves an unrelated file untouched byte for byte", async () => {
    const text = '{\n\t"auths": {\n\t\t"quay.io": {}\n\t}\n}';
    await writeText(configPath(), text);
    expect((await logout({ registry: "ghcr.io", env, home })).removed).toBe(false);
    expect(await readFile(configPath(), "utf8")).toBe(text);
  });
});

describe("a new config written by login", () => {
  it("is not readable by others even when the folder already exists", async () => {
    await mkdir(join(home, ".docker"), { mode: 0o755 });
    await writeFile(join(home, ".docker", "other"), "");
    await login({ registry: "ghcr.io", username: "u", password: "p", env, home });
    expect((await stat(configPath())).mode & 0o777).toBe(0o600);
  });
});
