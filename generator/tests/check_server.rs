//! `check-server` when the server cannot be used: a wrong URL, nothing
//! listening, a TLS failure, a rejected token, no answer. Each is one clear
//! line and exit status 2 within the timeout, never a panic, and the token
//! never appears in the output. (What it finds on a real authentik is
//! proven by the root package's live suite.)

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A token no output may contain.
const TOKEN: &str = "ak-check-server-test-token-5eb1c2d9";

fn check_server(url: &str, token: Option<&str>, extra: &[&str]) -> (Output, Duration) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_authentik-codegen"));
    command
        .args(["check-server", "--url", url, "--timeout", "2"])
        .args(extra)
        .env_remove("AUTHENTIK_TOKEN");
    if let Some(token) = token {
        command.env("AUTHENTIK_TOKEN", token);
    }
    let started = Instant::now();
    let output = command.output().expect("the binary runs");
    (output, started.elapsed())
}

/// The one error line, after checking the exit status and that nothing
/// else went wrong on the way.
fn error_line(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        !stdout.contains(TOKEN) && !stderr.contains(TOKEN),
        "the token leaked:\n{stderr}"
    );
    let errors: Vec<_> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert_eq!(stderr.lines().last(), Some(errors[0]), "{stderr}");
    errors[0].to_string()
}

/// A loopback server that answers every connection with `answer` (or
/// never answers, for `None`), on its own thread.
fn serve(answer: Option<&'static [u8]>) -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            match answer {
                Some(bytes) => {
                    let _ = stream.write_all(bytes);
                }
                // Keep the connection open and silent.
                None => held.push(stream),
            }
        }
    });
    port
}

#[test]
fn without_a_token_it_says_which_variable_to_set() {
    let (output, _) = check_server("http://127.0.0.1:9", None, &[]);
    assert!(error_line(&output).contains("set AUTHENTIK_TOKEN"));
}

#[test]
fn a_wrong_url_is_named() {
    let (output, _) = check_server("authentik.example.com", Some(TOKEN), &[]);
    assert!(
        error_line(&output).contains("`authentik.example.com` is not a URL"),
        "{output:?}"
    );
    let (output, _) = check_server("ftp://127.0.0.1/", Some(TOKEN), &[]);
    assert!(error_line(&output).contains("is not an http or https URL"));
}

#[test]
fn nothing_listening_is_a_connection_error() {
    let port = {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        listener.local_addr().expect("address").port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let (output, elapsed) = check_server(&url, Some(TOKEN), &[]);
    let line = error_line(&output);
    assert!(line.contains(&format!("cannot connect to {url}")), "{line}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[test]
fn a_server_that_does_not_speak_tls_is_a_tls_error() {
    let port = serve(Some(
        b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
    ));
    let url = format!("https://127.0.0.1:{port}");
    let (output, _) = check_server(&url, Some(TOKEN), &[]);
    let line = error_line(&output);
    assert!(line.contains(&format!("TLS with {url} failed")), "{line}");
}

#[test]
fn a_rejected_token_says_so() {
    let port = serve(Some(
        b"HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: 36\r\nConnection: close\r\n\r\n{\"detail\":\"Token invalid/expired\"}\r\n",
    ));
    let url = format!("http://127.0.0.1:{port}");
    let (output, _) = check_server(&url, Some(TOKEN), &[]);
    let line = error_line(&output);
    assert!(line.contains("the server rejected the token"), "{line}");
    assert!(line.contains("403"), "{line}");
}

#[test]
fn a_server_that_is_not_authentik_is_named() {
    let port = serve(Some(
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot here\n",
    ));
    let url = format!("http://127.0.0.1:{port}/");
    let (output, _) = check_server(&url, Some(TOKEN), &[]);
    let line = error_line(&output);
    assert!(
        line.contains("answered 404 (not here): is this an authentik server?"),
        "{line}"
    );
}

#[test]
fn a_silent_server_times_out() {
    let port = serve(None);
    let (output, elapsed) = check_server(&format!("http://127.0.0.1:{port}"), Some(TOKEN), &[]);
    let line = error_line(&output);
    assert!(line.contains("no answer within 2 s"), "{line}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}
