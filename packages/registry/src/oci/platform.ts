import { WasmpackError } from "../errors.js";

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

/** Parses `os/arch[/variant]` as `--platform` takes it (`wasi/wasm`, `wasip1/wasm`, `linux/amd64`). */
export function parsePlatform(value: string): Platform {
  const parts = value.split("/");
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || parts.some((p) => !/^[a-z0-9._-]+$/i.test(p))) {
    throw new WasmpackError("usage", "PLATFORM_INVALID", `platform ${JSON.stringify(value)} is not of the form os/arch[/variant], e.g. wasi/wasm`);
  }
  return variant ? { architecture, os, variant } : { architecture, os };
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
}
