//! greeter: a Wagi (CGI-style) handler for Spin, packaged by wasmpack.
//!
//! Spin's Wagi executor runs the module once per request. The request comes in as CGI
//! environment variables with the body on stdin; the response goes out on stdout as headers,
//! a blank line, then the body (wasmpack's docs/formats.md §5(c)).
//!
//! The body is exactly `CONTENT_LENGTH` bytes, and there is none when that is absent or 0. Stdin
//! is never read to its end: a host need not close it (under `ctr run` with runwasi it stays
//! open), and a program waiting for EOF would wait forever.

use std::env;
use std::io::{self, ErrorKind, Read, Write};
use std::process::ExitCode;

/// Largest request body accepted.
const MAX_BODY: usize = 64 * 1024;

struct Request {
    method: String,
    /// The path below the route's base, e.g. `/greet` for route `/...`.
    path: String,
    query: String,
    full_url: String,
    body: Vec<u8>,
}

struct Response {
    status: u16,
    body: String,
}

fn main() -> ExitCode {
    let response = match read_request() {
        Ok(request) => Response {
            status: 200,
            body: greeting(&request),
        },
        Err(Reject(status, message)) => Response {
            status,
            body: format!("{message}\n"),
        },
    };
    let result = (|| {
        let mut stdout = io::stdout().lock();
        write!(
            stdout,
            "Content-Type: text/plain; charset=utf-8\nStatus: {}\n\n",
            response.status
        )?;
        stdout.write_all(response.body.as_bytes())?;
        stdout.flush()
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(io::stderr(), "greeter: {err}");
            ExitCode::FAILURE
        }
    }
}

/// A request that gets this status and message instead of the greeting.
struct Reject(u16, String);

fn read_request() -> Result<Request, Reject> {
    let var = |name: &str| env::var(name).unwrap_or_default();
    let body = read_body(&var("CONTENT_LENGTH"))?;
    Ok(Request {
        method: var("REQUEST_METHOD"),
        path: var("PATH_INFO"),
        query: var("QUERY_STRING"),
        full_url: var("X_FULL_URL"),
        body,
    })
}

/// Reads exactly `content_length` bytes from stdin; nothing when it is empty or 0.
fn read_body(content_length: &str) -> Result<Vec<u8>, Reject> {
    let length = match content_length.trim() {
        "" => 0,
        value => value.parse::<usize>().map_err(|_| {
            Reject(
                400,
                format!("CONTENT_LENGTH is not a byte count: {value:?}"),
            )
        })?,
    };
    if length > MAX_BODY {
        return Err(Reject(
            413,
            format!("request body too large: {length} bytes, at most {MAX_BODY}"),
        ));
    }
    let mut body = vec![0; length];
    if length > 0 {
        io::stdin()
            .lock()
            .read_exact(&mut body)
            .map_err(|err| match err.kind() {
                ErrorKind::UnexpectedEof => Reject(
                    400,
                    format!("the request body ended before CONTENT_LENGTH ({length}) bytes"),
                ),
                _ => Reject(500, format!("cannot read the request body: {err}")),
            })?;
    }
    Ok(body)
}

fn greeting(request: &Request) -> String {
    let path = if request.path.is_empty() {
        "/"
    } else {
        &request.path
    };
    let mut text = format!("Hello from greeter, a Spin (Wagi) app of a wasmpack workspace! You asked for {path}\n");
    text.push_str(&format!("Method: {}\n", request.method));
    if !request.query.is_empty() {
        text.push_str(&format!("Query: {}\n", request.query));
    }
    if !request.full_url.is_empty() {
        text.push_str(&format!("URL: {}\n", request.full_url));
    }
    if !request.body.is_empty() {
        let body = String::from_utf8_lossy(&request.body);
        text.push_str(&format!("You sent {} bytes: {body}\n", request.body.len()));
    }
    text
}
