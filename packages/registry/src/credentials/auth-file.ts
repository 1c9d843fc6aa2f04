import { readFile } from "node:fs/promises";
import { WasmpackError } from "../errors.js";
import { isObject } from "../oci/index.js";
import { findRegistryKey } from "./registry-key.js";
import type { Credential } from "./types.js";

/** An entry of `auths` as docker and podman write it. */
export interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
  [other: string]: unknown;
}

/** The parts of docker's config.json (and podman's auth.json) that hold credentials. */
export interface AuthFile {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
  [other: string]: unknown;
}

export interface LoadedAuthFile {
  path: string;
  data: AuthFile;
  /** The file as read, so a rewrite can keep its indentation. */
  text: string;
}

function invalid(path: string, why: string, cause?: unknown): WasmpackError {
  return new WasmpackError("auth", "AUTH_CONFIG_INVALID", `${path}: ${why}`, cause === undefined ? {} : { cause });
}

/**
 * V8's JSON.parse messages quote the text around the error, which in an auth file is a secret.
 * Keep only the position.
 */
function describeJsonError(text: string, error: unknown): string {
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : "")?.[1];
  if (position === undefined) return "is not valid JSON";
  const before = text.slice(0, Number(position));
  const line = before.split("\n").length;
  const column = Number(position) - before.lastIndexOf("\n");
  return `is not valid JSON (line ${line}, column ${column})`;
}

function checkShape(path: string, data: unknown): AuthFile {
  if (!isObject(data)) throw invalid(path, "is not a JSON object");
  const { auths, credHelpers, credsStore } = data;
  if (auths !== undefined && auths !== null) {
    if (!isObject(auths)) throw invalid(path, `"auths" is not an object`);
    for (const [key, entry] of Object.entries(auths)) {
      if (!isObject(entry)) throw invalid(path, `auths[${JSON.stringify(key)}] is not an object`);
      for (const field of ["auth", "username", "password", "identitytoken", "registrytoken"]) {
        const value = entry[field];
        if (value !== undefined && value !== null && typeof value !== "string") {
          throw invalid(path, `auths[${JSON.stringify(key)}].${field} is not a string`);
        }
      }
    }
  }
  if (credHelpers !== undefined && credHelpers !== null) {
    if (!isObject(credHelpers)) throw invalid(path, `"credHelpers" is not an object`);
    for (const [key, helper] of Object.entries(credHelpers)) {
      if (typeof helper !== "string") throw invalid(path, `credHelpers[${JSON.stringify(key)}] is not a string`);
    }
  }
  if (credsStore !== undefined && credsStore !== null && typeof credsStore !== "string") {
    throw invalid(path, `"credsStore" is not a string`);
  }
  return data as AuthFile;
}

/** Reads and checks an auth file; undefined when it does not exist. */
export async function loadAuthFile(path: string): Promise<LoadedAuthFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new WasmpackError("io", "AUTH_CONFIG_UNREADABLE", `cannot read ${path}: ${code ?? "unknown error"}`, { cause: error });
  }
  if (text.trim() === "") return { path, data: {}, text };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const why = describeJsonError(text, error);
    // The original error's message quotes the file; the cause carries only the position.
    throw invalid(path, why, new SyntaxError(why));
  }
  return { path, data: checkShape(path, data), text };
}

/** The name of the `credHelpers` entry that holds `registry`, if any. */
export function credHelperFor(data: AuthFile, registry: string): string | undefined {
  const credHelpers = data.credHelpers ?? {};
  const key = findRegistryKey(Object.keys(credHelpers), registry);
  return key === undefined ? undefined : credHelpers[key];
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The credential an `auths` entry holds, or undefined for an entry without one (docker writes
 * `{}` when the secret lives in a credential helper). An identity token wins over a password,
 * as in docker, where `auth` then only carries the user name.
 */
export function credentialFromEntry(entry: AuthEntry, path: string, key: string): Credential | undefined {
  if (entry.identitytoken) return { identityToken: entry.identitytoken };
  if (entry.registrytoken) return { registryToken: entry.registrytoken };
  if (entry.auth) {
    const auth = entry.auth.trim();
    const decoded = BASE64.test(auth) ? Buffer.from(auth, "base64").toString("utf8") : "";
    const colon = decoded.indexOf(":");
    if (colon <= 0) throw invalid(path, `auths[${JSON.stringify(key)}].auth is not base64 of "username:password"`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  return undefined;
}
