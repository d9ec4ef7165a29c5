use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, COOKIE};

use super::credential::{Credential, Token};
use super::error::{Failure, RequestError, TooLargeError, TransportError};
use super::middleware::{self, Http};
use super::request::{Auth, Body, Request, Response};
use super::trace::CallTrace;

/// The path prefix every operation path is relative to (`/api/v3`).
const API_PREFIX: &str = super::super::API_PREFIX;

/// The timeout for a whole request unless [`ClientBuilder::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long an idle connection is kept for reuse: under the 5 s keep-alive
/// timeout common in Python and Node servers.
pub const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(4);

/// The largest response body read unless [`ClientBuilder::max_response_bytes`]
/// says otherwise.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;

/// A connection to one authentik instance: base URL, credentials, and a
/// pooled HTTP client. Cheap to clone and safe to share between tasks; every
/// clone uses the same connections.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: Http,
    base: String,
    credential: Option<Credential>,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    max_response_bytes: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base)
            .field("token", &self.inner.credential)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// When to send a request again after it failed. Off by default.
///
/// Only idempotent methods (GET, PUT, DELETE, HEAD, OPTIONS) are retried,
/// unless [`RetryPolicy::non_idempotent`] says so: repeating a POST or PATCH
/// can apply it twice. A request is retried after a transport failure (the
/// connection refused, reset or closed early, or a timeout), or a 429, 502,
/// 503 or 504 response; streamed uploads are never retried. Waits double
/// from `base_delay`, up to `max_delay`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0: never retry).
    pub max_retries: u32,
    /// The wait before the first retry.
    pub base_delay: Duration,
    /// The longest wait between attempts.
    pub max_delay: Duration,
    /// Retry POST and PATCH as well.
    pub non_idempotent: bool,
}

impl RetryPolicy {
    /// No retries.
    pub const NONE: Self = Self {
        max_retries: 0,
        base_delay: Duration::from_millis(200),
        max_delay: Duration::from_secs(5),
        non_idempotent: false,
    };

    /// `max_retries` retries of idempotent requests, waiting 200 ms, 400 ms, ...
    /// up to 5 s.
    pub fn idempotent(max_retries: u32) -> Self {
        Self {
            max_retries,
            ..Self::NONE
        }
    }

    fn allows(&self, method: &reqwest::Method) -> bool {
        use reqwest::Method;
        self.non_idempotent
            || [Method::GET, Method::PUT, Method::DELETE, Method::HEAD, Method::OPTIONS].contains(method)
    }

    fn delay(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt).unwrap_or(u32::MAX);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::NONE
    }
}

/// Configures a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    api_prefix: String,
    credential: Option<Result<Credential, RequestError>>,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    // With the `middleware` feature, a client with middleware; the field is
    // the middleware module's to set.
    pub(super) http: Option<Http>,
    user_agent: String,
    retry: RetryPolicy,
    max_response_bytes: usize,
}

impl Client {
    /// A client for the instance at `base_url` that authenticates with
    /// `token`. `https://authentik.example.com` and
    /// `https://authentik.example.com/api/v3` both work.
    pub fn new(base_url: impl Into<String>, token: impl Into<String>) -> Result<Self, RequestError> {
        Self::builder(base_url).token(token).build()
    }

