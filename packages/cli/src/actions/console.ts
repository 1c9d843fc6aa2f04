/** Where the CLI writes: results on stdout, everything for people on stderr. */
export interface Console {
  /** A line for people (stderr); silent with --quiet. */
  info(line: string): void;
  /** The command's result (stdout). */
  result(text: string): void;
  /** One JSON document on stdout. */
  json(value: unknown): void;
}

export function createConsole(options: { quiet?: boolean | undefined } = {}): Console {
  return {
    info: (line) => {
      if (!options.quiet) process.stderr.write(`${line}\n`);
    },
    result: (text) => process.stdout.write(`${text}\n`),
    json: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
