//! Calling a live server: the schema it serves, then every call of the
//! [`Plan`], a few at a time, each answer judged by [`decode::response`].
//!
//! Only GET requests leave this module. The HTTP stack is the generated
//! client's (reqwest with rustls and ring, the platform's certificate
//! roots), so a server the check reaches is one the client reaches.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;

use super::decode::{self, Verdict};
use super::plan::{Plan, PER_LIST};
use crate::error::{Error, ErrorKind};
use crate::ir::{Api, TypeKind};
use crate::load::Source;

/// Where authentik serves its API and its schema.
const API_PREFIX: &str = "/api/v3";

/// How many requests are in flight at once: enough to finish a seeded
/// server in seconds, few enough not to load a small one.
const IN_FLIGHT: usize = 4;

/// A server to check, reached and authenticated.
pub struct Server {
    /// The URL without a trailing slash or the API prefix.
    root: String,
    token: String,
    http: reqwest::blocking::Client,
    timeout: Duration,
}

/// One request the probe made and what became of it.
#[derive(Debug, Clone)]
pub struct Call {
    /// Index into [`Api::operations`].
    pub operation: usize,
    /// The request target: path (with the API prefix) and query.
    pub target: String,
    /// What the server answered.
    pub outcome: Outcome,
}

/// What a request came to.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The server answered.
    Answered {
        /// The HTTP status.
        status: u16,
        /// The body, as sent.
        body: Vec<u8>,
        /// What the generated client makes of it.
        verdict: Verdict,
    },
    /// The request failed before an answer (a timeout, a reset).
    Failed(String),
}

/// Everything a probe did.
#[derive(Debug, Clone, Default)]
pub struct Probe {
    /// The calls, in plan order: the direct ones, then each list's
    /// followers object by object.
    pub calls: Vec<Call>,
    /// How many GET operations the schema has.
    pub gets: usize,
    /// Followers not called because their list returned no object (or
    /// could not be read).
    pub unfollowed: Vec<usize>,
    /// GET operations the plan leaves out, with why.
    pub skipped: Vec<(usize, String)>,
}