    /// Starts configuring a client for the instance at `base_url`.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        install_crypto_provider();
        ClientBuilder {
            base_url: base_url.into(),
            api_prefix: API_PREFIX.to_string(),
            credential: None,
            timeout: Some(DEFAULT_TIMEOUT),
            connect_timeout: Duration::from_secs(10),
            http: None,
            user_agent: concat!("authentik-rs/", env!("CARGO_PKG_VERSION")).to_string(),
            retry: RetryPolicy::NONE,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// The API's base URL, the `/api/v3` prefix included.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// Sends a request built by an operation and reads the whole response.
    /// Operations call this; it is public for requests the schema does not
    /// describe.
    pub async fn execute(&self, request: Request) -> Result<Response, Failure> {
        let operation = request.operation;
        let trace = CallTrace::start(operation, &request.method, request.template);
        match trace.run(self.attempts(request, &trace)).await {
            Ok(response) => Ok(response.in_operation(operation)),
            Err(failure) => Err(failure.in_operation(operation)),
        }
    }

    /// Sends the request, and again while the retry policy allows and the
    /// answer is transient; `trace` hears of each retry and of the end.
    async fn attempts(&self, request: Request, trace: &CallTrace) -> Result<Response, Failure> {
        // A token sent in the query string is part of the URL, which
        // reqwest's errors repeat: those must leave the URL out.
        let secret_url =
            self.inner.credential.is_some() && matches!(request.auth, Auth::QueryKey(_));
        let retry = request.retry.unwrap_or(self.inner.retry);
        let mut attempt = 0;
        let mut pending = match self.build(request) {
            Ok(pending) => pending,
            Err(failure) => {
                let outcome = Err(failure);
                trace.finish(attempt, &outcome);
                return outcome;
            }
        };
        loop {
            let again = if attempt < retry.max_retries && retry.allows(pending.method()) {
                pending.try_clone()
            } else {
                None
            };
            let outcome = self.send(pending, secret_url).await;
            let transient = match &outcome {
                Ok(response) => matches!(response.status(), 429 | 502 | 503 | 504),
                // Refused, reset, cut short or timed out: nothing came back
                // that says the request failed for good.
                Err(Failure::Transport(_)) => true,
                Err(_) => false,
            };
            let (Some(again), true) = (again, transient) else {
                trace.finish(attempt + 1, &outcome);
                return outcome;
            };
            let delay = retry.delay(attempt);
            trace.retry(attempt + 1, &outcome, delay);
            tokio::time::sleep(delay).await;
            attempt += 1;
            pending = again;
        }
    }

    /// Sends a request built by an operation: a 2xx response comes back to
    /// be decoded as the operation's success response, whichever 2xx the
    /// schema declares (authentik answers 200 where its schema says 204, and
    /// 201 where it says 200); any other is handed to `error`, the
    /// operation's table of declared error bodies. Generic over the error
    /// type only, so every operation shares one copy of it.
    pub async fn call<E: From<Failure>>(
        &self,
        request: Request,
        error: fn(Response) -> E,
    ) -> Result<Response, E> {
        let response = self.execute(request).await?;
        if (200..300).contains(&response.status()) {
            Ok(response)
        } else {
            Err(error(response))
        }
    }

    fn build(&self, request: Request) -> Result<reqwest::Request, Failure> {
        let Request {
            operation: _,
            template: _,
            method,
            path,
            mut query,
            headers,
            mut cookies,
            body,
            accept,
            auth,
            invalid,
            timeout,
            retry: _,
        } = request;
        if let Some(error) = invalid {
            return Err(error.into());
        }
        // A path parameter of `.` or `..` would be resolved away by the URL
        // parser and change the route: refuse it.
        if path.split('/').any(|segment| segment == "." || segment == "..") {
            return Err(RequestError::new(format!(
                "the path `{path}` has a `.` or `..` segment, which would change the route"
            ))
            .into());
        }
        let token = self.inner.credential.as_ref().map(Credential::current).transpose()?;
        if let Some(token) = &token {
            let mut key = Request::new(method.clone(), String::new(), "", Auth::None);
            match auth {
                Auth::QueryKey(name) => {
                    key.query(name, token.secret());
                    if !query.is_empty() {
                        query.push('&');
                    }
                    query.push_str(&key.query);
                }
                Auth::CookieKey(name) => {
                    key.cookie(name, token.secret());
                    if !cookies.is_empty() {
                        cookies.push_str("; ");
                    }
                    cookies.push_str(&key.cookies);
                }
                Auth::None | Auth::Token(_) | Auth::HeaderKey(_) => {}
            }
        }
        let mut url = String::with_capacity(self.inner.base.len() + path.len() + query.len() + 1);
        url.push_str(&self.inner.base);
        url.push_str(&path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        let url = reqwest::Url::parse(&url)
            .map_err(|e| RequestError::new(format!("`{url}` is not a valid URL: {e}")))?;

        let mut builder = self.inner.http.request(method, url).headers(headers);
        if !accept.is_empty() {
            builder = builder.header(ACCEPT, HeaderValue::from_static(accept));
        }
        if !cookies.is_empty() {
            let value = HeaderValue::from_str(&cookies)
                .map_err(|_| RequestError::new("a cookie parameter cannot be sent as a header"))?;
            builder = builder.header(COOKIE, value);
        }
        if let Some(token) = &token {
            let header = match auth {
                Auth::Token(scheme) => Some(("authorization", format!("{scheme} {}", token.secret()))),
                Auth::HeaderKey(name) => Some((name, token.secret().to_owned())),
                Auth::None | Auth::QueryKey(_) | Auth::CookieKey(_) => None,
            };
            if let Some((name, value)) = header {
                let name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| RequestError::new(format!("`{name}` is not a valid header name")))?;
                let mut value = HeaderValue::from_str(&value)
                    .map_err(|_| RequestError::new("the token cannot be sent in a header"))?;
                value.set_sensitive(true);
                builder = builder.header(name, value);
            }
        }
        builder = match body {
            Body::None => builder,
            Body::Bytes { content_type, bytes } => builder
                .header(CONTENT_TYPE, HeaderValue::from_static(content_type))
                .body(bytes),
            Body::Multipart(form) => builder.multipart(form.into_form().map_err(RequestError::new)?),
        };
        if let Some(timeout) = timeout.or(self.inner.timeout) {
            builder = builder.timeout(timeout);
        }
        builder
            .build()
            .map_err(|e| RequestError::new(format!("the request cannot be built: {e}")).into())
    }

    /// Sends one attempt and reads the whole body; with `secret_url`,
    /// transport errors leave the URL out.
    async fn send(&self, request: reqwest::Request, secret_url: bool) -> Result<Response, Failure> {
        let hide = |error| TransportError::from_reqwest(error, secret_url);
        let mut response = middleware::execute(&self.inner.http, request, secret_url).await?;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let limit = self.inner.max_response_bytes;
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(hide)? {
            if body.len() + chunk.len() > limit {
                return Err(TooLargeError::new(status, limit).into());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response::new(status, headers, body.into()))
    }
}

impl ClientBuilder {
    /// The path prefix of the API under the base URL (default: the
    /// schema's, `/api/v3`). Set it when a proxy mounts the API elsewhere,
    /// or to `""` for a mock server that serves the paths at its root.
    pub fn api_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.api_prefix = prefix.into().trim_end_matches('/').to_string();
        self
    }

    /// The API token (Admin interface, Directory, Tokens and App passwords).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.credential = Some(Token::new(token.into()).map(Credential::Fixed));
        self
    }

