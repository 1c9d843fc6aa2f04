import { createServer, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistryFixture, writeTestImage, type RegistryFixture } from "../../../test/support/registry/index.js";
import { OciLayout, parseReference, pullToLayout, pushFromLayout } from "../src/index.js";

// undici's ProxyAgent opens its tunnel with Dispatcher#connect, an API method undici's index adds
// to every Dispatcher: the transport loads undici's files one by one, so it must add them too.
let fixture: RegistryFixture;
let proxy: Server;
let proxyUrl: string;
const tunnels: string[] = [];
const sockets = new Set<Socket>();

beforeAll(async () => {
  fixture = await startRegistryFixture("wasmpack-proxy-");
  proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on("connect", (req, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? "");
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const address = proxy.address();
  if (typeof address !== "object" || !address) throw new Error("proxy has no address");
  proxyUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => proxy?.close(resolve));
  await fixture?.stop();
});

describe("through an HTTP proxy", () => {
  it("pushes and pulls through the proxy's CONNECT tunnel", async () => {
    const layout = await OciLayout.create(join(fixture.work, "proxied"));
    const image = await writeTestImage(layout, { tag: "p", seed: "proxied" });
    const options = { retry: { baseDelayMs: 5 }, proxy: { httpProxy: proxyUrl } };
    const pushed = await pushFromLayout(layout, parseReference(`${fixture.registry.host}/proxied/app:p`), options);
    expect(pushed).toMatchObject({ digest: image.manifest.digest, pushed: image.blobs.length });
    const pulled = await pullToLayout(parseReference(`${fixture.registry.host}/proxied/app:p`), await OciLayout.create(join(fixture.work, "proxied-out")), options);
    expect(pulled.digest).toBe(image.manifest.digest);
    expect(tunnels).toContain(fixture.registry.host);
  });
});
