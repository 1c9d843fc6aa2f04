// docs/ci/*.yml, run: each recipe's shell steps, in order, with bash, in a copy of a small user
// repository (examples/wasmedge-http plus a package.json that installs the packed wasmpack
// tarball), with the CI's variables pointing at a local registry that asks for a password. The
// steps that only install tools (Node, Rust with the wasm target) are checked for, not run: this
// machine has both. A recipe that stops working (a renamed flag, a wrong variable) fails here.

import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { YAML } from "../support/builder-deps.js";
import { REPO_ROOT, runCommand, runOk, type CliResult } from "../support/cli.js";
import { copyExample, packWasmpack, userEnv, type PackedWasmpack } from "../support/package.js";
import { skopeoDigest, startRegistry, type RunningRegistry } from "../support/registry/index.js";
import { tempDir } from "../support/temp.js";

// What the recipes' comments tell the user to put in package.json.
const IMAGE_SCRIPT = "wasmpack build --push $IMAGE";
const GITHUB_ACTOR = "octocat";
const GITHUB_TOKEN = "ghs_test-token-0123456789abcdef";
const GITLAB_USER = "gitlab-ci-token";
const GITLAB_JOB_TOKEN = "glcbt-test-job-token-0123456789";

let pkg: PackedWasmpack;
let registry: RunningRegistry;
beforeAll(async () => {
  pkg = await packWasmpack();
  registry = await startRegistry({ kind: "htpasswd", users: { [GITHUB_ACTOR]: GITHUB_TOKEN, [GITLAB_USER]: GITLAB_JOB_TOKEN } });
});
afterAll(() => registry?.stop());

/**
 * The user's repository as CI checks it out: the Rust service at the root, a package.json with
 * wasmpack (the packed tarball) as a dev dependency and the `image` script, and a
 * package-lock.json. The user commits the lock; here `npm install --package-lock-only` writes it
 * (from the tarball, nothing else), so the recipe's own `npm ci` is what installs node_modules.
 */
async function userRepository(): Promise<{ dir: string; env: Record<string, string | undefined> }> {
  const root = await tempDir("wasmpack-ci-");
  const dir = await copyExample("wasmedge-http", join(root, "repo"));
  const manifest = { name: "hello-service", version: "0.1.0", private: true, scripts: { image: IMAGE_SCRIPT }, devDependencies: { wasmpack: `file:${pkg.tarball}` } };
  await writeFile(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const env = userEnv(root);
  await runOk("npm", ["install", "--package-lock-only", "--no-audit"], { cwd: dir, env });
  expect(existsSync(join(dir, "node_modules"))).toBe(false);
  return { dir, env };
}

async function readRecipe(name: string): Promise<{ text: string; doc: Record<string, unknown> }> {
  const text = await readFile(join(REPO_ROOT, "docs/ci", name), "utf8");
  // the package.json the recipe describes is the one the test writes
  expect(text).toContain(`"image": "${IMAGE_SCRIPT}"`);
  return { text, doc: YAML.parse(text) as Record<string, unknown> };
}

/** The `REPO@sha256:…` lines wasmpack printed on stdout. */
function pushedReferences(stdout: string): { repository: string; digest: string }[] {
  return [...stdout.matchAll(/^(\S+)@(sha256:[0-9a-f]{64})$/gm)].map((m) => ({ repository: m[1]!, digest: m[2]! }));
}

/** Every `image:` value in a multi-document Kubernetes YAML. */
function imagesIn(yamlText: string): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key === "image" && typeof value === "string") found.push(value);
        else visit(value);
      }
    }
  };
  for (const doc of YAML.parseAllDocuments(yamlText) as { toJS(): unknown }[]) visit(doc.toJS());
  return found;
}

