/**
 * URLs in messages and errors show their path and the names of their query parameters; values
 * are kept only for the parameters the distribution spec defines (`digest`, `mount`, `from`, …).
 * Upload locations carry signed state and blob-storage redirects carry signatures in the query,
 * and either may carry a token.
 */
const SAFE_QUERY_KEYS = new Set(["digest", "mount", "from", "tag", "n", "last", "service", "scope", "artifactType"]);

export function redactUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return "<invalid url>";
  }
  const query = [...parsed.searchParams.entries()]
    .map(([key, value]) => `${encodeURIComponent(key)}=${SAFE_QUERY_KEYS.has(key) ? encodeURIComponent(value).replace(/%3A/gi, ":").replace(/%2F/gi, "/") : "***"}`)
    .join("&");
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}${query ? `?${query}` : ""}`;
}

/** Replaces each secret, and every URL, in free text (a registry's message, a low-level error). */
export function redactText(text: string, secrets: readonly string[] = []): string {
  const withUrls = text.replace(/\bhttps?:\/\/[^\s"'<>]+/g, (match) => redactUrl(match));
  const withSecrets = replaceSecrets(withUrls, secrets.filter((s) => s.length >= 4));
  return withSecrets.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 ***");
}

/** Replaces every occurrence of each secret with `***`, longest first, so a secret that contains another goes whole. */
export function replaceSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join("***");
  return out;
}

/** One line of at most `max` characters. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
