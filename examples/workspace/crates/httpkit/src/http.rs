//! Just enough HTTP/1.1 for one request per connection: read a request head, write a response
//! with `Content-Length` and `Connection: close`.

use std::io::{self, Read, Write};

/// Largest request head (request line and headers) accepted.
const MAX_HEAD: usize = 8 * 1024;
/// Largest request body read (and thrown away).
const MAX_BODY: usize = 64 * 1024;

pub struct Request {
    pub method: String,
    /// The request target without its query string.
    pub path: String,
}

/// What came in on a connection.
pub enum Incoming {
    Request(Request),
    /// The request cannot be served; send this answer.
    Reject(Response),
    /// The peer closed the connection before a whole request arrived.
    Closed,
}

/// Reads one request head, however many reads it arrives in. A body is read and dropped:
/// closing a socket with unread input makes the kernel reset the connection, and the peer
/// could lose the response.
pub fn read_request<R: Read>(conn: &mut R) -> io::Result<Incoming> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let head_len = loop {
        if let Some(end) = find_head_end(&buf) {
            break end;
        }
        if buf.len() > MAX_HEAD {
            return Ok(Incoming::Reject(Response::text(
                431,
                "request header fields too large\n",
            )));
        }
        let n = conn.read(&mut chunk)?;
        if n == 0 {
            return Ok(Incoming::Closed);
        }
        buf.extend_from_slice(&chunk[..n]);
    };

    let head = match parse_head(&buf[..head_len]) {
        Ok(head) => head,
        Err(response) => return Ok(Incoming::Reject(response)),
    };
    if head.body_len > MAX_BODY {
        return Ok(Incoming::Reject(Response::text(
            413,
            "request body too large\n",
        )));
    }
    let already_read = buf.len() - head_len;
    if head.body_len > already_read {
        let rest = (head.body_len - already_read) as u64;
        if io::copy(&mut conn.take(rest), &mut io::sink())? < rest {
            return Ok(Incoming::Closed);
        }
    }
    Ok(Incoming::Request(head.request))
}

/// The length of the head including its closing blank line, once it has all arrived.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

struct Head {
    request: Request,
    body_len: usize,
}

fn parse_head(head: &[u8]) -> Result<Head, Response> {
    let bad = || Response::text(400, "bad request\n");
    let text = std::str::from_utf8(head).map_err(|_| bad())?;
    let mut lines = text.split("\r\n");

    let mut parts = lines.next().ok_or_else(bad)?.split(' ');
    let (method, target, version) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v), None) if !m.is_empty() && t.starts_with('/') => (m, t, v),
        _ => return Err(bad()),
    };
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return Err(Response::text(505, "HTTP version not supported\n"));
    }

    let mut body_len = 0;
    for line in lines.filter(|line| !line.is_empty()) {
        let (name, value) = line.split_once(':').ok_or_else(bad)?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            body_len = value.parse().map_err(|_| bad())?;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(Response::text(501, "transfer-encoding is not supported\n"));
        }
    }

    let path = target.split('?').next().unwrap_or(target);
    let request = Request {
        method: method.to_string(),
        path: path.to_string(),
    };
    Ok(Head { request, body_len })
}

pub struct Response {
    pub status: u16,
    headers: Vec<(&'static str, &'static str)>,
    body: String,
    send_body: bool,
}

impl Response {
    pub fn text(status: u16, body: impl Into<String>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: body.into(),
            send_body: true,
        }
    }

    pub fn header(mut self, name: &'static str, value: &'static str) -> Response {
        self.headers.push((name, value));
        self
    }

    /// The same head, with `Content-Length` still giving the body's length, but no body (HEAD).
    pub fn without_body(mut self) -> Response {
        self.send_body = false;
        self
    }

    pub fn write_to<W: Write>(&self, out: &mut W) -> io::Result<()> {
        let mut message = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.status,
            reason(self.status),
            self.body.len(),
        );
        for (name, value) in &self.headers {
            message.push_str(&format!("{name}: {value}\r\n"));
        }
        message.push_str("\r\n");
        if self.send_body {
            message.push_str(&self.body);
        }
        out.write_all(message.as_bytes())?;
        out.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}
