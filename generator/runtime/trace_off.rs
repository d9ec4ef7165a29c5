use std::future::Future;
use std::time::Duration;

use reqwest::Method;

use super::error::Failure;
use super::request::Response;

/// Tracing is off (the crate's `tracing` feature): the same calls as the
/// traced runtime, doing nothing, so the client's code has no conditions.
pub(super) struct CallTrace;

impl CallTrace {
    /// Nothing to open.
    pub(super) fn start(_: &'static str, _: &Method, _: &'static str) -> Self {
        Self
    }

    /// The future as it is.
    pub(super) fn run<F: Future>(&self, future: F) -> F {
        future
    }

    /// Nothing to record.
    pub(super) fn retry(&self, _: u32, _: &Result<Response, Failure>, _: Duration) {}

    /// Nothing to record.
    pub(super) fn finish(&self, _: u32, _: &Result<Response, Failure>) {}
}
