//! hello-api: `GET /` greets, `GET /health` answers `ok`.

use httpkit::{get_only, Request, Response};

fn route(request: &Request) -> Response {
    match request.path.as_str() {
        "/" => get_only(request, "Hello from hello-api, a wasmpack workspace service on WasmEdge.\n"),
        "/health" => get_only(request, "ok"),
        _ => Response::text(404, "not found\n"),
    }
}

fn main() -> std::process::ExitCode {
    httpkit::serve_forever("hello-api", route)
}
