import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OciLayout } from "@wasmpack/registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWasmpack } from "../support/cli.js";
import {
  findCrane,
  listenOnLoopback,
  skopeoDigest,
  skopeoCopy,
  startCraneRegistry,
  startRegistry,
  writeTestImage,
  type RunningRegistry,
  type TestImage,
} from "../support/registry/index.js";
import { tempDir } from "../support/temp.js";

// Issue 11, item 6: a push of a big layer stopped by SIGINT or SIGTERM ends with one line and
// 130 / 143, and the next run resumes the upload session the registry kept, where it stands.
// Real processes, killed for real, against distribution and go-containerregistry's registry.

const BIN = fileURLToPath(new URL("../../packages/cli/dist/bin.js", import.meta.url));
const BIG = 256 * 1024 * 1024;
const CHUNK = 32 * 1024 * 1024;
const crane = findCrane();

/** A pass-through HTTP proxy that counts the request-body bytes it forwards (the Host header is kept, so upload Locations name the proxy). */
async function countingProxy(upstreamPort: number): Promise<{ host: string; sent: () => number; reset: () => void; stop: () => Promise<void> }> {
  let sent = 0;
  const server: Server = createServer((req, res) => {
    const upstream = request({ host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.on("data", (chunk: Buffer) => (sent += chunk.length));
    // A client killed mid-request cuts the registry's side too, as a direct connection would.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  return { ...(await listenOnLoopback(server)), sent: () => sent, reset: () => (sent = 0) };
}

interface Interrupted {
  exitCode: number | null;
  stderr: string;
  /** The record the killed push left: the session's Location and the bytes acknowledged. */
  record: { location: string; offset: number; size: number };
  recordPath: string;
}

/**
 * Starts `wasmpack push`, waits until the registry has acknowledged at least one chunk of the
 * big layer (the upload record says so), sends `signal` (twice with `again`: cut at once), and
 * waits for the exit.
 */
async function pushAndInterrupt(env: Record<string, string>, ref: string, host: string, repository: string, layout: string, big: string, signal: NodeJS.Signals, again = false): Promise<Interrupted> {
  const recordPath = join(layout, ".wasmpack-uploads", host.replace(":", "_"), repository, `${big.replace(":", "-")}.json`);
  const child = spawn(process.execPath, [BIN, "push", ref, "--from", layout, "-q"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  let sent = false;
  while (Date.now() < deadline && child.exitCode === null) {
    const record = await readFile(recordPath, "utf8").then((text) => JSON.parse(text) as { offset: number }, () => undefined);
    if (record && record.offset >= CHUNK) {
      child.kill(signal);
      // Two signals sent back to back may arrive as one (signals of a kind are not queued).
      if (again) setTimeout(() => child.kill(signal), 5);
      sent = true;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const started = Date.now();
  const exitCode = await exited;
  expect(sent, `the push ended before a chunk was acknowledged: ${stderr}`).toBe(true);
  // The chunk in flight may finish (at most 5 s); loopback takes far less.
  expect(Date.now() - started).toBeLessThan(5_000);
  const record = JSON.parse(await readFile(recordPath, "utf8")) as Interrupted["record"];
  return { exitCode, stderr, record, recordPath };
}

/**
 * skopeo copies the image out (reading, and checking the digest of, every blob), and sees the
 * manifest wasmpack pushed. (skopeo compresses an uncompressed layer on its way into a layout,
 * so the copy's own digest differs: the source's raw manifest is compared instead.)
 */
async function expectCopiedBack(from: string, out: string, digest: string): Promise<void> {
  await skopeoCopy(from, `oci:${out}:1.0`);
  expect(await skopeoDigest(from)).toBe(digest);
}

const line = (signal: string) => `wasmpack: push interrupted (${signal}); run the same command again to resume it\n`;

describe("an interrupted push resumes where the registry stands", () => {
  let root: string;
  let layout: string;
  let image: TestImage;
  let big: string;
  const env = () => ({ HOME: join(root, "home"), XDG_STATE_HOME: join(root, "state"), DOCKER_CONFIG: join(root, "docker") });

  beforeAll(async () => {
    root = await tempDir();
    layout = join(root, "oci");
    image = await writeTestImage(await OciLayout.create(layout), { tag: "1.0", bigLayerBytes: BIG - 2048 });
    big = image.layers[1]!.digest;
  });

  /** The interrupted run, then the resumed one through a counting proxy; returns the bytes the second run sent. */
  async function interruptThenResume(upstreamPort: number, repository: string, signal: NodeJS.Signals, label: string): Promise<{ first: Interrupted; sent: number; host: string }> {
    const proxy = await countingProxy(upstreamPort);
    try {
      const ref = `${proxy.host}/${repository}:1.0`;
      const first = await pushAndInterrupt(env(), ref, proxy.host, repository, layout, big, signal);
      expect(first.exitCode, first.stderr).toBe(signal === "SIGINT" ? 130 : 143);
      expect(first.stderr).toBe(line(signal));
      expect(first.record.offset).toBeGreaterThanOrEqual(CHUNK);
      expect(first.record.offset).toBeLessThan(image.layers[1]!.size);
      expect(first.record.offset % CHUNK).toBe(0); // the chunk in flight finished: a boundary
      expect(JSON.stringify(first.record)).not.toMatch(/authorization|token|password/i);

      proxy.reset();
      const second = await runWasmpack(["push", ref, "--from", layout, "--json"], { env: env() });
      expect(second.exitCode, second.stderr).toBe(0);
      const sent = proxy.sent();
      const size = image.layers[1]!.size;
      console.log(`${label}: the resumed push sent ${sent} bytes for a ${size}-byte layer (interrupted at ${first.record.offset})`);
      expect(JSON.parse(second.stdout)).toMatchObject({ digest: image.manifest.digest });
      await expect(readFile(first.recordPath)).rejects.toThrow(); // the record goes with the finished upload
      return { first, sent, host: proxy.host };
    } finally {
      await proxy.stop();
    }
  }

  describe("distribution", () => {
    let registry: RunningRegistry;
    beforeAll(async () => {
      registry = await startRegistry();
    });
    afterAll(() => registry?.stop());

    it("SIGINT: exit 130 and one line; the re-run resumes the session and sends only the rest", async () => {
      const { first, sent } = await interruptThenResume(registry.port, "resume/int", "SIGINT", "distribution (SIGINT)");
      const size = image.layers[1]!.size;
      // The rest of the big layer, and the small blobs and manifest again (a few KiB).
      expect(sent).toBeLessThan(size - first.record.offset + 64 * 1024);
      await expectCopiedBack(`docker://${registry.host}/resume/int:1.0`, join(root, "skopeo-int"), image.manifest.digest);
    });

    it("SIGTERM: exit 143 and one line; the re-run resumes", async () => {
      const { first, sent } = await interruptThenResume(registry.port, "resume/term", "SIGTERM", "distribution (SIGTERM)");
      expect(sent).toBeLessThan(image.layers[1]!.size - first.record.offset + 64 * 1024);
      await expectCopiedBack(`docker://${registry.host}/resume/term:1.0`, join(root, "skopeo-term"), image.manifest.digest);
    });

    it("keeps the layout readable by skopeo while a record sits beside it", async () => {
      const proxy = await countingProxy(registry.port);
      try {
        const first = await pushAndInterrupt(env(), `${proxy.host}/resume/layout:1.0`, proxy.host, "resume/layout", layout, big, "SIGINT");
        expect(first.exitCode).toBe(130);
        await expectCopiedBack(`oci:${layout}:1.0`, join(root, "skopeo-layout"), image.manifest.digest);
      } finally {
        await proxy.stop();
      }
    });

    it("a second SIGINT cuts the chunk in flight at once: exit 130, one line; distribution drops that session, and the re-run starts a new one", async () => {
      const proxy = await countingProxy(registry.port);
      try {
        const ref = `${proxy.host}/resume/twice:1.0`;
        const first = await pushAndInterrupt(env(), ref, proxy.host, "resume/twice", layout, big, "SIGINT", true);
        expect(first.exitCode, first.stderr).toBe(130);
        expect(first.stderr).toBe(line("SIGINT"));
        proxy.reset();
        const second = await runWasmpack(["push", ref, "--from", layout, "--json"], { env: env() });
        expect(second.exitCode, second.stderr).toBe(0);
        console.log(`distribution (SIGINT twice): the re-run sent ${proxy.sent()} bytes for a ${image.layers[1]!.size}-byte layer (recorded offset ${first.record.offset})`);
        // (Unless the signals fell between two chunks, which loopback makes rare: then it resumed.)
        if (proxy.sent() < image.layers[1]!.size) console.log("distribution (SIGINT twice): no chunk was in flight; the session was resumed");
        await expectCopiedBack(`docker://${registry.host}/resume/twice:1.0`, join(root, "skopeo-twice"), image.manifest.digest);
      } finally {
        await proxy.stop();
      }
    });

    it("SIGINT during a pull: exit 130, one line, and the half-written layout is removed", async () => {
      // The image is there after the SIGINT test above (or is pushed now).
      const ref = `${registry.host}/resume/pulled:1.0`;
      const pushed = await runWasmpack(["push", ref, "--from", layout, "-q"], { env: env() });
      expect(pushed.exitCode, pushed.stderr).toBe(0);
      const out = join(root, "pulled");
      const child = spawn(process.execPath, [BIN, "pull", ref, "-o", out, "-q"], { env: { ...process.env, ...env() }, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.stdout.resume();
      const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
      // Wait until the big layer is coming in (a temp file in blobs/sha256), then interrupt.
      const incoming = join(out, "blobs", "sha256");
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && child.exitCode === null) {
        const names = await readdir(incoming).catch(() => [] as string[]);
        if (names.some((name) => name.includes("incoming"))) break;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      child.kill("SIGINT");
      const started = Date.now();
      expect(await exited, stderr).toBe(130);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(stderr).toBe("wasmpack: pull interrupted (SIGINT)\n");
      expect(existsSync(out)).toBe(false);
    });

    it("starts a new session when the registry no longer knows the recorded one", async () => {
      const proxy = await countingProxy(registry.port);
      try {
        const ref = `${proxy.host}/resume/dropped:1.0`;
        const first = await pushAndInterrupt(env(), ref, proxy.host, "resume/dropped", layout, big, "SIGINT");
        expect(first.exitCode).toBe(130);
        // Another session id: distribution answers 404 BLOB_UPLOAD_UNKNOWN.
        const location = new URL(first.record.location);
        location.pathname = location.pathname.replace(/[^/]+$/, "00000000-0000-4000-8000-000000000000");
        await writeFile(first.recordPath, JSON.stringify({ ...first.record, location: location.href }));
        proxy.reset();
        const second = await runWasmpack(["push", ref, "--from", layout, "--json"], { env: env() });
        expect(second.exitCode, second.stderr).toBe(0);
        expect(proxy.sent()).toBeGreaterThanOrEqual(image.layers[1]!.size);
        await expectCopiedBack(`docker://${registry.host}/resume/dropped:1.0`, join(root, "skopeo-dropped"), image.manifest.digest);
      } finally {
        await proxy.stop();
      }
    });
  });

  describe.skipIf(!crane)("go-containerregistry's registry (crane registry serve)", () => {
    let registry: Awaited<ReturnType<typeof startCraneRegistry>>;
    beforeAll(async () => {
      registry = await startCraneRegistry(crane!);
    });
    afterAll(() => registry?.stop());

    it("SIGINT: exit 130; it has no upload-status endpoint, so the re-run resumes at the recorded offset, which its Content-Range check confirms", async () => {
      const port = Number(registry.host.split(":")[1]);
      const { first, sent } = await interruptThenResume(port, "resume/crane", "SIGINT", "crane registry (SIGINT)");
      expect(sent).toBeLessThan(image.layers[1]!.size - first.record.offset + 64 * 1024);
      await expectCopiedBack(`docker://${registry.host}/resume/crane:1.0`, join(root, "skopeo-crane"), image.manifest.digest);
    });

    it("starts a new session when the recorded one is unknown to it", async () => {
      const port = Number(registry.host.split(":")[1]);
      // crane's registry keeps blobs per registry, not per repository: this needs a layer it has not seen.
      const other = join(root, "oci-other");
      const otherImage = await writeTestImage(await OciLayout.create(other), { tag: "1.0", seed: "other", bigLayerBytes: 3 * CHUNK });
      const proxy = await countingProxy(port);
      try {
        const ref = `${proxy.host}/resume/crane-dropped:1.0`;
        const first = await pushAndInterrupt(env(), ref, proxy.host, "resume/crane-dropped", other, otherImage.layers[1]!.digest, "SIGINT");
        expect(first.exitCode).toBe(130);
        const location = new URL(first.record.location);
        location.pathname = location.pathname.replace(/[^/]+$/, "1234567890");
        await writeFile(first.recordPath, JSON.stringify({ ...first.record, location: location.href }));
        proxy.reset();
        const second = await runWasmpack(["push", ref, "--from", other, "--json"], { env: env() });
        expect(second.exitCode, second.stderr).toBe(0);
        expect(proxy.sent()).toBeGreaterThanOrEqual(otherImage.layers[1]!.size);
        await expectCopiedBack(`docker://${registry.host}/resume/crane-dropped:1.0`, join(root, "skopeo-crane-dropped"), otherImage.manifest.digest);
      } finally {
        await proxy.stop();
      }
    });
  });
});
