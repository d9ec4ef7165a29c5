use std::future::Future;
use std::time::{Duration, Instant};

use reqwest::Method;
use tracing::field::Empty;
use tracing::Instrument as _;

use super::error::Failure;
use super::request::Response;

/// The span of one call, from the first attempt to the last byte of the
/// answer.
///
/// A `tracing` span's name is fixed where the macro stands, so every span
/// is named `authentik.call`; the operation is its `otel.name` (which
/// OpenTelemetry exporters use as the span's name) and its `operation`
/// field. The path is the template (`/core/users/{id}/`), never the filled
/// path, query or headers: no token and no body is ever recorded.
pub(super) struct CallTrace {
    span: tracing::Span,
    started: Instant,
}

impl CallTrace {
    /// Opens the span of a call.
    pub(super) fn start(operation: &'static str, method: &Method, template: &'static str) -> Self {
        let span = tracing::info_span!(
            "authentik.call",
            otel.name = operation,
            operation = operation,
            http.request.method = method.as_str(),
            http.route = template,
            http.response.status_code = Empty,
            error = Empty,
            attempts = Empty,
            duration_ms = Empty,
        );
        Self {
            span,
            started: Instant::now(),
        }
    }

    /// Runs the call's future inside the span.
    pub(super) fn run<F: Future>(&self, future: F) -> impl Future<Output = F::Output> {
        future.instrument(self.span.clone())
    }

    /// An event for a retry: the attempt that failed, why, and the wait
    /// before the next.
    pub(super) fn retry(&self, attempt: u32, outcome: &Result<Response, Failure>, delay: Duration) {
        let cause = match outcome {
            Ok(response) => format!("status {}", response.status()),
            Err(failure) => failure_kind(failure).to_string(),
        };
        tracing::info!(
            parent: &self.span,
            attempt,
            cause = cause.as_str(),
            delay_ms = millis(delay),
            "retrying"
        );
    }

    /// Records how the call ended: status or error, attempts, duration.
    pub(super) fn finish(&self, attempts: u32, outcome: &Result<Response, Failure>) {
        match outcome {
            Ok(response) => self.span.record("http.response.status_code", response.status()),
            Err(failure) => self.span.record("error", failure_kind(failure)),
        };
        self.span.record("attempts", attempts);
        self.span.record("duration_ms", millis(self.started.elapsed()));
    }
}

/// What kind of failure ended an attempt: a word, never a message, which
/// could carry a URL.
fn failure_kind(failure: &Failure) -> &'static str {
    match failure {
        Failure::Request(_) => "request",
        Failure::Transport(error) if error.is_timeout() => "timeout",
        Failure::Transport(_) => "transport",
        Failure::Decode(_) => "decode",
        Failure::TooLarge(_) => "too large",
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
