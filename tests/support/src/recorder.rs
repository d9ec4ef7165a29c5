//! A loopback HTTP server that records each request's exact bytes and
//! answers with a canned response: for asserting what a client puts on the
//! wire. Standard library only, one connection at a time.

use std::io::{BufReader, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::sync::mpsc;
use std::thread;

use crate::wire::{read_request, response_head};

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