impl Server {
    /// A server at `url` (`https://authentik.example.com`, with or without
    /// `/api/v3`), called with `token`; each request waits at most `timeout`.
    pub fn new(url: &str, token: String, timeout: Duration) -> Result<Self, Error> {
        let trimmed = url.trim().trim_end_matches('/');
        let parsed = reqwest::Url::parse(trimmed)
            .map_err(|e| server_error(format!("`{url}` is not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(server_error(format!("`{url}` is not an http or https URL")));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(server_error(format!(
                "`{url}` must not have a query or fragment"
            )));
        }
        if token.trim().is_empty() {
            return Err(server_error("the token is empty"));
        }
        // An error means a provider is installed already; that one stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .user_agent(concat!(
                "authentik-codegen/",
                env!("CARGO_PKG_VERSION"),
                " check-server"
            ))
            .build()
            .map_err(|e| server_error(format!("cannot set up HTTP: {}", chain(&e))))?;
        Ok(Self {
            root: trimmed.trim_end_matches(API_PREFIX).to_string(),
            token,
            http,
            timeout,
        })
    }

    /// The URL the server is known by in messages.
    pub fn url(&self) -> &str {
        &self.root
    }

    /// The schema the server serves at `/api/v3/schema/`. This is the
    /// first request, so it also proves the server is reachable, speaks
    /// TLS where the URL says so and accepts the token.
    pub fn schema(&self) -> Result<Source, Error> {
        let target = format!("{API_PREFIX}/schema/");
        let (status, body) = self.get(&target).map_err(server_error)?;
        self.first_answer(&target, status, &body)?;
        let text = String::from_utf8(body).map_err(|_| {
            server_error(format!(
                "{}{target} sent a schema that is not UTF-8",
                self.root
            ))
        })?;
        Ok(Source::new(format!("{}{target}", self.root), text))
    }

    /// Fails with one clear line when the first answer of a server shows it
    /// is not usable: a rejected token, or not an authentik at this URL.
    fn first_answer(&self, target: &str, status: u16, body: &[u8]) -> Result<(), Error> {
        let detail = || {
            let text = String::from_utf8_lossy(body);
            let line = text.lines().next().unwrap_or_default().trim().to_string();
            let mut short: String = line.chars().take(120).collect();
            if short.len() < line.len() {
                short.push_str("...");
            }
            short
        };
        match status {
            200..=299 => Ok(()),
            401 | 403 => Err(server_error(format!(
                "the server rejected the token: GET {}{target} answered {status} ({})",
                self.root,
                detail()
            ))),
            _ => Err(server_error(format!(
                "GET {}{target} answered {status} ({}): is this an authentik server?",
                self.root,
                detail()
            ))),
        }
    }

    /// Calls the plan for `api`; `progress(done, total)` after each call.
    /// With `check_first`, the first call alone goes first and must show a
    /// usable server (for a probe whose schema did not come from it).
    pub fn probe(
        &self,
        api: &Api,
        check_first: bool,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Probe, Error> {
        let plan = Plan::new(api);
        let total = plan.planned();
        let done = AtomicUsize::new(0);
        let tick = || progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
        let base = api.base_path.clone();
        let direct: Vec<(usize, String)> = plan
            .direct
            .iter()
            .map(|&op| (op, format!("{base}{}", api.operations[op].path)))
            .collect();
        let mut calls = Vec::new();
        let mut rest = direct.as_slice();
        if check_first {
            if let Some(((op, target), tail)) = rest.split_first() {
                let call = self.call(api, *op, target.clone());
                if let Outcome::Answered { status, body, .. } = &call.outcome {
                    self.first_answer(target, *status, body)?;
                } else if let Outcome::Failed(why) = &call.outcome {
                    return Err(server_error(why.clone()));
                }
                tick();
                calls.push(call);
                rest = tail;
            }
        }
        calls.extend(self.calls(api, rest, &tick));

        let mut followers = Vec::new();
        let mut unfollowed = Vec::new();
        for follow in &plan.follows {
            let TypeKind::Struct(item) = &api.ty(follow.item).kind else {
                continue;
            };
            let listed = calls
                .iter()
                .find(|c| c.operation == follow.list)
                .map(|c| listed_objects(&c.outcome))
                .unwrap_or_default();
            if listed.is_empty() {
                unfollowed.extend(follow.followers.iter().map(|f| f.operation));
                continue;
            }
            for object in &listed {
                for follower in &follow.followers {
                    let field = &item.fields[follower.field].wire_name;
                    let Some(id) = object.get(field).and_then(segment) else {
                        continue;
                    };
                    let op = &api.operations[follower.operation];
                    let param = &op.parameters[follower.param].wire_name;
                    let path = op.path.replace(&format!("{{{param}}}"), &id);
                    followers.push((follower.operation, format!("{base}{path}")));
                }
            }
        }
        calls.extend(self.calls(api, &followers, &tick));
        Ok(Probe {
            calls,
            gets: plan.gets(),
            unfollowed,
            skipped: plan.skipped,
        })
    }

    /// Calls each `(operation, target)`, [`IN_FLIGHT`] at a time; the
    /// result keeps the order of `jobs`.
    fn calls(&self, api: &Api, jobs: &[(usize, String)], tick: &(dyn Fn() + Sync)) -> Vec<Call> {
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<(usize, Call)>> = Mutex::new(Vec::with_capacity(jobs.len()));
        std::thread::scope(|scope| {
            for _ in 0..IN_FLIGHT.min(jobs.len()) {
                scope.spawn(|| loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some((op, target)) = jobs.get(index) else {
                        break;
                    };
                    let call = self.call(api, *op, target.clone());
                    tick();
                    results
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push((index, call));
                });
            }
        });
        let mut results = results
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        results.sort_by_key(|(index, _)| *index);
        results.into_iter().map(|(_, call)| call).collect()
    }

    fn call(&self, api: &Api, operation: usize, target: String) -> Call {
        let outcome = match self.get(&target) {
            Ok((status, body)) => Outcome::Answered {
                status,
                verdict: decode::response(api, &api.operations[operation], status, &body),
                body,
            },
            Err(why) => Outcome::Failed(why),
        };
        Call {
            operation,
            target,
            outcome,
        }
    }

    /// One GET; an error is one line that never holds the token. A
    /// connection that fails before an answer is tried twice more:
    /// authentik's gunicorn replaces each worker after about a thousand
    /// requests, resetting the connections it held, and a GET is safe to
    /// repeat. A timeout is not repeated.
    fn get(&self, target: &str) -> Result<(u16, Vec<u8>), String> {
        const ATTEMPTS: u32 = 3;
        let mut attempt = 1;
        loop {
            match self.get_once(target) {
                Err((_, true)) if attempt < ATTEMPTS => {
                    std::thread::sleep(Duration::from_millis(250 * u64::from(attempt)));
                    attempt += 1;
                }
                result => return result.map_err(|(error, _)| error),
            }
        }
    }

    /// One attempt at a GET; an error says whether another may succeed.
    fn get_once(&self, target: &str) -> Result<(u16, Vec<u8>), (String, bool)> {
        let url = format!("{}{target}", self.root);
        let failed = |e: reqwest::Error| {
            let retry = !e.is_timeout();
            (transport_error(&self.root, &url, &e, self.timeout), retry)
        };
        let response = self
            .http
            .get(&url)
            .bearer_auth(&self.token)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .map_err(failed)?;
        let status = response.status().as_u16();
        let body = response.bytes().map_err(failed)?;
        Ok((status, body.to_vec()))
    }
}

