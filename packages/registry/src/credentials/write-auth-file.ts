import { realpath, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { WasmpackError } from "../errors.js";
import { writeFileAtomic } from "../layout/atomic.js";
import { makeDirectories } from "../layout/make-directories.js";
import type { AuthFile, LoadedAuthFile } from "./auth-file.js";

/** The indentation of the first nested line, so a file written by docker (tabs) stays tabs. */
function indentOf(text: string | undefined): string {
  return (text && /\n([ \t]+)\S/.exec(text)?.[1]) || "  ";
}

/**
 * Replaces an auth file atomically (temp file + rename). A new file is created 0600 in a 0700
 * directory, since it may hold secrets; an existing file keeps its mode, and a symlinked config
 * is written through to its target, as docker does.
 */
export async function writeAuthFile(path: string, data: AuthFile, previous: LoadedAuthFile | undefined): Promise<void> {
  const indent = indentOf(previous?.text);
  const trailingNewline = previous === undefined || previous.text.endsWith("\n");
  const text = JSON.stringify(data, null, indent) + (trailingNewline ? "\n" : "");
  try {
    const target = previous === undefined ? path : await realpath(path);
    await makeDirectories(dirname(target), 0o700);
    const mode = previous === undefined ? 0o600 : (await stat(target)).mode & 0o777;
    await writeFileAtomic(target, text, { mode, sync: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new WasmpackError("io", "AUTH_CONFIG_WRITE_FAILED", `cannot write ${path}: ${code}`, { cause: error });
  }
}
