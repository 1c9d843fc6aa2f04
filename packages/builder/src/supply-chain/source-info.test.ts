import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readSourceInfo, sanitizeGitUrl } from "./source-info.js";

const base = { PATH: process.env["PATH"], HOME: process.env["HOME"], GIT_CONFIG_NOSYSTEM: "1" };
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function gitRepo(origin?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "wasmpack-source-info-"));
  made.push(dir);
  const git = (...args: string[]) => execFileSync("git", ["-C", dir, ...args], { env: { ...base, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" } });
  git("init", "-q");
  mkdirSync(join(dir, "svc"));
  writeFileSync(join(dir, "svc", "Cargo.toml"), "[package]\n");
  git("add", ".");
  git("commit", "-q", "-m", "one");
  if (origin) git("remote", "add", "origin", origin);
  return dir;
}

describe("readSourceInfo", () => {
  it("reads the commit, the origin without credentials, the path in the checkout and whether the tree is dirty", async () => {
    const dir = gitRepo("https://gitlab-ci-token:SECRET@gitlab.example.com/org/app.git?private_token=SECRET2");
    const commit = execFileSync("git", ["-C", dir, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    const clean = await readSourceInfo({ dir: join(dir, "svc"), env: base });
    expect(clean).toEqual({ git: { repository: "https://gitlab.example.com/org/app.git", commit, dirty: false, path: "svc" } });
    expect(JSON.stringify(clean)).not.toContain("SECRET");
    writeFileSync(join(dir, "svc", "Cargo.toml"), "[package]\nname = 'x'\n");
    expect((await readSourceInfo({ dir, env: base })).git).toMatchObject({ dirty: true, path: "." });
  });

  it("names the GitHub Actions run and runner from fake CI variables", async () => {
    const env = { ...base, GITHUB_ACTIONS: "true", GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "org/app", GITHUB_RUN_ID: "42", GITHUB_RUN_ATTEMPT: "2", GITHUB_SHA: "b".repeat(40), RUNNER_ENVIRONMENT: "self-hosted" };
    const outside = mkdtempSync(join(tmpdir(), "wasmpack-no-git-"));
    made.push(outside);
    expect(await readSourceInfo({ dir: outside, env: { ...env, GIT_CEILING_DIRECTORIES: tmpdir() } })).toEqual({
      git: { repository: "https://github.com/org/app", commit: "b".repeat(40) },
      ci: { name: "github-actions", builderId: "https://github.com/actions/runner/self-hosted", invocationId: "https://github.com/org/app/actions/runs/42/attempts/2" },
    });
  });

  it("names the GitLab CI job, and prefers the checkout's own commit to the CI's", async () => {
    const dir = gitRepo();
    const env = { ...base, GITLAB_CI: "true", CI_JOB_URL: "https://gitlab.com/org/app/-/jobs/9", CI_SERVER_URL: "https://gitlab.com", CI_PROJECT_PATH: "org/app", CI_RUNNER_ID: "5", CI_COMMIT_SHA: "c".repeat(40) };
    const info = await readSourceInfo({ dir, env });
    expect(info.ci).toEqual({ name: "gitlab-ci", builderId: "https://gitlab.com/org/app/-/runners/5", invocationId: "https://gitlab.com/org/app/-/jobs/9" });
    expect(info.git?.commit).not.toBe("c".repeat(40));
    expect(info.git).not.toHaveProperty("repository");
  });
});

describe("sanitizeGitUrl", () => {
  it.each([
    ["https://user:token@github.com/org/app.git", "https://github.com/org/app.git"],
    ["https://x-access-token:ghs_abc@github.com/org/app", "https://github.com/org/app"],
    ["git@github.com:org/app.git", "ssh://github.com/org/app.git"],
    ["ssh://git:pw@host.example/org/app.git", "ssh://host.example/org/app.git"],
    ["/home/alice/src/app", "file:///app"],
    ["file:///home/alice/src/app.git", "file:///app.git"],
  ])("%s → %s", (url, expected) => {
    expect(sanitizeGitUrl(url)).toBe(expected);
  });
});
