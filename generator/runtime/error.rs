use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;

/// What went wrong below the level of the API: the request could not be
/// built or sent, or the response could not be read. The generated `Error`
/// turns each into its own variant.
#[derive(Debug)]
pub enum Failure {
    /// The request could not be built.
    Request(RequestError),
    /// No response arrived (connection, TLS, timeout).
    Transport(TransportError),
    /// A response arrived but its body is not what the operation declares.
    Decode(DecodeError),
    /// A response arrived with a body over the client's size limit.
    TooLarge(TooLargeError),
}

impl Failure {
    /// The same failure, naming the operation it befell.
    pub(super) fn in_operation(self, operation: &'static str) -> Self {
        match self {
            Self::Request(mut error) => {
                error.operation = operation;
                Self::Request(error)
            }
            Self::Transport(mut error) => {
                error.operation = operation;
                Self::Transport(error)
            }
            Self::Decode(mut error) => {
                error.inner.operation = operation;
                Self::Decode(error)
            }
            Self::TooLarge(mut error) => {
                error.operation = operation;
                Self::TooLarge(error)
            }
        }
    }
}

impl From<TooLargeError> for Failure {
    fn from(error: TooLargeError) -> Self {
        Self::TooLarge(error)
    }
}

impl From<RequestError> for Failure {
    fn from(error: RequestError) -> Self {
        Self::Request(error)
    }
}

impl From<TransportError> for Failure {
    fn from(error: TransportError) -> Self {
        Self::Transport(error)
    }
}

impl From<DecodeError> for Failure {
    fn from(error: DecodeError) -> Self {
        Self::Decode(error)
    }
}

/// The request could not be built from what the caller gave: an invalid base
/// URL, a header value with a line break, a path parameter that would change
/// the route, a body that does not serialize.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    message: String,
    operation: &'static str,
}

impl RequestError {
    /// An error with this explanation.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            operation: "",
        }
    }

    /// The operation whose request it was (its operationId; empty for a
    /// request not built by an operation).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid request: {}", self.message)
    }
}

impl std::error::Error for RequestError {}

/// A response whose body is larger than the client reads
/// (`ClientBuilder::max_response_bytes`): reading stopped at the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLargeError {
    status: u16,
    limit: usize,
    operation: &'static str,
}

impl TooLargeError {
    /// A response with `status` whose body went past `limit` bytes.
    pub fn new(status: u16, limit: usize) -> Self {
        Self {
            status,
            limit,
            operation: "",
        }
    }

    /// The operation whose response it was (its operationId; empty for a
    /// request not built by an operation).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The limit it went past, in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }
}

impl fmt::Display for TooLargeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the body of the status {} response exceeds {} bytes (see ClientBuilder::max_response_bytes)",
            self.status, self.limit
        )
    }
}

impl std::error::Error for TooLargeError {}

/// No (complete) response: the connection failed, TLS failed, the server
/// hung up, the configured timeout passed, or a middleware gave up.
#[derive(Debug)]
pub struct TransportError {
    source: Cause,
    operation: &'static str,
}

#[derive(Debug)]
enum Cause {
    Http(reqwest::Error),
    Other(Box<dyn std::error::Error + Send + Sync>),
}

impl TransportError {
    /// A failure that is not reqwest's: one a middleware returned.
    pub fn other(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self {
            source: Cause::Other(error.into()),
            operation: "",
        }
    }

    /// reqwest's error; with `secret_url` (a token travels in the query
    /// string), without the URL, which its message would repeat.
    pub(super) fn from_reqwest(error: reqwest::Error, secret_url: bool) -> Self {
        Self::from(if secret_url { error.without_url() } else { error })
    }

    /// The operation whose request it was (its operationId; empty for a
    /// request not built by an operation).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// Whether the configured timeout passed.
    pub fn is_timeout(&self) -> bool {
        matches!(&self.source, Cause::Http(error) if error.is_timeout())
    }

