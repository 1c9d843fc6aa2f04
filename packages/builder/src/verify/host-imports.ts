import type { ClusterRuntime } from "../kubernetes/cluster-runtime.js";

export const WASI_PREVIEW1_MODULE = "wasi_snapshot_preview1";

/** The standard WASI preview 1 functions (WebAssembly/WASI `legacy/preview1/witx/wasi_snapshot_preview1.witx`). */
const WASI_PREVIEW1_FUNCTIONS: ReadonlySet<string> = new Set([
  "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get", "clock_time_get",
  "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get", "fd_fdstat_set_flags",
  "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size", "fd_filestat_set_times", "fd_pread",
  "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite", "fd_read", "fd_readdir", "fd_renumber", "fd_seek",
  "fd_sync", "fd_tell", "fd_write", "path_create_directory", "path_filestat_get", "path_filestat_set_times",
  "path_link", "path_open", "path_readlink", "path_remove_directory", "path_rename", "path_symlink",
  "path_unlink_file", "poll_oneoff", "proc_exit", "proc_raise", "sched_yield", "random_get",
  "sock_accept", "sock_recv", "sock_send", "sock_shutdown",
]);

/**
 * What WasmEdge's WASI module registers beyond the standard (WasmEdge `lib/host/wasi/wasimodule.cpp`):
 * the socket extension (formats.md §6) in its V1 names and `_v2` forms, and `epoll_oneoff`.
 * The same module serves crun's handler and runwasi's wasmedge shim.
 */
export const WASMEDGE_WASI_EXTENSIONS: ReadonlySet<string> = new Set([
  "epoll_oneoff",
  "sock_open", "sock_bind", "sock_connect", "sock_listen", "sock_recv_from", "sock_send_to",
  "sock_getsockopt", "sock_setsockopt", "sock_getlocaladdr", "sock_getpeeraddr", "sock_getaddrinfo",
  "sock_open_v2", "sock_bind_v2", "sock_connect_v2", "sock_listen_v2", "sock_accept_v2", "sock_recv_v2",
  "sock_recv_from_v2", "sock_send_v2", "sock_send_to_v2", "sock_getlocaladdr_v2", "sock_getpeeraddr_v2",
]);

export type ImportVerdict =
  | { provided: true; note?: string }
  | { provided: false; why: "wasmedge-extension" | "not-in-wasi" | "unknown-module" };

/**
 * Whether `runtime` links a core module's function import. Core modules get WASI preview 1 on all
 * three: natively on WasmEdge and wasmtime, and on Spin through the preview 1 adapter its
 * componentize step wraps modules in, which exports the standard functions only.
 */
export function coreImportVerdict(runtime: ClusterRuntime, module: string, name: string): ImportVerdict {
  if (module === WASI_PREVIEW1_MODULE) {
    if (WASI_PREVIEW1_FUNCTIONS.has(name)) return { provided: true };
    if (WASMEDGE_WASI_EXTENSIONS.has(name)) return runtime === "wasmedge" ? { provided: true } : { provided: false, why: "wasmedge-extension" };
    return { provided: false, why: "not-in-wasi" };
  }
  // WasmEdge plugins (wasi_nn, process, crypto…) register their own modules when installed.
  if (runtime === "wasmedge" && /^(wasi_ephemeral_|wasmedge_)/.test(module)) {
    return { provided: true, note: `${module} comes from a WasmEdge plugin the node must have installed` };
  }
  // Modules built with a Spin SDK import Spin's interfaces; Spin's componentize step resolves them.
  if (runtime === "spin" && /^(spin|fermyon|wasi-outbound-http|outbound-|key-value|sqlite|llm|variables|http|config)/.test(module)) {
    return { provided: true, note: `${module} is resolved by Spin's componentize step` };
  }
  return { provided: false, why: "unknown-module" };
}

/** WASI 0.2 packages wasmtime's linker (runwasi's wasmtime shim) adds for components. */
const WASMTIME_COMPONENT_PACKAGES = /^wasi:(cli|io|clocks|filesystem|random|sockets|http)\//;
/** Spin adds WASI 0.2 and its own `fermyon:spin` / `spin:` interfaces, plus wasi:keyvalue and wasi:config. */
const SPIN_COMPONENT_PACKAGES = /^(wasi:(cli|io|clocks|filesystem|random|sockets|http|keyvalue|config)\/|fermyon:spin\/|spin:)/;

/** Whether `runtime` provides a component's imported interface (`wasi:http/outgoing-handler@0.2.0`). */
export function componentImportProvided(runtime: ClusterRuntime, name: string): boolean {
  if (runtime === "spin") return SPIN_COMPONENT_PACKAGES.test(name);
  if (runtime === "wasmtime") return WASMTIME_COMPONENT_PACKAGES.test(name);
  return false;
}
