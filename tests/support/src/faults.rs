//! A loopback server that misbehaves on purpose: one scripted behaviour per
//! connection, in order, for testing that the client fails safely.

use std::io::{BufReader, Write};
use std::net::{Ipv4Addr, Shutdown, TcpListener};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use crate::recorder::{read_request, response_head};

/// What the server does with one connection, after reading its request.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Answers with a status, a content type and a body.
    Respond {
        /// Status code.
        status: u16,
        /// `Content-Type`.
        content_type: &'static str,
        /// The body, sent whole with its length.
        body: Vec<u8>,
    },
    /// Announces `length` bytes, sends `sent` of them, then hangs up.
    HangUpMidBody {
        /// The announced `Content-Length`.
        length: usize,
        /// How many bytes to send.
        sent: usize,
    },
    /// Reads the request and never answers.
    Stall,
    /// Closes the connection without answering.
    Close,
}

impl Behaviour {
    /// A JSON response.
    pub fn json(status: u16, body: &str) -> Self {
        Self::Respond {
            status,
            content_type: "application/json",
            body: body.as_bytes().to_vec(),
        }
    }
}

/// The server: its base URL and the requests it has read.
pub struct FaultServer {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    targets: Arc<Mutex<Vec<String>>>,
}

impl FaultServer {
    /// Serves one connection per behaviour, in order.
    pub fn start(behaviours: Vec<Behaviour>) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let targets = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&targets);
        thread::spawn(move || {
            for behaviour in behaviours {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                let mut reader = BufReader::new(stream);
                let Some(request) = read_request(&mut reader) else {
                    continue;
                };
                seen.lock().expect("targets").push(request.target);
                let mut stream = reader.into_inner();
                match behaviour {
                    Behaviour::Respond {
                        status,
                        content_type,
                        body,
                    } => {
                        let head = response_head(status, content_type, body.len());
                        let _ = stream.write_all(head.as_bytes());
                        let _ = stream.write_all(&body);
                    }
                    Behaviour::HangUpMidBody { length, sent } => {
                        let head = response_head(200, "application/json", length);
                        let _ = stream.write_all(head.as_bytes());
                        let _ = stream.write_all(&vec![b' '; sent]);
                        let _ = stream.flush();
                        let _ = stream.shutdown(Shutdown::Both);
                    }
                    Behaviour::Stall => {
                        // Hold the connection open past any test's timeout.
                        thread::spawn(move || {
                            thread::sleep(Duration::from_secs(30));
                            drop(stream);
                        });
                    }
                    Behaviour::Close => drop(stream),
                }
            }
        });
        Self { url, targets }
    }

    /// How many requests the server has read so far.
    pub fn requests(&self) -> usize {
        self.targets.lock().expect("targets").len()
    }

    /// The target (path and query) of each request read so far, in order.
    pub fn targets(&self) -> Vec<String> {
        self.targets.lock().expect("targets").clone()
    }
}
