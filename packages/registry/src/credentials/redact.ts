import { replaceSecrets } from "../remote/redact.js";

/** Replaces every occurrence of each secret in `text` with `***`. Empty secrets are ignored. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  return replaceSecrets(text, secrets.filter((s): s is string => typeof s === "string" && s.length > 0));
}