function describeFailure(steps: { label: string; result: CliResult }[]): string {
  return steps.map(({ label, result }) => `--- ${label} (exit ${result.exitCode})\n${result.stdout}${result.stderr}`).join("\n");
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

describe("docs/ci/github-actions.yml", () => {
  interface Step {
    name?: string;
    uses?: string;
    run?: string;
    shell?: string;
    env?: Record<string, string>;
    with?: Record<string, unknown>;
  }

  it("runs its steps against a registry that wants the workflow's token: image pushed by digest, k8s.yaml uploaded", async () => {
    const { doc } = await readRecipe("github-actions.yml");
    const { dir, env: userShell } = await userRepository();
    const jobs = doc.jobs as Record<string, { "runs-on": string; env?: Record<string, string>; steps: Step[] }>;
    expect(Object.keys(jobs)).toHaveLength(1);
    const job = Object.values(jobs)[0]!;
    expect(doc.permissions).toMatchObject({ packages: "write" });
    // The registry comes from one variable, which the test points at its own registry.
    const workflowEnv = doc.env as Record<string, string>;
    expect(workflowEnv.REGISTRY).toBe("ghcr.io");
    expect(JSON.stringify(job)).not.toContain("ghcr.io");

    const sha = "0123456789abcdef0123456789abcdef01234567";
    const github: Record<string, string> = {
      repository: "Octo-Org/Hello-Service", // capitals, as GitHub allows and registries do not
      repository_owner: "Octo-Org",
      actor: GITHUB_ACTOR,
      sha,
      ref_name: "main",
      token: GITHUB_TOKEN,
      workspace: dir,
    };
    const secrets: Record<string, string> = { GITHUB_TOKEN };
    const runnerTemp = await tempDir("wasmpack-runner-temp-");
    // What a runner exports to every step.
    let env: Record<string, string | undefined> = {
      ...userShell,
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_REPOSITORY: github.repository,
      GITHUB_REPOSITORY_OWNER: github.repository_owner,
      GITHUB_ACTOR: github.actor,
      GITHUB_SHA: sha,
      GITHUB_REF_NAME: github.ref_name,
      GITHUB_WORKSPACE: dir,
      RUNNER_OS: "Linux",
      RUNNER_TEMP: runnerTemp,
      ...workflowEnv,
      REGISTRY: registry.host,
      ...job.env,
    };
    // ${{ github.x }}, ${{ secrets.X }}, ${{ env.X }}; anything else is a context this test does not know yet.
    const evaluate = (value: string, scope: Record<string, string | undefined>) =>
      value.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, expression: string) => {
        const [context, ...rest] = expression.split(".");
        const key = rest.join(".");
        const table: Record<string, string | undefined> | undefined = context === "github" ? github : context === "secrets" ? secrets : context === "env" ? scope : undefined;
        const resolved = table?.[key];
        if (resolved === undefined) throw new Error(`the test does not know \${{ ${expression} }}`);
        return resolved;
      });
    expect(JSON.stringify(job).replace(/\$\{\{\s*[\w.-]+\s*\}\}/g, "")).not.toContain("${{");

    const installers = new Set<string>();
    const uploads: string[] = [];
    const ran: { label: string; result: CliResult }[] = [];
    for (const [index, step] of job.steps.entries()) {
      const label = step.name ?? step.uses ?? step.run ?? `step ${index + 1}`;
      if (step.uses !== undefined) {
        const action = step.uses.replace(/@.*$/, "");
        installers.add(action);
        switch (action) {
          case "actions/checkout": // the test's copy of the repository
          case "Swatinem/rust-cache":
            break;
          case "actions/setup-node": {
            // this test runs on the Node version under test, which the steps run on too
            const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
            expect(major > 20 || (major === 20 && minor >= 19)).toBe(true);
            expect(String(step.with?.["node-version"])).toMatch(/^(lts\/\*|2[2-9]|[3-9]\d)/);
            break;
          }
          case "dtolnay/rust-toolchain":
            // wasmpack finds a toolchain with the wasm target on this machine itself (Debian's rustc)
            expect(String(step.with?.targets)).toContain("wasm32-wasip1");
            break;
          case "actions/upload-artifact":
            uploads.push(String(step.with?.path));
            break;
          default:
            throw new Error(`${step.uses}: the test does not know what this action does; teach it, or use a run: step`);
        }
        continue;
      }
      expect(step.run, `${label}: neither uses: nor run:`).toBeDefined();
      expect(Object.keys(step).filter((key) => !["name", "run", "env", "shell"].includes(key)), label).toEqual([]);
      const stepEnvFile = join(runnerTemp, `env-${index}`);
      await writeFile(stepEnvFile, "");
      const stepEnv: Record<string, string | undefined> = { ...env, GITHUB_ENV: stepEnvFile };
      for (const [key, value] of Object.entries(step.env ?? {})) stepEnv[key] = evaluate(String(value), env);
      const script = join(runnerTemp, `step-${index}.sh`);
      await writeFile(script, evaluate(step.run!, env));
      // what Actions runs for `run:` on Linux: `bash -e {0}`, or with `shell: bash` the stricter line
      expect([undefined, "bash"]).toContain(step.shell);
      const shell = step.shell === "bash" ? ["--noprofile", "--norc", "-eo", "pipefail", script] : ["-e", script];
      const result = await runCommand("bash", shell, { cwd: dir, env: stepEnv, timeoutMs: 180_000 });
      ran.push({ label, result });
      expect(result.exitCode, describeFailure(ran)).toBe(0);
      // NAME=value lines a step appended to $GITHUB_ENV are set for the steps after it
      const exported = (await readFile(stepEnvFile, "utf8")).split("\n").filter((line) => line !== "");
      for (const line of exported) {
        expect(line, `${label}: only NAME=value lines are supported in $GITHUB_ENV`).toMatch(/^\w+=/);
        const at = line.indexOf("=");
        env = { ...env, [line.slice(0, at)]: line.slice(at + 1) };
      }
    }

    expect([...installers]).toEqual(expect.arrayContaining(["actions/checkout", "actions/setup-node", "dtolnay/rust-toolchain", "actions/upload-artifact"]));
    const output = describeFailure(ran);
    expect(output).not.toContain(GITHUB_TOKEN);
    const repository = `${registry.host}/octo-org/hello-service`;
    const pushed = ran.flatMap(({ result }) => pushedReferences(result.stdout));
    expect(pushed.map((p) => p.repository), output).toEqual([repository]);
    const { digest } = pushed[0]!;
    expect(await skopeoDigest(`docker://${repository}:${sha}`, { creds: `${GITHUB_ACTOR}:${GITHUB_TOKEN}` })).toBe(digest);
    expect(uploads).toEqual(["k8s.yaml"]);
    for (const path of uploads) expect(existsSync(join(dir, path)), `${path} to upload`).toBe(true);
    expect(imagesIn(await readFile(join(dir, "k8s.yaml"), "utf8"))).toEqual([`${repository}@${digest}`]);
  });
});

