// The functions of WASI preview 1 (module `wasi_snapshot_preview1`) with their core wasm
// signatures, as in WebAssembly/WASI `legacy/preview1/witx/wasi_snapshot_preview1.witx`
// (pointers, sizes and fds are i32; filesize, timestamp, rights, dircookie and filedelta are i64)
// and as wasi-libc imports them. `proc_raise` is in the witx though wasi-libc no longer uses it.

import type { Signature, ValueType } from "./wasm-binary.js";

export const WASI_PREVIEW1_MODULE = "wasi_snapshot_preview1";

const SIGNATURES = {
  args_get: "i32 i32 -> i32",
  args_sizes_get: "i32 i32 -> i32",
  environ_get: "i32 i32 -> i32",
  environ_sizes_get: "i32 i32 -> i32",
  clock_res_get: "i32 i32 -> i32",
  clock_time_get: "i32 i64 i32 -> i32",
  fd_advise: "i32 i64 i64 i32 -> i32",
  fd_allocate: "i32 i64 i64 -> i32",
  fd_close: "i32 -> i32",
  fd_datasync: "i32 -> i32",
  fd_fdstat_get: "i32 i32 -> i32",
  fd_fdstat_set_flags: "i32 i32 -> i32",
  fd_fdstat_set_rights: "i32 i64 i64 -> i32",
  fd_filestat_get: "i32 i32 -> i32",
  fd_filestat_set_size: "i32 i64 -> i32",
  fd_filestat_set_times: "i32 i64 i64 i32 -> i32",
  fd_pread: "i32 i32 i32 i64 i32 -> i32",
  fd_prestat_get: "i32 i32 -> i32",
  fd_prestat_dir_name: "i32 i32 i32 -> i32",
  fd_pwrite: "i32 i32 i32 i64 i32 -> i32",
  fd_read: "i32 i32 i32 i32 -> i32",
  fd_readdir: "i32 i32 i32 i64 i32 -> i32",
  fd_renumber: "i32 i32 -> i32",
  fd_seek: "i32 i64 i32 i32 -> i32",
  fd_sync: "i32 -> i32",
  fd_tell: "i32 i32 -> i32",
  fd_write: "i32 i32 i32 i32 -> i32",
  path_create_directory: "i32 i32 i32 -> i32",
  path_filestat_get: "i32 i32 i32 i32 i32 -> i32",
  path_filestat_set_times: "i32 i32 i32 i32 i64 i64 i32 -> i32",
  path_link: "i32 i32 i32 i32 i32 i32 i32 -> i32",
  path_open: "i32 i32 i32 i32 i32 i64 i64 i32 i32 -> i32",
  path_readlink: "i32 i32 i32 i32 i32 i32 -> i32",
  path_remove_directory: "i32 i32 i32 -> i32",
  path_rename: "i32 i32 i32 i32 i32 i32 -> i32",
  path_symlink: "i32 i32 i32 i32 i32 -> i32",
  path_unlink_file: "i32 i32 i32 -> i32",
  poll_oneoff: "i32 i32 i32 i32 -> i32",
  proc_exit: "i32 ->",
  proc_raise: "i32 -> i32",
  sched_yield: "-> i32",
  random_get: "i32 i32 -> i32",
  sock_accept: "i32 i32 i32 -> i32",
  sock_recv: "i32 i32 i32 i32 i32 i32 -> i32",
  sock_send: "i32 i32 i32 i32 i32 -> i32",
  sock_shutdown: "i32 i32 -> i32",
} as const;

/**
 * The part of WasmEdge's socket extension an HTTP server needs, V1 signatures
 * (wasmpack docs/formats.md §6), imported from the same module as WASI.
 */
const WASMEDGE_SERVER_SOCKET_SIGNATURES = {
  sock_open: "i32 i32 i32 -> i32",
  sock_bind: "i32 i32 i32 -> i32",
  sock_listen: "i32 i32 -> i32",
  sock_accept: "i32 i32 -> i32",
  sock_recv: "i32 i32 i32 i32 i32 i32 -> i32",
  sock_send: "i32 i32 i32 i32 i32 -> i32",
  sock_shutdown: "i32 i32 -> i32",
  sock_setsockopt: "i32 i32 i32 i32 i32 -> i32",
} as const;

export const wasiPreview1 = parseTable(SIGNATURES);
export const wasmEdgeServerSockets = parseTable(WASMEDGE_SERVER_SOCKET_SIGNATURES);

export function formatSignature(signature: Signature): string {
  return `${signature.params.join(" ")} -> ${signature.results.join(" ")}`.trim();
}

function parseTable(table: Record<string, string>): Map<string, Signature> {
  return new Map(
    Object.entries(table).map(([name, text]) => {
      const [params = "", results = ""] = text.split("->");
      const types = (list: string) => list.split(" ").filter(Boolean) as ValueType[];
      return [name, { params: types(params), results: types(results) }];
    }),
  );
}
