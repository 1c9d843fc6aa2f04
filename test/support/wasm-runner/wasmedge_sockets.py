#!/usr/bin/env python3
"""Run a WASI preview 1 module that uses WasmEdge's socket extension, with real OS sockets.

    python3 wasmedge_sockets.py MODULE.wasm [ARGS...]

WasmEdge itself cannot be installed on our machines, so tests serve WasmEdge programs with this
stand-in: wasmtime (the `wasmtime` package from PyPI) executes the module, and this file provides
its imports. It implements the WASI preview 1 functions a std-only Rust program uses and
WasmEdge's `sock_*` functions exactly as wasmpack's docs/formats.md §6 describes them (V1
signatures, `{buf, buf_len}` addresses, port as a plain u32, WASI errnos). Every other
`wasi_snapshot_preview1` import answers ENOSYS and says so on stderr.

The guest gets argv = [MODULE, ARGS...] and this process's environment (e.g. PORT). It runs
`_start`; this process exits with the guest's exit code.

The host never sets a socket option on its own: Python's socket() leaves SO_REUSEADDR off (unlike
socketserver or asyncio's servers), so a guest that wants it must ask with sock_setsockopt, as
under WasmEdge. sock_listen logs the option's value, so a test can see who set it.

Tests must only listen on loopback, so this host binds loopback only, whatever the guest asks:
0.0.0.0 becomes 127.0.0.1 and :: becomes ::1 (the guest asks for "all interfaces", which is
what a WasmEdge server does), and any other non-loopback address is refused (EADDRNOTAVAIL).
"""

import errno
import ipaddress
import os
import socket
import struct
import sys
import time

try:
    import wasmtime
except ImportError:  # pragma: no cover - reported to the test, which names the install command
    sys.stderr.write("wasm-runner: the Python package 'wasmtime' is missing: python3 -m pip install wasmtime==50.0.1\n")
    sys.exit(3)

WASI = "wasi_snapshot_preview1"

# WASI errno values, in the order of the witx `errno` enum (success = 0, 2big = 1, ...).
_WASI_ERRNO_NAMES = (
    "SUCCESS 2BIG ACCES ADDRINUSE ADDRNOTAVAIL AFNOSUPPORT AGAIN ALREADY BADF BADMSG BUSY "
    "CANCELED CHILD CONNABORTED CONNREFUSED CONNRESET DEADLK DESTADDRREQ DOM DQUOT EXIST FAULT "
    "FBIG HOSTUNREACH IDRM ILSEQ INPROGRESS INTR INVAL IO ISCONN ISDIR LOOP MFILE MLINK MSGSIZE "
    "MULTIHOP NAMETOOLONG NETDOWN NETRESET NETUNREACH NFILE NOBUFS NODEV NOENT NOEXEC NOLCK "
    "NOLINK NOMEM NOMSG NOPROTOOPT NOSPC NOSYS NOTCONN NOTDIR NOTEMPTY NOTRECOVERABLE NOTSOCK "
    "NOTSUP NOTTY NXIO OVERFLOW OWNERDEAD PERM PIPE PROTO PROTONOSUPPORT PROTOTYPE RANGE ROFS "
    "SPIPE SRCH STALE TIMEDOUT TXTBSY XDEV NOTCAPABLE"
).split()
E = {name: code for code, name in enumerate(_WASI_ERRNO_NAMES)}
# Host errno -> WASI errno, for every name both know.
_FROM_HOST = {
    getattr(errno, "E" + name): code
    for name, code in E.items()
    if hasattr(errno, "E" + name)
}

# formats.md §6 constants.
AF_INET4, AF_INET6 = 1, 2
SOCK_DGRAM, SOCK_STREAM = 1, 2
RECV_PEEK, RECV_WAITALL = 1, 2
SHUTDOWN = {1: socket.SHUT_RD, 2: socket.SHUT_WR, 3: socket.SHUT_RDWR}
# sock_setsockopt: __wasi_sock_opt_level_t and __wasi_sock_opt_so_t (WasmEdge api.hpp) -> the
# host's values, as WasmEdge's toSockOptLevel / toSockOptSoName map them.
SOCKOPT_LEVELS = {0: socket.SOL_SOCKET}
SOCKOPT_NAMES = {
    number: getattr(socket, name, None)
    for number, name in enumerate(
        "SO_REUSEADDR SO_TYPE SO_ERROR SO_DONTROUTE SO_BROADCAST SO_SNDBUF SO_RCVBUF SO_KEEPALIVE "
        "SO_OOBINLINE SO_LINGER SO_RCVLOWAT SO_RCVTIMEO SO_SNDTIMEO SO_ACCEPTCONN SO_BINDTODEVICE".split())
}
SOCKOPT_NAME_TEXT = {0: "SO_REUSEADDR"}

