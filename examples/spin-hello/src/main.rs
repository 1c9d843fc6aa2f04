//! spin-hello: a Wagi (CGI-style) handler for Spin, packaged by wasmpack.
//!
//! Spin's Wagi executor runs the module once per request. The request comes in as CGI
//! environment variables with the body on stdin; the response goes out on stdout as headers,
//! a blank line, then the body (wasmpack's docs/formats.md §5(c)).

use std::env;
use std::io::{self, Read, Write};
use std::process::ExitCode;

/// Largest request body read from stdin.
const MAX_BODY: u64 = 64 * 1024;

struct Request {
    method: String,
    /// The path below the route's base, e.g. `/greet` for route `/...`.
    path: String,
    query: String,
    full_url: String,
    body: Vec<u8>,
}

fn main() -> ExitCode {
    let result = read_request().and_then(|request| {
        let mut stdout = io::stdout().lock();
        stdout.write_all(b"Content-Type: text/plain; charset=utf-8\nStatus: 200\n\n")?;
        stdout.write_all(greeting(&request).as_bytes())?;
        stdout.flush()
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(io::stderr(), "spin-hello: {err}");
            ExitCode::FAILURE
        }
    }
}

fn read_request() -> io::Result<Request> {
    let var = |name: &str| env::var(name).unwrap_or_default();
    let mut body = Vec::new();
    io::stdin().take(MAX_BODY).read_to_end(&mut body)?;
    Ok(Request {
        method: var("REQUEST_METHOD"),
        path: var("PATH_INFO"),
        query: var("QUERY_STRING"),
        full_url: var("X_FULL_URL"),
        body,
    })
}

fn greeting(request: &Request) -> String {
    let path = if request.path.is_empty() {
        "/"
    } else {
        &request.path
    };
    let mut text = format!("Hello from Spin (Wagi) on wasmpack! You asked for {path}\n");
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
