//! echo-api: `GET /<anything>` answers with the path it was asked for; `GET /health` with `ok`.

use httpkit::{get_only, Request, Response};

fn route(request: &Request) -> Response {
    if request.path == "/health" {
        return get_only(request, "ok");
    }
    let body = format!("echo-api: you asked for {}\n", request.path);
    match request.method.as_str() {
        "GET" => Response::text(200, body),
        "HEAD" => Response::text(200, body).without_body(),
        _ => Response::text(405, "method not allowed\n").header("Allow", "GET, HEAD"),
    }
}

fn main() -> std::process::ExitCode {
    httpkit::serve_forever("echo-api", route)
}
