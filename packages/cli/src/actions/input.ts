import { WasmpackError } from "@wasmpack/registry/errors";

/** Reads all of stdin as text (for --password-stdin), without the trailing newline. */
export async function readStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if ((stdin as NodeJS.ReadStream).isTTY) {
    throw new WasmpackError("usage", "STDIN_IS_TTY", "--password-stdin reads the password from a pipe, e.g. echo \"$TOKEN\" | wasmpack login …");
  }
  let text = "";
  for await (const chunk of stdin) text += chunk.toString();
  return text.replace(/\r?\n$/, "");
}
