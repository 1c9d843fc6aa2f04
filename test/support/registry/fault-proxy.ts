import { request as httpRequest, createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** What the proxy does to one request instead of passing it through unchanged. */
export type Fault =
  /** Answer with this status without asking the registry. */
  | { kind: "status"; status: number; headers?: Record<string, string>; body?: string }
  /** Pass `bytes` of the request body on to the registry, then cut both connections. */
  | { kind: "reset"; bytes: number }
  /** Pass through, but flip one byte of the response body (the headers stay as they were). */
  | { kind: "corrupt-body" }
  /** Pass through the headers and half the response body, then cut the connection. */
  | { kind: "truncate" }
  /** Never answer. */
  | { kind: "hang" }
  /** Redirect elsewhere, as registries do to blob storage. */
  | { kind: "redirect"; location: string; status?: number };

export interface SeenRequest {
  method: string;
  path: string;
  fault?: Fault["kind"];
  /** Whether the request carried an Authorization header (its value is not kept). */
  authorization: boolean;
}

export interface FaultProxy {
  /** `127.0.0.1:PORT`, to use as the registry of a reference. */
  host: string;
  seen: SeenRequest[];
  stop(): Promise<void>;
}

/**
 * A hand-made HTTP server in front of a real registry, only to inject faults a real one will
 * not produce on demand. `decide` sees each request (and how many came before) and returns a
 * fault or `undefined` to pass it through. The Host header is kept, so the registry's upload
 * `Location`s point back at the proxy.
 */
export async function startFaultProxy(upstreamPort: number, decide: (req: IncomingMessage, index: number) => Fault | undefined): Promise<FaultProxy> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const fault = decide(req, seen.length);
    seen.push({ method: req.method ?? "", path: req.url ?? "", authorization: req.headers.authorization !== undefined, ...(fault ? { fault: fault.kind } : {}) });
    if (fault?.kind === "redirect") {
      req.resume();
      res.writeHead(fault.status ?? 307, { location: fault.location });
      res.end();
      return;
    }
    if (fault?.kind === "status") {
      req.resume();
      res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
      res.end(fault.body ?? "");
      return;
    }
    if (fault?.kind === "hang") {
      req.resume();
      return;
    }
    forward(upstreamPort, req, res, fault);
  });
  return { ...(await listenOnLoopback(server)), seen };
}

/**
 * Starts `server` on a free loopback port. `stop` closes it and cuts the connections still open
 * (a client killed mid-request leaves one behind), so a test never waits on a stuck socket.
 */
export async function listenOnLoopback(server: Server): Promise<{ host: string; stop: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("server has no address");
  return {
    host: `127.0.0.1:${address.port}`,
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function forward(upstreamPort: number, req: IncomingMessage, res: ServerResponse, fault: Fault | undefined): void {
  const upstream = httpRequest(
    { host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent: false },
    (answer) => {
      if (fault?.kind !== "corrupt-body" && fault?.kind !== "truncate") {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on("data", (chunk: Buffer) => chunks.push(chunk));
      answer.on("end", () => {
        const body = Buffer.concat(chunks);
        if (fault.kind === "truncate") {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
          return;
        }
        const middle = body.length >> 1;
        if (body.length > 0) body[middle] = body[middle]! ^ 0xff;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(body);
      });
    },
  );
  upstream.on("error", () => res.destroy());
  if (fault?.kind !== "reset") {
    req.pipe(upstream);
    return;
  }
  let passed = 0;
  req.on("data", (chunk: Buffer) => {
    const room = fault.bytes - passed;
    if (room > 0) upstream.write(chunk.subarray(0, room));
    passed += chunk.length;
    if (passed >= fault.bytes) {
      req.pause();
      // Give the registry a moment to take in what it got, then cut both sides as a dropped connection would.
      setTimeout(() => {
        upstream.destroy();
        req.socket.destroy();
      }, 50);
    }
  });
}