    /// Asks `source` for the token before each call, in place of a fixed
    /// token: for tokens that rotate (have it read a value a refresh task
    /// keeps current; it must not block). Retries of one call reuse the
    /// token it was sent with. A token a header cannot carry (empty, or
    /// with a space or line break) fails that call with a request error,
    /// unsent; the token never appears in `Debug` output or errors.
    pub fn token_source(mut self, source: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.credential = Some(Ok(Credential::Callback(Arc::new(source))));
        self
    }

    /// How long a whole request may take, from connecting to the last byte
    /// of the response (default 30 s); `None` waits forever.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long connecting may take (default 10 s). Ignored with
    /// [`ClientBuilder::http_client`], which brings its own.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Uses this HTTP client (for proxies, custom TLS roots, default
    /// headers) instead of building one. Start it from
    /// [`http_client_builder`]: this crate builds reqwest without a bundled
    /// TLS crypto provider, and that function installs one. For
    /// `reqwest-middleware`'s client, the crate's `middleware` feature adds
    /// `ClientBuilder::middleware_client`.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(middleware::from_reqwest(client));
        self
    }

    /// The `User-Agent` of a client this builder builds.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// When to retry (default: never).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest response body to accept (default 256 MiB); a larger one
    /// is an error instead of exhausting memory.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, RequestError> {
        let base = normalize_base(&self.base_url, &self.api_prefix)?;
        let credential = self.credential.transpose()?;
        let http = match self.http {
            Some(http) => http,
            None => middleware::from_reqwest(
                http_client_builder()
                    // Servers that close idle keep-alive connections after 5 s
                    // (uvicorn, Node) reset a request sent on one as it closes:
                    // drop idle connections first.
                    .pool_idle_timeout(POOL_IDLE_TIMEOUT)
                    .connect_timeout(self.connect_timeout)
                    .user_agent(self.user_agent)
                    .build()
                    .map_err(|e| RequestError::new(format!("the HTTP client cannot be built: {e}")))?,
            ),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                credential,
                timeout: self.timeout,
                retry: self.retry,
                max_response_bytes: self.max_response_bytes,
            }),
        })
    }
}

