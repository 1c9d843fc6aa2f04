/** Replaces every occurrence of each secret in `text` with `***`. Empty secrets are ignored. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  const present = secrets.filter((s): s is string => typeof s === "string" && s.length > 0);
  // Longest first, so a secret that contains another is replaced whole.
  present.sort((a, b) => b.length - a.length);
  let result = text;
  for (const secret of present) result = result.split(secret).join("***");
  return result;
}
