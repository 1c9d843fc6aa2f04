//! TCP through WasmEdge's socket extension, behind a safe `Listener` and `Stream`.
//!
//! WASI preview 1 cannot open, bind or listen, and WasmEdge cannot preopen a listening socket,
//! so the guest makes its own with WasmEdge's `sock_*` host functions (wasmpack's
//! docs/formats.md §6). The listening socket gets `SO_REUSEADDR` before it is bound, so a new
//! instance can listen on the port at once while the connections a killed one served sit in
//! TIME_WAIT. They are the V1 signatures that WasmEdge registers under the plain names,
//! the same ones the `wasmedge_wasi_socket` crate declares. Closing goes through std's `OwnedFd`,
//! whose drop calls WASI's `fd_close`.

use std::io::{self, Read, Write};
use std::net::Ipv4Addr;
use std::os::wasi::io::{AsRawFd, FromRawFd, OwnedFd, RawFd};

mod abi {
    //! Every parameter is a wasm `i32`; every result is a WASI errno (0 = success).

    /// `__wasi_address_t`: the raw address octets in network order and their count (4 = IPv4).
    #[repr(C)]
    pub struct Address {
        pub buf: *const u8,
        pub buf_len: u32,
    }

    /// WASI `iovec`: a buffer the host fills.
    #[repr(C)]
    pub struct IoVec {
        pub buf: *mut u8,
        pub buf_len: u32,
    }

    /// WASI `ciovec`: a buffer the host reads.
    #[repr(C)]
    pub struct CioVec {
        pub buf: *const u8,
        pub buf_len: u32,
    }

    pub const ADDRESS_FAMILY_INET4: u8 = 1;
    pub const SOCK_TYPE_STREAM: u8 = 2;
    /// `SHUT_RD` (1) | `SHUT_WR` (2).
    pub const SHUTDOWN_BOTH: u8 = 3;
    /// `__wasi_sock_opt_level_t::SOL_SOCKET`; WasmEdge maps it to the host's `SOL_SOCKET`.
    pub const SOL_SOCKET: u32 = 0;
    /// `__wasi_sock_opt_so_t::SO_REUSEADDR`; WasmEdge maps it to the host's `SO_REUSEADDR`.
    pub const SO_REUSEADDR: u32 = 0;

    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        pub fn sock_open(addr_family: u8, sock_type: u8, ro_fd: *mut u32) -> u16;
        /// `port` is a plain number in host order, passed by value.
        pub fn sock_bind(fd: u32, addr: *const Address, port: u32) -> u16;
        pub fn sock_listen(fd: u32, backlog: u32) -> u16;
        /// `flag` points at `flag_size` bytes the host passes to `setsockopt` as they are;
        /// `SO_REUSEADDR` takes a 4-byte integer.
        pub fn sock_setsockopt(
            fd: u32,
            level: u32,
            name: u32,
            flag: *const i32,
            flag_size: u32,
        ) -> u16;
        /// The V1 form, without the `fdflags` of the WASI-spec form (WasmEdge's `sock_accept_v2`).
        pub fn sock_accept(fd: u32, ro_fd: *mut u32) -> u16;
        pub fn sock_recv(
            fd: u32,
            iovs: *const IoVec,
            iovs_len: u32,
            ri_flags: u16,
            ro_datalen: *mut u32,
            ro_flags: *mut u16,
        ) -> u16;
        pub fn sock_send(
            fd: u32,
            iovs: *const CioVec,
            iovs_len: u32,
            si_flags: u16,
            ro_sent: *mut u32,
        ) -> u16;
        pub fn sock_shutdown(fd: u32, how: u8) -> u16;
    }
}

const BACKLOG: u32 = 128;

/// A listening TCP socket.
pub struct Listener {
    fd: OwnedFd,
}

impl Listener {
    /// Opens a TCP socket, sets `SO_REUSEADDR`, binds it to `ip:port` and starts listening.
    pub fn bind(ip: Ipv4Addr, port: u16) -> io::Result<Listener> {
        let mut raw_fd = 0u32;
        check(unsafe {
            abi::sock_open(
                abi::ADDRESS_FAMILY_INET4,
                abi::SOCK_TYPE_STREAM,
                &mut raw_fd,
            )
        })?;
        // Owned from here on, so an error below still closes it.
        let fd = unsafe { owned(raw_fd) };
        // Without it the kernel refuses the bind for as long as connections this port served
        // before a restart are in TIME_WAIT (a minute on Linux): "Address in use".
        let enable: i32 = 1;
        check(unsafe {
            abi::sock_setsockopt(
                raw(&fd),
                abi::SOL_SOCKET,
                abi::SO_REUSEADDR,
                &enable,
                std::mem::size_of::<i32>() as u32,
            )
        })
        .map_err(|err| {
            io::Error::new(
                err.kind(),
                format!("cannot set SO_REUSEADDR on the listening socket: {err}"),
            )
        })?;
        let octets = ip.octets();
        let addr = abi::Address {
            buf: octets.as_ptr(),
            buf_len: octets.len() as u32,
        };
        check(unsafe { abi::sock_bind(raw(&fd), &addr, u32::from(port)) })?;
        check(unsafe { abi::sock_listen(raw(&fd), BACKLOG) })?;
        Ok(Listener { fd })
    }

    /// Waits for the next connection.
    pub fn accept(&self) -> io::Result<Stream> {
        let mut raw_fd = 0u32;
        check(unsafe { abi::sock_accept(raw(&self.fd), &mut raw_fd) })?;
        Ok(Stream {
            fd: unsafe { owned(raw_fd) },
        })
    }
}

/// A connected TCP socket; dropping it closes the socket.
pub struct Stream {
    fd: OwnedFd,
}

impl Stream {
    /// Shuts down both directions, so the peer sees the end of the response.
    pub fn shutdown(&self) -> io::Result<()> {
        check(unsafe { abi::sock_shutdown(raw(&self.fd), abi::SHUTDOWN_BOTH) })
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let iov = abi::IoVec {
            buf: buf.as_mut_ptr(),
            buf_len: buf.len() as u32,
        };
        let (mut received, mut ro_flags) = (0u32, 0u16);
        check(unsafe { abi::sock_recv(raw(&self.fd), &iov, 1, 0, &mut received, &mut ro_flags) })?;
        Ok(received as usize)
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let iov = abi::CioVec {
            buf: buf.as_ptr(),
            buf_len: buf.len() as u32,
        };
        let mut sent = 0u32;
        check(unsafe { abi::sock_send(raw(&self.fd), &iov, 1, 0, &mut sent) })?;
        Ok(sent as usize)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn check(errno: u16) -> io::Result<()> {
    match errno {
        0 => Ok(()),
        // std on WASI reads raw OS errors as WASI errnos, so kinds and messages come out right.
        _ => Err(io::Error::from_raw_os_error(i32::from(errno))),
    }
}

fn raw(fd: &OwnedFd) -> u32 {
    fd.as_raw_fd() as u32
}

/// Safety: `fd` must be a descriptor the host just handed to us and nothing else owns.
unsafe fn owned(fd: u32) -> OwnedFd {
    OwnedFd::from_raw_fd(fd as RawFd)
}
