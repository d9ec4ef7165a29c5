//! A loopback HTTP server that records each request's exact bytes and
//! answers with a canned response: for asserting what a client puts on the
//! wire. Standard library only, one connection at a time.
//!
//! The file stands alone: `tests/edge_cases.rs` copies it into a generated
//! crate's tests, so it imports nothing from this crate (the fault server
//! imports its reader from here instead).

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::sync::mpsc;
use std::thread;

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `GET`, `PATCH`, ...
    pub method: String,
    /// The request target: path and query, as sent.
    pub target: String,
    /// Header lines, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The server: its base URL and the requests it has seen.
pub struct Recorder {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    requests: mpsc::Receiver<Recorded>,
}

impl Recorder {
    /// Serves `count` requests, answering each with `status` and a JSON `body`.
    pub fn start(count: usize, status: u16, body: &str) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let (sender, requests) = mpsc::channel();
        let body = body.to_string();
        thread::spawn(move || {
            for _ in 0..count {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                let mut reader = BufReader::new(stream);
                let Some(recorded) = read_request(&mut reader) else {
                    continue;
                };
                let head = response_head(status, "application/json", body.len());
                let stream = reader.get_mut();
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(body.as_bytes());
                if sender.send(recorded).is_err() {
                    return;
                }
            }
        });
        Self { url, requests }
    }

    /// The next request the server received.
    pub fn next(&self) -> Recorded {
        self.requests
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("a request arrived")
    }
}

/// The head of a response with `length` bytes of body, after which the
/// server closes the connection. The fault server writes its own with it.
pub fn response_head(status: u16, content_type: &str, length: usize) -> String {
    format!(
        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {length}\r\nconnection: close\r\n\r\n"
    )
}

/// Reads one request, its body de-chunked; `None` if the client went away
/// or sent something that is not HTTP. The fault server reads with it too.
pub fn read_request(reader: &mut impl BufRead) -> Option<Recorded> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if let Some(length) = header("content-length") {
        let length: usize = length.parse().ok()?;
        body.resize(length, 0);
        reader.read_exact(&mut body).ok()?;
    } else if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}
