//! The real authentik of `../shared/authentik-server`, which `scripts/test-all`
//! starts (`scripts/live-server`): where it is, and plain HTTP to it.
//!
//! Only loopback is ever contacted: `AUTHENTIK_LIVE_URL` must name 127.0.0.1,
//! localhost or [::1], or the tests refuse to run.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The server's address and admin token.
#[derive(Clone)]
pub struct Server {
    /// `http://127.0.0.1:9000`, without `/api/v3`.
    pub url: String,
    /// The admin API token (`AK_TOKEN` of the kit).
    pub token: String,
    host: String,
    port: u16,
}

/// The kit's default token, used when `AK_TOKEN` is not set.
const DEFAULT_TOKEN: &str = "ak-test-admin-token-0123456789abcdef0123456789abcdef";

impl Server {
    /// The running server, or `None` (with a message) when none answers.
    /// With `CI` set, a missing server fails the test instead.
    pub fn find() -> Option<Self> {
        let url =
            std::env::var("AUTHENTIK_LIVE_URL").unwrap_or_else(|_| "http://127.0.0.1:9000".into());
        let token = std::env::var("AK_TOKEN").unwrap_or_else(|_| DEFAULT_TOKEN.into());
        let authority = url
            .strip_prefix("http://")
            .unwrap_or_else(|| panic!("AUTHENTIK_LIVE_URL must be http://: {url}"))
            .trim_end_matches('/');
        let (host, port) = authority
            .rsplit_once(':')
            .map(|(h, p)| (h.to_string(), p.parse().expect("a port number")))
            .unwrap_or_else(|| (authority.to_string(), 80));
        assert!(
            matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]"),
            "the live tests only talk to loopback, not {host}"
        );
        let server = Self {
            url: url.trim_end_matches('/').to_string(),
            token,
            host,
            port,
        };
        match server.get("/api/v3/root/config/") {
            Ok((200, _)) => Some(server),
            other => {
                let why = match other {
                    Ok((status, _)) => format!("answered {status}"),
                    Err(error) => error,
                };
                let message = format!(
                    "no authentik at {} ({why}): start one with scripts/live-server",
                    server.url
                );
                if std::env::var_os("CI").is_some() {
                    panic!("{message}, and CI is set");
                }
                eprintln!("skipping: {message}");
                None
            }
        }
    }

    /// `GET path` with the admin token: the status and the body.
    pub fn get(&self, path: &str) -> Result<(u16, Vec<u8>), String> {
        let address = (self.host.trim_matches(['[', ']']), self.port)
            .to_socket_addrs()
            .map_err(|e| e.to_string())?
            .next()
            .ok_or("no address")?;
        let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(5))
            .map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .map_err(|e| e.to_string())?;
        // HTTP/1.0: the server closes the connection after the body, so
        // reading to the end is reading the whole response.
        write!(
            stream,
            "GET {path} HTTP/1.0\r\nHost: {}:{}\r\nAuthorization: Bearer {}\r\n\r\n",
            self.host, self.port, self.token
        )
        .map_err(|e| e.to_string())?;
        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .map_err(|e| e.to_string())?;
        let end = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or("no end of headers")?;
        let head = String::from_utf8_lossy(&response[..end]);
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("no status in {head:?}"))?;
        Ok((status, response[end + 4..].to_vec()))
    }
}
