import type { ProgressEvent, RetryEvent } from "@wasmpack/registry";
import { formatBytes } from "./console.js";

const short = (digest: string) => digest.slice(7, 19);

/**
 * Renders transfer progress on stderr: one live status line on a terminal, a plain line per
 * finished blob otherwise (CI logs), nothing with --quiet.
 */
export function createProgressView(options: { verb: string; quiet?: boolean; stream?: NodeJS.WriteStream }): { onProgress: (event: ProgressEvent) => void; done: () => void } {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { onProgress: () => {}, done: () => {} };
  const live = stream.isTTY === true;
  const sizes = new Map<string, { size: number; bytes: number }>();
  let shown = false;
  const status = () => {
    const all = [...sizes.values()];
    const total = all.reduce((sum, b) => sum + b.size, 0);
    const done = all.reduce((sum, b) => sum + b.bytes, 0);
    stream.write(`\r\x1b[2K${options.verb} ${formatBytes(done)} / ${formatBytes(total)}`);
    shown = true;
  };
  const line = (text: string) => {
    if (shown) stream.write("\r\x1b[2K");
    stream.write(`${text}\n`);
    shown = false;
  };
  return {
    onProgress: (event) => {
      switch (event.type) {
        case "blob-start":
          sizes.set(event.descriptor.digest, { size: event.descriptor.size, bytes: 0 });
          if (live) status();
          break;
        case "blob-bytes":
          sizes.set(event.descriptor.digest, { size: event.descriptor.size, bytes: event.bytes });
          if (live) status();
          break;
        case "blob-done": {
          const entry = sizes.get(event.descriptor.digest);
          if (entry) entry.bytes = entry.size;
          const what = event.outcome === "transferred" ? options.verb : event.outcome === "skipped" ? "exists" : "mounted";
          line(`  ${short(event.descriptor.digest)}  ${formatBytes(event.descriptor.size).padStart(10)}  ${what}`);
          break;
        }
        case "manifest-done":
          line(`  ${short(event.descriptor.digest)}  ${formatBytes(event.descriptor.size).padStart(10)}  manifest${event.tags.length ? ` → ${event.tags.join(", ")}` : ""}`);
          break;
        case "retry":
          line(`  retrying: ${describeRetry(event.retry)}`);
          break;
      }
    },
    done: () => {
      if (shown) stream.write("\r\x1b[2K");
    },
  };
}

function describeRetry(retry: RetryEvent): string {
  return `${retry.method} ${retry.url} (${retry.reason}), attempt ${retry.attempt + 1} in ${retry.delayMs} ms`;
}
