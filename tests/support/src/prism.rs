//! Stoplight Prism, the mock server the wire tests talk to.
//!
//! Prism is installed from `tests/mock/package.json` (`npm ci --prefix
//! tests/mock`; scripts/test-all and .ci/run do it). It serves the schema
//! with the generator's overrides applied, so the mock follows the same
//! contract as the client. A request that does not match the schema gets
//! an error status (the operation's declared 400, or 422) instead of a mock
//! answer; with `check_answers` (Prism's `--errors`), so does a generated
//! answer that breaks the schema, which Prism produces for `oneOf` members
//! that overlap.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running Prism; stopped when dropped.
pub struct Prism {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    log: PathBuf,
}

impl Prism {
    /// Starts Prism on `schema`; `None` (outside CI) when Prism is not installed.
    pub fn start(schema: &Path, name: &str, check_answers: bool) -> Option<Self> {
        let prism = crate::workspace().join("tests/mock/node_modules/.bin/prism");
        if !prism.is_file() {
            assert!(
                std::env::var_os("CI").is_none(),
                "Prism is not installed and CI is set: run `npm ci --prefix tests/mock`"
            );
            eprintln!("skipping: Prism is not installed (npm ci --prefix tests/mock)");
            return None;
        }
        let port = free_port();
        let log = std::env::temp_dir().join(format!("authentik-rs-prism-{name}-{port}.log"));
        let log_file = std::fs::File::create(&log).expect("create Prism log");
        let mut command = Command::new(&prism);
        command.arg("mock");
        if check_answers {
            command.arg("--errors");
        }
        let child = command
            .args(["--host", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .arg(schema)
            .stdout(Stdio::from(log_file.try_clone().expect("log handle")))
            .stderr(Stdio::from(log_file))
            .spawn()
            .expect("Prism starts");
        let prism = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        };
        prism.wait_until_listening(port);
        Some(prism)
    }

    fn wait_until_listening(&self, port: u16) {
        let deadline = Instant::now() + Duration::from_secs(180);
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        while Instant::now() < deadline {
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        panic!("Prism did not start within 180 s:\n{}", self.log_tail());
    }

    /// The end of Prism's log, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("Prism's log ({}):\n{}", self.log.display(), self.log_tail());
        } else {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// Writes the schema with the generator's overrides applied, for Prism, to
/// a file of its own: Prism watches its schema and restarts when the file
/// changes, so two servers must never share one.
pub fn corrected_schema(schema: &Path, name: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let json = authentik_codegen::Generator::new(schema)
        .corrected_schema()
        .expect("the schema corrects");
    let unique = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!(
        "authentik-rs-{name}-{}-{unique}.json",
        std::process::id()
    ));
    std::fs::write(&path, json).expect("write the corrected schema");
    path
}
