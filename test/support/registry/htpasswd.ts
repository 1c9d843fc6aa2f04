import { runOk } from "../cli.js";

/** One bcrypt htpasswd line, as distribution's htpasswd auth reads it (`htpasswd -Bbn`). */
export async function htpasswdLine(user: string, password: string): Promise<string> {
  const { stdout } = await runOk("htpasswd", ["-Bbn", user, password]);
  return stdout.trim();
}
