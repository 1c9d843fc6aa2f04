//! httpkit: the socket and HTTP code of examples/wasmedge-http as a library, so that several
//! WasmEdge services of one workspace share it (and cargo compiles it once).

pub mod http;
pub mod net;

use std::fmt;
use std::io::{self, ErrorKind, Write};
use std::net::Ipv4Addr;
use std::process::ExitCode;

pub use http::{Request, Response};
use http::Incoming;
use net::{Listener, Stream};

const DEFAULT_PORT: u16 = 8080;

/// Listens on 0.0.0.0:$PORT (default 8080) and answers each connection's one request with `route`.
pub fn serve_forever(name: &str, route: fn(&Request) -> Response) -> ExitCode {
    let port = match port_from_env() {
        Ok(port) => port,
        Err(message) => {
            log(format_args!("{message}"));
            return ExitCode::FAILURE;
        }
    };
    let listener = match Listener::bind(Ipv4Addr::UNSPECIFIED, port) {
        Ok(listener) => listener,
        Err(err) => {
            log(format_args!("cannot listen on 0.0.0.0:{port}: {err}"));
            return ExitCode::FAILURE;
        }
    };
    log(format_args!("{name} listening on 0.0.0.0:{port}"));
    loop {
        match listener.accept() {
            Ok(stream) => serve(stream, route),
            Err(err) if is_transient(&err) => log(format_args!("accept: {err}")),
            Err(err) => {
                log(format_args!("accept failed, stopping: {err}"));
                return ExitCode::FAILURE;
            }
        }
    }
}

fn port_from_env() -> Result<u16, String> {
    match std::env::var("PORT") {
        Err(_) => Ok(DEFAULT_PORT),
        Ok(value) if value.is_empty() => Ok(DEFAULT_PORT),
        Ok(value) => match value.parse::<u16>() {
            Ok(port) if port != 0 => Ok(port),
            _ => Err(format!("PORT must be a number from 1 to 65535, got {value:?}")),
        },
    }
}

/// Answers one request, then shuts the connection down; dropping `stream` closes it.
fn serve(mut stream: Stream, route: fn(&Request) -> Response) {
    let result = match http::read_request(&mut stream) {
        Ok(Incoming::Request(request)) => {
            let response = route(&request);
            log(format_args!("{} {} {}", request.method, request.path, response.status));
            response.write_to(&mut stream)
        }
        Ok(Incoming::Reject(response)) => response.write_to(&mut stream),
        Ok(Incoming::Closed) => Ok(()),
        Err(err) => Err(err),
    };
    if let Err(err) = result {
        log(format_args!("connection: {err}"));
    }
    let _ = stream.shutdown();
}

/// GET and HEAD of a fixed text body; 405 for other methods.
pub fn get_only(request: &Request, body: &str) -> Response {
    match request.method.as_str() {
        "GET" => Response::text(200, body),
        "HEAD" => Response::text(200, body).without_body(),
        _ => Response::text(405, "method not allowed\n").header("Allow", "GET, HEAD"),
    }
}

fn is_transient(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::Interrupted | ErrorKind::WouldBlock
    )
}

/// Logs a line to stderr. Unlike `eprintln!`, never panics when stderr is gone.
pub fn log(args: fmt::Arguments) {
    let _ = writeln!(io::stderr(), "{args}");
}