    /// Whether connecting failed (nothing was sent).
    pub fn is_connect(&self) -> bool {
        matches!(&self.source, Cause::Http(error) if error.is_connect())
    }

    fn cause(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        match &self.source {
            Cause::Http(error) => error,
            Cause::Other(error) => error.as_ref(),
        }
    }
}

impl From<reqwest::Error> for TransportError {
    fn from(source: reqwest::Error) -> Self {
        // The URL in reqwest's message carries no credentials: the token
        // travels in a header.
        Self {
            source: Cause::Http(source),
            operation: "",
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cause = self.cause();
        if self.is_timeout() {
            write!(f, "no response within the timeout: {cause}")?;
        } else {
            write!(f, "request failed: {cause}")?;
        }
        // reqwest's message stops at the first layer; the cause is deeper.
        let mut deeper = cause.source();
        while let Some(error) = deeper {
            write!(f, ": {error}")?;
            deeper = error.source();
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.cause())
    }
}

/// A response with a status the operation does not declare (a 404, a 502
/// from a proxy, ...), kept whole.
#[derive(Debug, Clone)]
pub struct StatusError {
    // Boxed: results that carry errors stay small.
    inner: Box<(u16, HeaderMap, Bytes, &'static str)>,
}

impl StatusError {
    /// Wraps a response.
    pub fn new(status: u16, headers: HeaderMap, body: Bytes) -> Self {
        Self {
            inner: Box::new((status, headers, body, "")),
        }
    }

    /// The same error, naming the operation whose response it is.
    pub(super) fn in_operation(mut self, operation: &'static str) -> Self {
        self.inner.3 = operation;
        self
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.inner.0
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.inner.1
    }

    /// The raw response body.
    pub fn body(&self) -> &[u8] {
        &self.inner.2
    }

    /// The operation whose response it is (its operationId; empty for a
    /// request not built by an operation).
    pub fn operation(&self) -> &'static str {
        self.inner.3
    }
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = reqwest::StatusCode::from_u16(self.status())
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        write!(f, "unexpected status {} {reason}", self.status())?;
        write_excerpt(f, self.body())
    }
}

impl std::error::Error for StatusError {}

/// A body that does not decode as the operation declares, with where in the
/// body decoding failed.
#[derive(Debug, Clone)]
pub struct DecodeError {
    // Boxed: results that carry errors stay small.
    inner: Box<Decode>,
}

#[derive(Debug, Clone)]
struct Decode {
    operation: &'static str,
    status: u16,
    path: String,
    message: String,
    body: Bytes,
}

impl DecodeError {
    /// A failure at `path` (serde's notation, `results[3].flow_obj`) in the
    /// body of a response with `status`.
    pub fn new(status: u16, path: impl Into<String>, message: impl Into<String>, body: Bytes) -> Self {
        Self {
            inner: Box::new(Decode {
                operation: "",
                status,
                path: path.into(),
                message: message.into(),
                body,
            }),
        }
    }

    /// The status of the response.
    pub fn status(&self) -> u16 {
        self.inner.status
    }

    /// The operation whose response it is (its operationId; empty for a
    /// request not built by an operation).
    pub fn operation(&self) -> &'static str {
        self.inner.operation
    }

    /// Where in the body decoding failed (`.` for the top level).
    pub fn path(&self) -> &str {
        &self.inner.path
    }

    /// What serde said.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The raw body.
    pub fn body(&self) -> &[u8] {
        &self.inner.body
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode the {} response at `{}`: {}",
            self.status(),
            self.path(),
            self.message()
        )?;
        write_excerpt(f, self.body())
    }
}

impl std::error::Error for DecodeError {}

/// The start of a body, for messages.
fn write_excerpt(f: &mut fmt::Formatter<'_>, body: &[u8]) -> fmt::Result {
    const LIMIT: usize = 200;
    if body.is_empty() {
        return f.write_str(" (empty body)");
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(LIMIT)]);
    let text = text.trim();
    let more = if body.len() > LIMIT { "..." } else { "" };
    write!(f, " (body: {text}{more})")
}
