/**
 * The credential the remote client sends, as the credentials module resolves it: Basic username
 * and password, a docker "identity token" (an OAuth2 refresh token exchanged at the token
 * endpoint, as Docker Desktop and ACR write), or a registry token sent as `Bearer` unchanged.
 */
export type Credential = { username: string; password: string } | { identityToken: string } | { registryToken: string };

/** Resolves the credential for a registry (`ghcr.io`, `docker.io`, `127.0.0.1:5000`); `undefined` means anonymous. */
export type CredentialProvider = (registry: string) => Promise<Credential | undefined>;

/** A provider that answers from a fixed map, e.g. for flags given on the command line. */
export function staticCredentials(byRegistry: Record<string, Credential>): CredentialProvider {
  return async (registry) => byRegistry[registry];
}

/** The `Authorization` value for Basic authentication (RFC 7617). */
export function basicAuthorization(credential: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString("base64")}`;
}
