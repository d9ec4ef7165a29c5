//! A loopback HTTP server that answers each request target with the
//! response `check-server --save-responses` saved for it, so the generated
//! client can decode exactly the bytes the probe judged.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;

/// A saved answer.
struct Saved {
    status: u16,
    body: Vec<u8>,
}

/// Serves `dir/responses.jsonl` on a free loopback port until the process
/// ends; returns its URL. A target that was not saved answers 404.
pub fn serve(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("responses.jsonl")).expect("saved responses");
    let mut saved = HashMap::new();
    for line in text.lines() {
        let entry: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let body = match &entry["body"] {
            serde_json::Value::String(text) => text.clone().into_bytes(),
            serde_json::Value::Array(bytes) => bytes
                .iter()
                .map(|b| {
                    b.as_u64()
                        .and_then(|b| u8::try_from(b).ok())
                        .expect("a byte")
                })
                .collect(),
            other => panic!("a body is text or bytes, not {other}"),
        };
        let status = entry["status"].as_u64().expect("a status");
        let target = entry["target"].as_str().expect("a target").to_string();
        saved.entry(target).or_insert(Saved {
            status: u16::try_from(status).expect("a status code"),
            body,
        });
    }
    let saved = Arc::new(saved);
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let saved = Arc::clone(&saved);
            std::thread::spawn(move || answer(stream, &saved));
        }
    });
    url
}

/// Reads one request and answers it; the connection closes after.
fn answer(stream: TcpStream, saved: &HashMap<String, Saved>) {
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => return,
            Ok(_) if header == "\r\n" => break,
            Ok(_) => {}
        }
    }
    let target = request_line.split(' ').nth(1).unwrap_or_default();
    let (status, body) = match saved.get(target) {
        Some(found) => (found.status, found.body.as_slice()),
        None => (404, &b"{\"detail\":\"not saved\"}"[..]),
    };
    let head = format!(
        "HTTP/1.1 {status} Saved\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut stream = &stream;
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}