/// The first objects of a list response's `results`.
fn listed_objects(outcome: &Outcome) -> Vec<serde_json::Map<String, Value>> {
    let Outcome::Answered {
        status: 200..=299,
        body,
        ..
    } = outcome
    else {
        return Vec::new();
    };
    let Ok(Value::Object(mut page)) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let Some(Value::Array(results)) = page.remove("results") else {
        return Vec::new();
    };
    results
        .into_iter()
        .filter_map(|item| match item {
            Value::Object(object) => Some(object),
            _ => None,
        })
        .take(PER_LIST)
        .collect()
}

/// A JSON id as one path segment, encoded as the generated client encodes
/// path parameters: everything but RFC 3986's unreserved characters.
fn segment(value: &Value) -> Option<String> {
    let raw = match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        _ => return None,
    };
    let mut encoded = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    Some(encoded)
}

impl Probe {
    /// Writes every answer to `dir/responses.jsonl`, one JSON object per
    /// line (`operation`, `target`, `status`, `body`), in call order: what
    /// a bug report needs, and what the live suite replays to the client.
    pub fn save(&self, api: &Api, dir: &Path) -> Result<(), Error> {
        let io = |e: std::io::Error| {
            Error::general(
                ErrorKind::Io,
                format!("cannot save the responses in {}: {e}", dir.display()),
            )
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut out = String::new();
        for call in &self.calls {
            let Outcome::Answered { status, body, .. } = &call.outcome else {
                continue;
            };
            let body = match std::str::from_utf8(body) {
                Ok(text) => Value::String(text.to_string()),
                Err(_) => Value::Array(body.iter().map(|b| Value::from(*b)).collect()),
            };
            let line = serde_json::json!({
                "operation": api.operations[call.operation].id,
                "target": call.target,
                "status": status,
                "body": body,
            });
            out.push_str(&line.to_string());
            out.push('\n');
        }
        std::fs::write(dir.join("responses.jsonl"), out).map_err(io)
    }
}

fn server_error(message: impl Into<String>) -> Error {
    Error::general(ErrorKind::Server, message)
}

/// A transport failure in one line: what failed, where, and the innermost
/// cause, which is the one a person can act on.
fn transport_error(root: &str, url: &str, error: &reqwest::Error, timeout: Duration) -> String {
    let causes = chain(error);
    let lower = causes.to_lowercase();
    if error.is_timeout() {
        format!("GET {url}: no answer within {} s", timeout.as_secs())
    } else if lower.contains("certificate")
        || lower.contains("tls")
        || lower.contains("handshake")
        || lower.contains("corrupt message")
        || lower.contains("invalid content type")
    {
        format!("TLS with {root} failed: {}", innermost(error))
    } else if error.is_connect() {
        format!("cannot connect to {root}: {}", innermost(error))
    } else {
        format!("GET {url} failed: {causes}")
    }
}

/// An error and its sources, joined by `: `, each said once.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let line = cause.to_string();
        if !text.contains(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        source = cause.source();
    }
    text
}

/// The deepest cause of an error.
fn innermost(error: &dyn std::error::Error) -> String {
    let mut current: &dyn std::error::Error = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}
