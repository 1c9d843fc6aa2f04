/** A push ended by SIGINT or SIGTERM; `main` prints its message and exits 128 + the signal's number. */
export class Interrupted extends Error {
  readonly signal: "SIGINT" | "SIGTERM";
  readonly exitCode: number;
  constructor(signal: "SIGINT" | "SIGTERM", what: string, hint = "; run the same command again to resume it") {
    super(`${what} interrupted (${signal})${hint}`);
    this.signal = signal;
    this.exitCode = signal === "SIGINT" ? 130 : 143;
  }
}

/**
 * How long the chunk in flight may take to finish after the first SIGINT/SIGTERM: a chunk the
 * registry acknowledged is where the next run resumes, while one cut half-way makes distribution
 * drop the whole session. A second signal cuts at once.
 */
export const FINISH_CHUNK_MS = 5_000;

export interface InterruptWatch {
  /** Fires on the first signal: start nothing new, finish the chunk in flight. */
  stop: AbortSignal;
  /** Fires on a second signal, or `FINISH_CHUNK_MS` after the first: cut every request. A signal after that exits at once. */
  signal: AbortSignal;
  /** The signal that arrived, if one did. */
  received(): "SIGINT" | "SIGTERM" | undefined;
  /** Removes the handlers (and the timer), so that the process exits as usual afterwards. */
  dispose(): void;
}

/**
 * Catches SIGINT and SIGTERM for the duration of a transfer, which the signals then end cleanly.
 * `graceMs` 0: the first signal cuts at once.
 */
export function watchInterrupts(what: string, graceMs = FINISH_CHUNK_MS): InterruptWatch {
  const stop = new AbortController();
  const cut = new AbortController();
  let received: "SIGINT" | "SIGTERM" | undefined;
  let timer: NodeJS.Timeout | undefined;
  const handler = (signal: "SIGINT" | "SIGTERM") => {
    if (received && cut.signal.aborted) {
      // Something does not heed the cut (a credential helper, a stuck write): leave now.
      const reason = new Interrupted(received, what);
      process.stderr.write(`wasmpack: ${reason.message}\n`);
      process.exit(reason.exitCode);
    }
    if (received) {
      cut.abort(new Interrupted(received, what));
      return;
    }
    received = signal;
    const reason = new Interrupted(signal, what);
    stop.abort(reason);
    if (graceMs <= 0) cut.abort(reason);
    else timer = setTimeout(() => cut.abort(reason), graceMs);
  };
  const onInt = () => handler("SIGINT");
  const onTerm = () => handler("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return {
    stop: stop.signal,
    signal: cut.signal,
    received: () => received,
    dispose: () => {
      clearTimeout(timer);
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    },
  };
}
