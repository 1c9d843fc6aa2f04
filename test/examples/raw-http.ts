// A bare HTTP/1.1 exchange over one TCP connection: sends the request in the pieces given (so
// a test can split a request across several TCP writes), then reads until the server closes.

import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface RawResponse {
  status: number;
  /** Header names in lower case. */
  headers: Map<string, string>;
  body: string;
  /** True when the server ended the connection (FIN) before we closed it. */
  closedByServer: boolean;
}

export async function exchange(
  port: number,
  pieces: string[],
  { gapMs = 0, timeoutMs = 10_000 } = {},
): Promise<RawResponse> {
  const socket = connect({ host: "127.0.0.1", port, noDelay: true });
  socket.setTimeout(timeoutMs);
  const chunks: Buffer[] = [];
  const ended = new Promise<boolean>((resolve, reject) => {
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.once("end", () => resolve(true));
    socket.once("timeout", () => reject(new Error(`no response within ${timeoutMs} ms`)));
    socket.once("error", reject);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    for (const [index, piece] of pieces.entries()) {
      if (index > 0 && gapMs > 0) await sleep(gapMs);
      await new Promise<void>((resolve, reject) => socket.write(piece, (err) => (err ? reject(err) : resolve())));
    }
    const closedByServer = await ended;
    return { ...parseResponse(Buffer.concat(chunks)), closedByServer };
  } finally {
    socket.destroy();
  }
}

function parseResponse(raw: Buffer): Omit<RawResponse, "closedByServer"> {
  const text = raw.toString("latin1");
  const headEnd = text.indexOf("\r\n\r\n");
  if (headEnd < 0) throw new Error(`incomplete response: ${JSON.stringify(text)}`);
  const [statusLine = "", ...lines] = text.slice(0, headEnd).split("\r\n");
  const match = /^HTTP\/1\.[01] (\d{3}) /.exec(statusLine);
  if (!match?.[1]) throw new Error(`bad status line: ${JSON.stringify(statusLine)}`);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`bad header line: ${JSON.stringify(line)}`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  // latin1 maps each byte to one character, so string offsets are byte offsets.
  return { status: Number(match[1]), headers, body: raw.subarray(headEnd + 4).toString("utf8") };
}