I32, I64 = wasmtime.ValType.i32(), wasmtime.ValType.i64()


class WasiError(Exception):
    """A failure the guest sees as this WASI errno."""

    def __init__(self, code):
        super().__init__(_WASI_ERRNO_NAMES[code])
        self.code = code


class ProcExit(Exception):
    def __init__(self, code):
        super().__init__(f"proc_exit({code})")
        self.code = code


def log(message):
    sys.stderr.write(f"wasm-runner: {message}\n")
    sys.stderr.flush()


class Memory:
    """The guest's linear memory during one host call, with bounds-checked little-endian access."""

    def __init__(self, caller):
        self._caller = caller
        self._memory = caller["memory"]

    def read(self, ptr, length):
        if ptr + length > self._memory.data_len(self._caller):
            raise WasiError(E["FAULT"])
        return bytes(self._memory.read(self._caller, ptr, ptr + length))

    def write(self, ptr, data):
        if ptr + len(data) > self._memory.data_len(self._caller):
            raise WasiError(E["FAULT"])
        if data:
            self._memory.write(self._caller, data, ptr)

    def u32(self, ptr):
        return struct.unpack("<I", self.read(ptr, 4))[0]

    def put_u16(self, ptr, value):
        self.write(ptr, struct.pack("<H", value))

    def put_u32(self, ptr, value):
        self.write(ptr, struct.pack("<I", value))

    def put_u64(self, ptr, value):
        self.write(ptr, struct.pack("<Q", value))

    def iovecs(self, ptr, count):
        """WASI (c)iovec array: `count` pairs of {buf: u32, buf_len: u32}."""
        return [struct.unpack("<II", self.read(ptr + 8 * i, 8)) for i in range(count)]

    def gather(self, ptr, count):
        return b"".join(self.read(buf, length) for buf, length in self.iovecs(ptr, count))

    def scatter(self, ptr, count, data):
        offset = 0
        for buf, length in self.iovecs(ptr, count):
            piece = data[offset:offset + length]
            self.write(buf, piece)
            offset += len(piece)


