"""Runs a WASI preview 2 command component under Wasmtime (the `wasmtime` package from PyPI).

usage: run_component.py COMPONENT.wasm RUN_EXPORT STDIN_FILE STDOUT_FILE [NAME=VALUE ...]

Calls `run` of the exported interface RUN_EXPORT (e.g. wasi:cli/run@0.2.3) with the given
environment, stdin from STDIN_FILE and stdout into STDOUT_FILE, as `wasmtime run` would. Prints
`ok` or `error: <why>` and exits 0 only when run returned ok.
"""

import sys

import wasmtime
from wasmtime import component


def main() -> int:
    path, run_export, stdin_file, stdout_file, *pairs = sys.argv[1:]
    engine = wasmtime.Engine()
    linker = component.Linker(engine)
    linker.add_wasip2()
    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    wasi.argv = ["/"]
    wasi.env = [pair.split("=", 1) for pair in pairs]
    wasi.stdin_file = stdin_file
    wasi.stdout_file = stdout_file
    wasi.inherit_stderr()
    store.set_wasi(wasi)
    instance = linker.instantiate(store, component.Component.from_file(engine, path))
    interface = instance.get_export_index(store, run_export)
    if interface is None:
        print(f"error: the component exports no {run_export}")
        return 1
    run = instance.get_func(store, instance.get_export_index(store, "run", interface))
    result = run(store)
    run.post_return(store)
    if getattr(result, "tag", None) != "ok":
        print(f"error: run returned {result!r}")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
