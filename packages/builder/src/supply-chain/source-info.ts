import { relative } from "node:path";
import { execaRunner, type CommandEnv, type CommandRunner } from "../cargo/runner.js";

/** Where a build's source came from and what ran it, for provenance. */
export interface SourceInfo {
  /** The git checkout the project is in, when it is in one (else what the CI says). */
  git?: {
    /** `origin`'s URL without credentials, query or fragment; absent without a remote. */
    repository?: string;
    commit: string;
    /** Uncommitted changes (tracked or untracked, not ignored) when the build ran; unknown from CI env alone. */
    dirty?: boolean;
    /** The project directory relative to the checkout's top, "." at the top. */
    path?: string;
  };
  /** The CI system running the build, when one is recognized from its environment. */
  ci?: {
    name: string;
    /** SLSA builder.id: who ran the build. */
    builderId: string;
    /** The URL of this run (job), for runDetails.metadata.invocationId. */
    invocationId?: string;
  };
}

export interface ReadSourceInfoOptions {
  dir: string;
  env: CommandEnv;
  runner?: CommandRunner;
}

/**
 * Reads the git commit, origin and dirtiness of `dir` (three git commands at once) and the CI
 * run from `env`: GitHub Actions, GitLab CI, CircleCI, Buildkite, Jenkins. Never fails: without
 * git, or outside a checkout, the git part comes from the CI's variables or is left out.
 */
export async function readSourceInfo(options: ReadSourceInfoOptions): Promise<SourceInfo> {
  const runner = options.runner ?? execaRunner;
  const git = async (...args: string[]) => {
    const result = await runner("git", ["-C", options.dir, ...args], { env: options.env, cwd: options.dir }).catch(() => undefined);
    return result?.exitCode === 0 ? result.stdout.trim() : undefined;
  };
  const [head, origin, status] = await Promise.all([
    git("rev-parse", "HEAD", "--show-toplevel"),
    git("remote", "get-url", "origin"),
    git("status", "--porcelain"),
  ]);
  const ci = ciFromEnv(options.env);
  const [commit, top] = head?.split("\n") ?? [];
  const info: SourceInfo = {};
  if (commit && /^[0-9a-f]{40,64}$/.test(commit)) {
    const repository = origin ? sanitizeGitUrl(origin) : undefined;
    info.git = {
      ...(repository ? { repository } : {}),
      commit,
      ...(status === undefined ? {} : { dirty: status !== "" }),
      ...(top ? { path: relative(top, options.dir).split("\\").join("/") || "." } : {}),
    };
  } else if (ci?.commit) {
    info.git = { ...(ci.repository ? { repository: sanitizeGitUrl(ci.repository) } : {}), commit: ci.commit };
  }
  if (ci) info.ci = { name: ci.name, builderId: ci.builderId, ...(ci.invocationId ? { invocationId: ci.invocationId } : {}) };
  return info;
}

interface CiRun {
  name: string;
  builderId: string;
  invocationId?: string;
  repository?: string;
  commit?: string;
}

function ciFromEnv(env: CommandEnv): CiRun | undefined {
  const has = (key: string) => !!env[key];
  const v = (key: string) => env[key] || undefined;
  if (env["GITHUB_ACTIONS"] === "true") {
    const server = v("GITHUB_SERVER_URL") ?? "https://github.com";
    const repo = v("GITHUB_REPOSITORY");
    const run = v("GITHUB_RUN_ID");
    return compact({
      name: "github-actions",
      // Who ran it: GitHub's hosted runners or a self-hosted one (RUNNER_ENVIRONMENT).
      builderId: `https://github.com/actions/runner/${v("RUNNER_ENVIRONMENT") ?? "github-hosted"}`,
      invocationId: repo && run ? `${server}/${repo}/actions/runs/${run}/attempts/${v("GITHUB_RUN_ATTEMPT") ?? "1"}` : undefined,
      repository: repo ? `${server}/${repo}` : undefined,
      commit: v("GITHUB_SHA"),
    });
  }
  if (env["GITLAB_CI"] === "true") {
    const server = v("CI_SERVER_URL") ?? "https://gitlab.com";
    const project = v("CI_PROJECT_PATH");
    return compact({
      name: "gitlab-ci",
      builderId: project && v("CI_RUNNER_ID") ? `${server}/${project}/-/runners/${v("CI_RUNNER_ID")}` : `${server}/-/runners`,
      invocationId: v("CI_JOB_URL"),
      repository: v("CI_PROJECT_URL"),
      commit: v("CI_COMMIT_SHA"),
    });
  }
  if (has("CIRCLECI")) {
    return compact({ name: "circleci", builderId: "https://circleci.com/runner", invocationId: v("CIRCLE_BUILD_URL"), repository: v("CIRCLE_REPOSITORY_URL"), commit: v("CIRCLE_SHA1") });
  }
  if (has("BUILDKITE")) {
    return compact({ name: "buildkite", builderId: "https://buildkite.com/agent", invocationId: v("BUILDKITE_BUILD_URL"), repository: v("BUILDKITE_REPO"), commit: v("BUILDKITE_COMMIT") });
  }
  if (has("JENKINS_URL")) {
    return compact({ name: "jenkins", builderId: sanitizeGitUrl(v("JENKINS_URL")!), invocationId: v("BUILD_URL"), repository: v("GIT_URL"), commit: v("GIT_COMMIT") });
  }
  return undefined;
}

function compact(run: { [K in keyof CiRun]: CiRun[K] | undefined }): CiRun {
  return Object.fromEntries(Object.entries(run).filter(([, value]) => value !== undefined)) as unknown as CiRun;
}

/**
 * A remote URL fit to publish: user and password (CI tokens live there), query and fragment
 * removed; scp-like `git@host:path` becomes `ssh://host/path`; a local path (or file: URL)
 * keeps only its last segment, as the rest may name a home directory.
 */
export function sanitizeGitUrl(url: string): string {
  const scp = /^(?:[^@/\s]+@)?([^:/\\\s]{2,}):(?!\/)(.+)$/.exec(url);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return `ssh://${scp[1]}/${scp[2]}`;
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "file:") return localRemote(parsed.pathname);
    parsed.username = "";
    parsed.password = "";
    parsed.search = "";
    parsed.hash = "";
    return parsed.href;
  } catch {
    return localRemote(url);
  }
}

function localRemote(path: string): string {
  return `file:///${encodeURIComponent(path.split(/[\\/]/).filter(Boolean).pop() ?? "")}`;
}
