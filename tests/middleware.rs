//! The generated crate's `middleware` feature: a client built on
//! reqwest-middleware's sends every request through the stack, a
//! middleware's own error is a typed transport error, and the client's
//! retries and a middleware's multiply, as the README says.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use std::error::Error as StdError;

use authentik_client::{Client, ClientBuilder, Error, RetryPolicy};
use http::Extensions;
use reqwest_middleware::reqwest::{header::HeaderValue, Request, Response};
use reqwest_middleware::{Middleware, Next};
use test_support::faults::{Behaviour, FaultServer};
use test_support::recorder::Recorder;

const UUID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

/// Stamps a request id on every request it passes on.
struct RequestId;

#[async_trait::async_trait]
impl Middleware for RequestId {
    async fn handle(
        &self,
        mut request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        request
            .headers_mut()
            .insert("x-request-id", HeaderValue::from_static("from-middleware"));
        next.run(request, extensions).await
    }
}

/// Refuses every request, as a circuit breaker that is open would.
struct Open;

#[async_trait::async_trait]
impl Middleware for Open {
    async fn handle(
        &self,
        _: Request,
        _: &mut Extensions,
        _: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        Err(reqwest_middleware::Error::middleware(
            std::io::Error::other("circuit open"),
        ))
    }
}

/// Sends each request up to twice while the answer is a 503, counting passes.
struct RetryOnce {
    passes: Arc<AtomicUsize>,
}

#[async_trait::async_trait]
impl Middleware for RetryOnce {
    async fn handle(
        &self,
        request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        self.passes.fetch_add(1, Ordering::SeqCst);
        let again = request.try_clone().expect("a GET clones");
        let response = next.clone().run(request, extensions).await?;
        if response.status() == 503 {
            return next.run(again, extensions).await;
        }
        Ok(response)
    }
}

/// A client of `url` whose requests pass through `middleware`, built as the
/// README shows.
fn client(url: &str, middleware: impl Middleware) -> Result<ClientBuilder, Box<dyn StdError>> {
    let token = "a-test-token";
    let http = authentik_client::http_client_builder().build()?;
    let stack = reqwest_middleware::ClientBuilder::new(http)
        .with(middleware)
        .build();
    Ok(Client::builder(url).token(token).middleware_client(stack))
}

#[tokio::test]
async fn every_request_goes_through_the_stack() {
    let recorder = Recorder::start(1, 204, "");
    let client = client(&recorder.url, RequestId)
        .and_then(|builder| Ok(builder.build()?))
        .expect("client");
    client
        .stages()
        .invitation_invitations_destroy(UUID.parse().expect("uuid"))
        .await
        .expect("deleted");
    let request = recorder.next();
    assert_eq!(request.header("x-request-id"), Some("from-middleware"));
    // What the client adds is there too: the middleware sees the whole request.
    assert_eq!(request.header("authorization"), Some("Bearer a-test-token"));
}

#[tokio::test]
async fn a_middlewares_own_error_is_a_transport_error_that_names_it() {
    let client = client("http://127.0.0.1:9", Open)
        .and_then(|builder| Ok(builder.build()?))
        .expect("client");
    let error = client
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .await
        .expect_err("the middleware refuses");
    let Error::Transport(transport) = &error else {
        panic!("not a transport error: {error:?}");
    };
    assert!(!transport.is_timeout() && !transport.is_connect());
    assert!(error.to_string().contains("circuit open"), "{error}");
}

#[tokio::test]
async fn the_clients_retries_and_a_middlewares_multiply() {
    // Three attempts of the client's policy, each of them a pass through a
    // middleware that sends twice: six requests reach the server.
    let server = FaultServer::start(vec![Behaviour::json(503, "{}"); 6]);
    let passes = Arc::new(AtomicUsize::new(0));
    let policy = RetryPolicy {
        base_delay: Duration::from_millis(1),
        ..RetryPolicy::idempotent(2)
    };
    let middleware = RetryOnce {
        passes: Arc::clone(&passes),
    };
    let client = client(&server.url, middleware)
        .and_then(|builder| Ok(builder.retry(policy).build()?))
        .expect("client");
    let error = client
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .await
        .expect_err("always unavailable");
    assert!(
        matches!(&error, Error::Status(status) if status.status() == 503),
        "{error:?}"
    );
    assert_eq!(passes.load(Ordering::SeqCst), 3);
    assert_eq!(server.requests(), 6);
}

#[tokio::test]
async fn a_timeout_under_the_middleware_is_still_a_timeout() {
    let server = FaultServer::start(vec![Behaviour::Stall]);
    let client = client(&server.url, RequestId)
        .and_then(|builder| Ok(builder.build()?))
        .expect("client");
    let error = client
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .timeout(Duration::from_millis(200))
        .await
        .expect_err("the server never answers");
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
}
