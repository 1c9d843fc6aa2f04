/**
 * `WWW-Authenticate` parsing (RFC 9110 §11.6.1): one header may hold several challenges, each a
 * scheme and comma-separated `name=value` pairs whose values may be quoted strings containing
 * commas, `=` and backslash escapes — docker scopes such as `repository:a:pull,push` do.
 */
export interface Challenge {
  /** Lower-case scheme: `bearer`, `basic`, … */
  scheme: string;
  /** Parameters with lower-case names. */
  params: Record<string, string>;
}

export interface BearerChallenge {
  realm: string;
  service?: string;
  /** Scopes the registry named; usually the one the request needed. */
  scopes: string[];
  /** `insufficient_scope`, `invalid_token`, … when the registry says why. */
  error?: string;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;

export function parseChallenges(header: string | readonly string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const text = typeof header === "string" ? header : header.join(", ");
  const challenges: Challenge[] = [];
  let i = 0;
  const skip = (chars: RegExp) => {
    while (i < text.length && chars.test(text[i]!)) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < text.length && TOKEN.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  const quoted = (): string => {
    let out = "";
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\" && i + 1 < text.length) i++;
      out += text[i];
      i++;
    }
    i++; // closing quote
    return out;
  };

  while (i < text.length) {
    skip(/[\s,]/);
    const scheme = token();
    if (scheme === "") {
      i++;
      continue;
    }
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    // Parameters follow until the next bare token that is not followed by `=` (a new scheme).
    for (;;) {
      skip(/[\s,]/);
      const mark = i;
      const name = token();
      if (name === "") break;
      skip(/\s/);
      if (text[i] !== "=") {
        i = mark;
        break;
      }
      i++;
      skip(/\s/);
      if (text[i] === "=") {
        // token68 (e.g. `Negotiate abc==`): keep it whole as the value of an empty name.
        while (text[i] === "=") i++;
        challenge.params[""] = name;
        continue;
      }
      challenge.params[name.toLowerCase()] = text[i] === '"' ? quoted() : token();
    }
  }
  return challenges;
}

/** The Bearer challenge among `challenges`, with a usable realm, if any. */
export function bearerChallenge(challenges: readonly Challenge[]): BearerChallenge | undefined {
  const found = challenges.find((c) => c.scheme === "bearer" && c.params["realm"]);
  if (!found) return undefined;
  const { realm, service, scope, error } = found.params;
  return {
    realm: realm!,
    ...(service ? { service } : {}),
    scopes: scope ? scope.split(" ").filter(Boolean) : [],
    ...(error ? { error } : {}),
  };
}

export function hasBasicChallenge(challenges: readonly Challenge[]): boolean {
  return challenges.some((c) => c.scheme === "basic");
}
