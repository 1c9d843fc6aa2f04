import { WasmpackError } from "@wasmpack/registry/errors";

export interface ContainerdVersion {
  major: 1 | 2;
  minor: number;
}

export const DEFAULT_CONTAINERD_VERSION = "2.3";

/** `1.7`, `2.2`, `2.3.1` … containerd 1.6 and 1.7 share the 1.x config layout; 2.x is the other one. */
export function parseContainerdVersion(text: string): ContainerdVersion {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  const major = Number(match?.[1]);
  const minor = Number(match?.[2]);
  if (!match || (major !== 1 && major !== 2) || (major === 1 && minor < 6)) {
    throw new WasmpackError("usage", "CONTAINERD_VERSION_INVALID", `--containerd-version ${JSON.stringify(text)}: expected 1.6, 1.7, 2.0, 2.1, 2.2, 2.3 or later 2.x`);
  }
  return { major, minor };
}

export function formatContainerdVersion(version: ContainerdVersion): string {
  return `${version.major}.${version.minor}`;
}

/**
 * Where CRI runtimes live: containerd 1.x (config version 2) has one CRI plugin,
 * `io.containerd.grpc.v1.cri`; 2.x (config version 3) split it into `io.containerd.cri.v1.runtime`
 * and `io.containerd.cri.v1.images` (formats.md §3 "Kubernetes wiring", §5(b)).
 */
export function runtimesTable(version: ContainerdVersion): string[] {
  return version.major === 1 ? ["plugins", "io.containerd.grpc.v1.cri", "containerd", "runtimes"] : ["plugins", "io.containerd.cri.v1.runtime", "containerd", "runtimes"];
}

/**
 * From 2.3.0 the Transfer Service that CRI pulls use by default unpacks only images of the host's
 * OS, so a wasi/wasm rootfs image is pulled and never unpacked (containerd-wasm-platform.md §1.3).
 */
export function needsLocalImagePull(version: ContainerdVersion): boolean {
  return version.major === 2 && version.minor >= 3;
}
