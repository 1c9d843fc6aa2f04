import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { signEs256 } from "./jwt.js";
import type { SigningCert } from "./signing-cert.js";

/** A user of the issuer: a password, and the actions it may be granted (default pull and push). */
export interface IssuerUser {
  password: string;
  actions?: readonly string[];
}

export interface TokenIssuerOptions {
  service: string;
  issuer: string;
  cert: SigningCert;
  users: Record<string, IssuerUser>;
  /** Docker identity tokens (OAuth2 refresh tokens) and the user each stands for. */
  refreshTokens?: Record<string, string>;
  /** Actions granted without credentials (a public repository would grant `pull`). Default none. */
  anonymousActions?: readonly string[];
  /** `expires_in` of issued tokens, seconds. Default 300. */
  expiresIn?: number;
}

/** Knobs a test may turn while the issuer runs. */
export interface IssuerControls {
  /** The next this-many tokens are issued already expired (their JWT `exp` is in the past; `expires_in` still claims 300 s). */
  expireNext: number;
}

export interface TokenRequestRecord {
  method: string;
  grantType: "password" | "refresh_token" | "anonymous";
  user?: string;
  scopes: string[];
}

export interface TokenIssuer {
  realm: string;
  controls: IssuerControls;
  /** Every token request received, in order. */
  requests: TokenRequestRecord[];
  /** Mints a token directly, e.g. for a `registryToken` credential. */
  mint(user: string, scopes: readonly string[]): string;
  stop(): Promise<void>;
}

/**
 * A distribution token server (docs/spec/auth/token.md) on loopback: `GET` with Basic
 * credentials or none, `POST grant_type=refresh_token`. It signs ES256 JWTs whose `x5c` header
 * carries the certificate the registry trusts, and grants the requested actions the user holds.
 */
export async function startTokenIssuer(options: TokenIssuerOptions): Promise<TokenIssuer> {
  const requests: TokenRequestRecord[] = [];
  const expiresIn = options.expiresIn ?? 300;
  const controls: IssuerControls = { expireNext: 0 };

  const mint = (user: string, scopes: readonly string[], allowed: readonly string[]): string => {
    // An expired token lies an hour in the past, beyond distribution's 60 s leeway.
    const now = Math.floor(Date.now() / 1000) - (controls.expireNext-- > 0 ? 3600 : 0);
    const access = scopes.flatMap((scope) => {
      const [type, name, actions] = splitScope(scope);
      if (type !== "repository" || !name) return [];
      return [{ type, name, actions: (actions ?? "").split(",").filter((a) => allowed.includes(a)) }];
    });
    const claims = { iss: options.issuer, sub: user, aud: options.service, exp: now + expiresIn, nbf: now - 10, iat: now, jti: randomUUID(), access };
    return signEs256({ typ: "JWT", x5c: [options.cert.certDerBase64] }, claims, options.cert.keyPem);
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://issuer");
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    try {
      if (url.pathname !== "/token") return reply(404, { error: "not found" });
      let user: string | undefined;
      let scopes: string[];
      let grantType: TokenRequestRecord["grantType"];
      if (req.method === "POST") {
        const form = new URLSearchParams(await readBody(req));
        grantType = "refresh_token";
        scopes = (form.get("scope") ?? "").split(" ").filter(Boolean);
        user = form.get("grant_type") === "refresh_token" ? options.refreshTokens?.[form.get("refresh_token") ?? ""] : undefined;
        if (!user || form.get("service") !== options.service) {
          requests.push({ method: "POST", grantType, scopes });
          return reply(401, { error: "invalid_grant" });
        }
      } else {
        scopes = url.searchParams.getAll("scope");
        const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? "");
        grantType = basic ? "password" : "anonymous";
        if (basic) {
          const [name, ...rest] = Buffer.from(basic[1]!, "base64").toString().split(":");
          if (!name || options.users[name]?.password !== rest.join(":")) {
            requests.push({ method: "GET", grantType, scopes });
            return reply(401, { errors: [{ code: "UNAUTHORIZED", message: "bad credentials" }] });
          }
          user = name;
        }
      }
      requests.push({ method: req.method ?? "GET", grantType, ...(user ? { user } : {}), scopes });
      const allowed = user ? (options.users[user]?.actions ?? ["pull", "push"]) : (options.anonymousActions ?? []);
      const token = mint(user ?? "", scopes, allowed);
      reply(200, { token, access_token: token, expires_in: expiresIn, issued_at: new Date().toISOString() });
    } catch (error) {
      reply(500, { error: String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("token issuer has no address");
  return {
    realm: `http://127.0.0.1:${address.port}/token`,
    controls,
    requests,
    mint: (user, scopes) => mint(user, scopes, options.users[user]?.actions ?? ["pull", "push"]),
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `repository:name:actions`; the name may itself hold `:` only before the port of a registry, never here. */
function splitScope(scope: string): [string | undefined, string | undefined, string | undefined] {
  const first = scope.indexOf(":");
  const last = scope.lastIndexOf(":");
  if (first < 0 || last === first) return [undefined, undefined, undefined];
  return [scope.slice(0, first), scope.slice(first + 1, last), scope.slice(last + 1)];
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}