describe("docs/ci/gitlab-ci.yml", () => {
  // Lines of before_script that install Rust with the wasm target: required, not run (this machine has it).
  const TOOL_LINES = [/^curl .*https:\/\/sh\.rustup\.rs \| sh -s -- .*--target wasm32-wasip1\b/, /^\. "\$HOME\/\.cargo\/env"$/];

  interface Job {
    stage?: string;
    image?: string;
    variables?: Record<string, string>;
    before_script?: string[];
    script: string[];
    artifacts?: { paths?: string[] };
  }

  it("runs before_script and script against a registry that wants the job's token: image pushed by digest, k8s.yaml kept", async () => {
    const { doc } = await readRecipe("gitlab-ci.yml");
    const { dir, env: userShell } = await userRepository();
    const jobs = Object.entries(doc).filter(([name, value]) => !name.startsWith(".") && value !== null && typeof value === "object" && "script" in value);
    expect(jobs).toHaveLength(1);
    const job = jobs[0]![1] as Job;
    // Node ≥ 20.19 comes from the job's image
    expect(job.image).toMatch(/^node:(2[2-9]|[3-9]\d)\b/);

    const sha = "89abcdef0123456789abcdef0123456789abcdef";
    const predefined: Record<string, string> = {
      CI: "true",
      GITLAB_CI: "true",
      CI_PROJECT_DIR: dir,
      CI_COMMIT_SHA: sha,
      CI_COMMIT_SHORT_SHA: sha.slice(0, 8),
      CI_COMMIT_BRANCH: "main",
      CI_DEFAULT_BRANCH: "main",
      CI_REGISTRY: registry.host,
      CI_REGISTRY_IMAGE: `${registry.host}/group/hello-service`,
      CI_REGISTRY_USER: GITLAB_USER,
      CI_REGISTRY_PASSWORD: GITLAB_JOB_TOKEN,
      CI_JOB_TOKEN: GITLAB_JOB_TOKEN,
    };
    const env: Record<string, string | undefined> = { ...userShell, ...predefined };
    // variables: (global, then the job's) may refer to variables defined before them, as GitLab expands them
    for (const [key, value] of Object.entries({ ...(doc.variables as Record<string, string> | undefined), ...job.variables })) {
      env[key] = String(value).replace(/\$(?:\{(\w+)\}|(\w+))/g, (_, braced?: string, bare?: string) => {
        const resolved = env[(braced ?? bare)!];
        if (resolved === undefined) throw new Error(`variable ${key}: $${braced ?? bare} is not defined`);
        return resolved;
      });
    }

    const lines = [...(job.before_script ?? []), ...job.script];
    for (const tool of TOOL_LINES) expect(lines.filter((line) => tool.test(line)), String(tool)).toHaveLength(1);
    const commands = lines.filter((line) => !TOOL_LINES.some((tool) => tool.test(line)));
    // One shell for the whole job, as the runner does: stop at the first failing line, each echoed first.
    const script = ["set -eo pipefail", ...commands.flatMap((line) => [`printf '$ %s\\n' ${quote(line)} >&2`, line])].join("\n");
    const result = await runCommand("bash", ["-c", script], { cwd: dir, env, timeoutMs: 180_000 });
    const output = describeFailure([{ label: "before_script + script", result }]);
    expect(result.exitCode, output).toBe(0);
    for (const line of commands) expect(result.stderr, output).toContain(`$ ${line}`);
    expect(output).not.toContain(GITLAB_JOB_TOKEN);

    const repository = predefined.CI_REGISTRY_IMAGE!;
    const pushed = pushedReferences(result.stdout);
    expect(pushed.map((p) => p.repository), output).toEqual([repository]);
    const { digest } = pushed[0]!;
    expect(await skopeoDigest(`docker://${repository}:${predefined.CI_COMMIT_SHORT_SHA}`, { creds: `${GITLAB_USER}:${GITLAB_JOB_TOKEN}` })).toBe(digest);
    expect(job.artifacts?.paths).toEqual(["k8s.yaml"]);
    for (const path of job.artifacts?.paths ?? []) expect(existsSync(join(dir, path)), `artifact ${path}`).toBe(true);
    expect(imagesIn(await readFile(join(dir, "k8s.yaml"), "utf8"))).toEqual([`${repository}@${digest}`]);
  });
});