/// A `reqwest::ClientBuilder` ready for TLS: reqwest is built without a
/// bundled crypto provider, so this installs ring's as the process default
/// (keeping one the application installed already).
pub fn http_client_builder() -> reqwest::ClientBuilder {
    install_crypto_provider();
    reqwest::Client::builder()
}

fn install_crypto_provider() {
    // Ring needs no CMake and no C toolchain beyond `cc`, unlike reqwest's
    // default provider (aws-lc). An error means a provider is installed
    // already; that one stays, so an application that wants post-quantum key
    // exchange installs aws-lc-rs's provider before building a client.
    // rustls 0.23.48 deprecates ring's provider for lacking post-quantum
    // key exchange; it is still supported, and the choice is documented.
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    let _ = provider.install_default();
}

/// `https://host`, `https://host/`, `https://host/api/v3/` all become
/// `https://host/api/v3`.
fn normalize_base(base_url: &str, prefix: &str) -> Result<String, RequestError> {
    let trimmed = base_url.trim().trim_end_matches('/');
    let url = reqwest::Url::parse(trimmed)
        .map_err(|e| RequestError::new(format!("`{base_url}` is not a valid base URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(RequestError::new(format!("`{base_url}` must be an http or https URL")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(RequestError::new(format!(
            "`{base_url}` must not have a query or fragment"
        )));
    }
    let mut base = trimmed.to_string();
    if !prefix.is_empty() && !base.ends_with(prefix) {
        base.push_str(prefix);
    }
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_get_the_prefix_once() {
        let with = |prefix: &str| format!("https://a.example{prefix}");
        let normalize = |url: &str| normalize_base(url, "/api/v3");
        assert_eq!(normalize("https://a.example").as_deref(), Ok(with("/api/v3").as_str()));
        assert_eq!(normalize("https://a.example/").as_deref(), Ok(with("/api/v3").as_str()));
        assert_eq!(normalize("https://a.example/api/v3/").as_deref(), Ok(with("/api/v3").as_str()));
        assert_eq!(normalize_base("https://a.example/", "").as_deref(), Ok("https://a.example"));
        assert!(normalize("ftp://a.example").is_err());
        assert!(normalize("not a url").is_err());
    }

    #[test]
    fn tokens_with_line_breaks_are_refused_and_never_printed() {
        let error = Client::builder("https://a.example").token("abc\r\nX-Evil: 1").build();
        assert!(error.is_err());
        let client = Client::new("https://a.example", "s3cret-token").expect("builds");
        let printed = format!("{client:?}");
        assert!(!printed.contains("s3cret-token"), "{printed}");
        assert!(printed.contains("<redacted>"));
    }

    #[test]
    fn retry_waits_double_up_to_the_cap() {
        let policy = RetryPolicy::idempotent(5);
        assert_eq!(policy.delay(0), Duration::from_millis(200));
        assert_eq!(policy.delay(2), Duration::from_millis(800));
        assert_eq!(policy.delay(10), Duration::from_secs(5));
        assert!(policy.allows(&reqwest::Method::GET));
        assert!(!policy.allows(&reqwest::Method::POST));
    }
}