class Host:
    """The imports: WASI preview 1 basics plus WasmEdge's socket extension."""

    def __init__(self, args, env):
        self.args = [a.encode() + b"\0" for a in args]
        self.env = [f"{k}={v}".encode() + b"\0" for k, v in env.items()]
        self.sockets = {}  # guest fd -> socket.socket

    # -- plumbing -------------------------------------------------------------------------------

    def implementations(self):
        """name -> [(python function, wasm param types)]; each returns one i32 errno."""
        i = I32
        return {
            "args_sizes_get": [(self.args_sizes_get, [i, i])],
            "args_get": [(self.args_get, [i, i])],
            "environ_sizes_get": [(self.environ_sizes_get, [i, i])],
            "environ_get": [(self.environ_get, [i, i])],
            "clock_res_get": [(self.clock_res_get, [i, i])],
            "clock_time_get": [(self.clock_time_get, [i, I64, i])],
            "random_get": [(self.random_get, [i, i])],
            "sched_yield": [(self.sched_yield, [])],
            "fd_write": [(self.fd_write, [i, i, i, i])],
            "fd_read": [(self.fd_read, [i, i, i, i])],
            "fd_close": [(self.fd_close, [i])],
            "fd_prestat_get": [(self.fd_prestat_get, [i, i])],
            "sock_open": [(self.sock_open, [i, i, i])],
            "sock_bind": [(self.sock_bind, [i, i, i])],
            "sock_listen": [(self.sock_listen, [i, i])],
            # WasmEdge links the V1 form (fd, ro_fd) or the WASI-spec form (fd, fdflags, ro_fd).
            "sock_accept": [(self.sock_accept_v1, [i, i]), (self.sock_accept_v2, [i, i, i])],
            "sock_recv": [(self.sock_recv, [i] * 6)],
            "sock_send": [(self.sock_send, [i] * 5)],
            "sock_shutdown": [(self.sock_shutdown, [i, i])],
            "sock_setsockopt": [(self.sock_setsockopt, [i] * 5)],
        }

    def define(self, linker, module):
        table = self.implementations()
        for imp in module.imports:
            ty = imp.type
            if imp.module != WASI or not isinstance(ty, wasmtime.FuncType):
                raise SystemExit(f"wasm-runner: cannot provide import {imp.module}.{imp.name}")
            params = [str(p) for p in ty.params]
            results = [str(r) for r in ty.results]
            if imp.name == "proc_exit" and params == ["i32"] and results == []:
                linker.define_func(WASI, imp.name, ty, self.proc_exit)
                continue
            match = [f for f, p in table.get(imp.name, []) if [str(x) for x in p] == params]
            if match and results == ["i32"]:
                linker.define_func(WASI, imp.name, ty, self._errno_call(match[0], params),
                                   access_caller=True)
            else:
                linker.define_func(WASI, imp.name, ty, self._unsupported(imp.name, results))

    @staticmethod
    def _errno_call(func, params):
        def call(caller, *args):
            # wasm i32s arrive signed; WASI's pointers, fds and sizes are unsigned.
            args = [a & 0xFFFFFFFF if ty == "i32" else a for a, ty in zip(args, params)]
            try:
                func(Memory(caller), *args)
                return 0
            except WasiError as err:
                return err.code
            except OSError as err:
                return _FROM_HOST.get(err.errno, E["IO"])
        return call

    @staticmethod
    def _unsupported(name, results):
        def call(*_args):
            log(f"{name} is not implemented here; returning ENOSYS")
            return E["NOSYS"] if results else None
        return call

    def _socket(self, fd):
        sock = self.sockets.get(fd)
        if sock is None:
            raise WasiError(E["BADF"])
        return sock

    def _new_fd(self, sock):
        fd = 3
        while fd in self.sockets:
            fd += 1
        self.sockets[fd] = sock
        return fd

    # -- WASI preview 1 -------------------------------------------------------------------------

    def args_sizes_get(self, mem, argc_ptr, size_ptr):
        mem.put_u32(argc_ptr, len(self.args))
        mem.put_u32(size_ptr, sum(len(a) for a in self.args))

    def args_get(self, mem, argv_ptr, buf_ptr):
        self._write_strings(mem, self.args, argv_ptr, buf_ptr)

    def environ_sizes_get(self, mem, count_ptr, size_ptr):
        mem.put_u32(count_ptr, len(self.env))
        mem.put_u32(size_ptr, sum(len(e) for e in self.env))

    def environ_get(self, mem, environ_ptr, buf_ptr):
        self._write_strings(mem, self.env, environ_ptr, buf_ptr)

    @staticmethod
    def _write_strings(mem, strings, pointers_ptr, buf_ptr):
        for index, value in enumerate(strings):
            mem.put_u32(pointers_ptr + 4 * index, buf_ptr)
            mem.write(buf_ptr, value)
            buf_ptr += len(value)

    CLOCKS = {0: time.time_ns, 1: time.monotonic_ns, 2: time.process_time_ns, 3: time.thread_time_ns}

    def clock_res_get(self, mem, clock_id, res_ptr):
        if clock_id not in self.CLOCKS:
            raise WasiError(E["INVAL"])
        mem.put_u64(res_ptr, 1000)

    def clock_time_get(self, mem, clock_id, _precision, time_ptr):
        clock = self.CLOCKS.get(clock_id)
        if clock is None:
            raise WasiError(E["INVAL"])
        mem.put_u64(time_ptr, clock())

    def random_get(self, mem, buf, length):
        mem.write(buf, os.urandom(length))

    def sched_yield(self, _mem):
        pass

    def proc_exit(self, code):
        raise ProcExit(code)

    def fd_write(self, mem, fd, iovs, iovs_len, nwritten_ptr):
        data = mem.gather(iovs, iovs_len)
        if fd in (1, 2):
            stream = sys.stdout.buffer if fd == 1 else sys.stderr.buffer
            stream.write(data)
            stream.flush()
            written = len(data)
        else:
            written = self._socket(fd).send(data)
        mem.put_u32(nwritten_ptr, written)

    def fd_read(self, mem, fd, iovs, iovs_len, nread_ptr):
        capacity = sum(length for _, length in mem.iovecs(iovs, iovs_len))
        if fd == 0:
            data = sys.stdin.buffer.read1(capacity) if capacity else b""
        else:
            data = self._socket(fd).recv(capacity)
        mem.scatter(iovs, iovs_len, data)
        mem.put_u32(nread_ptr, len(data))

    def fd_close(self, _mem, fd):
        if fd in (0, 1, 2):
            return
        self._socket(fd).close()
        del self.sockets[fd]

    def fd_prestat_get(self, _mem, _fd, _prestat_ptr):
        raise WasiError(E["BADF"])  # no preopened directories

    # -- WasmEdge socket extension (formats.md §6) ----------------------------------------------

    def sock_open(self, mem, family, sock_type, ro_fd):
        families = {AF_INET4: socket.AF_INET, AF_INET6: socket.AF_INET6}
        types = {SOCK_DGRAM: socket.SOCK_DGRAM, SOCK_STREAM: socket.SOCK_STREAM}
        if family not in families:
            raise WasiError(E["AFNOSUPPORT"])
        if sock_type not in types:
            raise WasiError(E["INVAL"])
        sock = socket.socket(families[family], types[sock_type])
        mem.put_u32(ro_fd, self._new_fd(sock))

    def sock_bind(self, mem, fd, addr_ptr, port):
        sock = self._socket(fd)
        buf, buf_len = struct.unpack("<II", mem.read(addr_ptr, 8))
        if buf_len not in (4, 16):  # the length says the family: 4 = IPv4, 16 = IPv6
            raise WasiError(E["INVAL"])
        if port > 0xFFFF:
            raise WasiError(E["INVAL"])
        asked = ipaddress.ip_address(mem.read(buf, buf_len))
        if asked.is_unspecified:
            # Loopback only, on purpose: see the module docstring.
            bound = ipaddress.ip_address("127.0.0.1" if asked.version == 4 else "::1")
            log(f"guest asked for {asked} port {port}; binding {bound} (this host binds loopback only)")
        elif asked.is_loopback:
            bound = asked
        else:
            raise WasiError(E["ADDRNOTAVAIL"])
        sock.bind((str(bound), port))

    def sock_listen(self, _mem, fd, backlog):
        sock = self._socket(fd)
        sock.listen(backlog)
        host, port = sock.getsockname()[:2]
        reuse = "on" if sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) else "off"
        log(f"listening on {host} port {port} (SO_REUSEADDR {reuse})")

    def sock_setsockopt(self, mem, fd, level, name, flag_ptr, flag_size):
        """WasmEdge's WasiSockSetOpt: the level and the name must be values of its enums (else
        EINVAL, checked before anything else), the flag bytes must lie in memory (else EFAULT),
        the fd must be open (else EBADF); then the bytes go to the host's setsockopt as they are,
        and its error comes back as a WASI errno (e.g. EINVAL for an int option given 2 bytes)."""
        if level not in SOCKOPT_LEVELS or name not in SOCKOPT_NAMES:
            raise WasiError(E["INVAL"])
        flag = mem.read(flag_ptr, flag_size)
        if fd in (0, 1, 2):
            raise WasiError(E["NOTSOCK"])
        sock = self._socket(fd)
        if SOCKOPT_NAMES[name] is None:  # this host's OS has no such option (e.g. SO_BINDTODEVICE)
            raise WasiError(E["NOPROTOOPT"])
        sock.setsockopt(SOCKOPT_LEVELS[level], SOCKOPT_NAMES[name], flag)
        if name in SOCKOPT_NAME_TEXT and len(flag) == 4:
            log(f"guest set {SOCKOPT_NAME_TEXT[name]} = {struct.unpack('<i', flag)[0]} on fd {fd}")

    def sock_accept_v1(self, mem, fd, ro_fd):
        conn, _peer = self._socket(fd).accept()
        mem.put_u32(ro_fd, self._new_fd(conn))

    def sock_accept_v2(self, mem, fd, _fdflags, ro_fd):
        self.sock_accept_v1(mem, fd, ro_fd)

    def sock_recv(self, mem, fd, iovs, iovs_len, riflags, ro_datalen, ro_flags):
        flags = (socket.MSG_PEEK if riflags & RECV_PEEK else 0) | (
            socket.MSG_WAITALL if riflags & RECV_WAITALL else 0)
        capacity = sum(length for _, length in mem.iovecs(iovs, iovs_len))
        data = self._socket(fd).recv(capacity, flags) if capacity else b""
        mem.scatter(iovs, iovs_len, data)
        mem.put_u32(ro_datalen, len(data))
        mem.put_u16(ro_flags, 0)

    def sock_send(self, mem, fd, iovs, iovs_len, _siflags, ro_sent):
        sent = self._socket(fd).send(mem.gather(iovs, iovs_len))
        mem.put_u32(ro_sent, sent)

    def sock_shutdown(self, _mem, fd, how):
        if how not in SHUTDOWN:
            raise WasiError(E["INVAL"])
        self._socket(fd).shutdown(SHUTDOWN[how])


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    path = argv[1]
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    module = wasmtime.Module.from_file(engine, path)
    linker = wasmtime.Linker(engine)
    Host(args=[path] + argv[2:], env=os.environ).define(linker, module)
    instance = linker.instantiate(store, module)
    start = instance.exports(store)["_start"]
    try:
        start(store)
    except ProcExit as exit_:
        return exit_.code
    except wasmtime.Trap as trap:
        log(f"guest trapped: {trap}")
        return 134
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
