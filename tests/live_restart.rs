//! Against the live authentik of `scripts/live-server`, when things go wrong
//! on the server's side: it restarts while a hundred calls are in flight,
//! and the token a client uses is revoked and replaced mid-run.
//!
//! Every call either succeeds or fails with a typed error within its
//! timeout, the same `Client` works again once the server does, and no
//! request is sent more often than the retry policy allows: a middleware
//! logs every request that leaves the client, by a call id each call sends
//! as a header. The two tests take turns (one restarts the server the other
//! would be using); they skip without a server and fail with CI set.

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use authentik_client::apis::stages::InvitationInvitationsListParams;
use authentik_client::runtime::{Auth, Request};
use authentik_client::{Client, Error, RetryPolicy};
use http::Extensions;
use reqwest_middleware::reqwest::{Method, Response};
use reqwest_middleware::{Middleware, Next};
use test_support::{live, workspace};

/// The header each call carries its id in.
const CALL_ID: &str = "x-test-call";

/// Each call's timeout, for every attempt: the client's default. A call
/// that gives up sooner leaves authentik working on it, and its retry adds
/// to the load of a server that is starting (authentik 2025.6 keeps a
/// database connection per request it has worked on at once, and with
/// retries piling up on a slow start it ran out of PostgreSQL's 300).
const TIMEOUT: Duration = Duration::from_secs(30);

/// Retries of idempotent calls: transport failures, 429, 502-504.
const RETRIES: u32 = 2;

/// One test at a time (an async lock: each holds it across its calls).
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Every request that left the client, by call id.
#[derive(Clone, Default)]
struct Sent(Arc<Mutex<BTreeMap<String, usize>>>);

#[async_trait::async_trait]
impl Middleware for Sent {
    async fn handle(
        &self,
        request: reqwest_middleware::reqwest::Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        if let Some(id) = request.headers().get(CALL_ID) {
            let id = id.to_str().unwrap_or("?").to_string();
            *self.0.lock().expect("sent").entry(id).or_default() += 1;
        }
        next.run(request, extensions).await
    }
}

impl Sent {
    /// How many times the call with `id` was sent.
    fn times(&self, id: &str) -> usize {
        self.0.lock().expect("sent").get(id).copied().unwrap_or(0)
    }
}

/// A client of the live server whose requests `sent` logs.
fn client(server: &live::Server, sent: &Sent, token: Arc<RwLock<String>>) -> Client {
    let http = authentik_client::http_client_builder()
        .build()
        .expect("reqwest");
    let stack = reqwest_middleware::ClientBuilder::new(http)
        .with(sent.clone())
        .build();
    Client::builder(&server.url)
        .token_source(move || token.read().expect("token").clone())
        .middleware_client(stack)
        .timeout(Some(TIMEOUT))
        .retry(RetryPolicy::idempotent(RETRIES))
        .build()
        .expect("client")
}

/// The longest a call may take: every attempt its whole timeout, and the
/// waits between them (200 ms, 400 ms), with a second to spare.
fn longest_call() -> Duration {
    TIMEOUT * (RETRIES + 1) + Duration::from_millis(1600)
}

/// Lists invitations as call `id`: what it came to and how long it took.
async fn list(client: &Client, id: &str) -> (Result<(), Error>, Duration) {
    let started = Instant::now();
    let result = client
        .stages()
        .invitation_invitations_list(&InvitationInvitationsListParams::default())
        .header(CALL_ID, id)
        .await
        .map(drop);
    (result, started.elapsed())
}

/// What a failed call must be: typed, named after its operation, in time.
fn check_failure(error: &Error, took: Duration) {
    assert_eq!(
        error.operation(),
        "stages_invitation_invitations_list",
        "{error:?}"
    );
    assert!(took <= longest_call(), "a call took {took:?}: {error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "restarts the live authentik (about a minute); run with --include-ignored (the README's test command does)"]
async fn a_restart_with_a_hundred_calls_in_flight_costs_no_client() {
    let _turn = SERIAL.lock().await;
    let Some(server) = live::Server::find() else {
        return;
    };
    let sent = Sent::default();
    let client = client(&server, &sent, Arc::new(RwLock::new(server.token.clone())));
    let (_, took) = list(&client, "warm-up").await;
    assert!(took < TIMEOUT, "the server answers before the restart");

    // A hundred calls start together, and the restart begins while they are
    // in flight; while it runs, one more call a second, on the same client.
    let began = Instant::now();
    let call = |id: String| {
        let client = client.clone();
        tokio::spawn(async move {
            let started = began.elapsed();
            let (result, took) = list(&client, &id).await;
            Outcome {
                id,
                started,
                took,
                result,
            }
        })
    };
    let hundred: Vec<_> = (0..100).map(|n| call(format!("in-flight-{n}"))).collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let restart_began = began.elapsed();
    let restart = tokio::task::spawn_blocking(|| {
        Command::new(workspace().join("scripts/live-server"))
            .arg("restart")
            .current_dir(workspace())
            .status()
            .expect("scripts/live-server runs")
    });
    let mut during = Vec::new();
    while !restart.is_finished() {
        during.push(call(format!("during-{}", during.len())));
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let status = restart.await.expect("the restart ran");
    assert!(status.success(), "scripts/live-server restart failed");

    let (mut in_flight, mut failures) = (0, BTreeMap::<String, usize>::new());
    let calls = hundred.len() + during.len();
    for task in hundred.into_iter().chain(during) {
        let outcome = task.await.expect("a call ran");
        let times = sent.times(&outcome.id);
        assert!(
            times <= 1 + RETRIES as usize,
            "{} sent {times} times",
            outcome.id
        );
        if outcome.started < restart_began && outcome.started + outcome.took > restart_began {
            in_flight += 1;
        }
        if let Err(error) = &outcome.result {
            check_failure(error, outcome.took);
            let kind = match error {
                Error::Transport(_) => "transport".to_string(),
                Error::Timeout(_) => "timeout".to_string(),
                other => format!("status {:?}", other.status()),
            };
            *failures.entry(kind).or_default() += 1;
        }
    }
    eprintln!(
        "{calls} calls, {in_flight} in flight when the restart began; failures by kind: {failures:?}"
    );
    assert!(
        in_flight >= 50,
        "only {in_flight} calls were in flight when the restart began"
    );

    // The server is back: the same client, its pool full of connections the
    // old server closed, works again.
    for n in 0..10 {
        let id = format!("after-{n}");
        let (result, _) = list(&client, &id).await;
        result.unwrap_or_else(|error| panic!("{id}, after the restart: {error}"));
    }
}

/// One call of the restart test.
struct Outcome {
    id: String,
    /// When it started, from the start of the test.
    started: Duration,
    took: Duration,
    result: Result<(), Error>,
}

/// Sends a request the generated client has no operation for (the embedded
/// schema lists only invitation and user-write endpoints) with the admin
/// client, and decodes its JSON answer.
async fn admin(
    client: &Client,
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> serde_json::Value {
    let mut request = Request::new(
        method,
        path.to_string(),
        "application/json",
        Auth::Token("Bearer"),
    );
    if let Some(body) = &body {
        request.json(body);
    }
    let response = client
        .execute(request)
        .await
        .expect("the admin request is answered");
    assert!(
        (200..300).contains(&response.status()),
        "{path}: {}",
        response.status()
    );
    response
        .json_if_any()
        .expect("JSON")
        .unwrap_or(serde_json::Value::Null)
}

/// Makes an API token for the admin user, and returns its key.
async fn new_token(admin_client: &Client, user: i64, identifier: &str) -> String {
    admin(
        admin_client,
        Method::POST,
        "/core/tokens/",
        Some(serde_json::json!({"identifier": identifier, "intent": "api", "user": user, "expiring": false})),
    )
    .await;
    let key = admin(
        admin_client,
        Method::GET,
        &format!("/core/tokens/{identifier}/view_key/"),
        None,
    )
    .await;
    key["key"].as_str().expect("a key").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "makes and revokes tokens on the live authentik; run with --include-ignored (the README's test command does)"]
async fn a_revoked_token_is_a_typed_error_sent_once_and_its_replacement_works() {
    let _turn = SERIAL.lock().await;
    let Some(server) = live::Server::find() else {
        return;
    };
    let admin_client = Client::new(&server.url, &server.token).expect("admin client");
    let me = admin(&admin_client, Method::GET, "/core/users/me/", None).await;
    let user = me["user"]["pk"].as_i64().expect("the admin's pk");
    let stamp = std::process::id();
    let (old, new) = (format!("revoked-{stamp}"), format!("replacement-{stamp}"));
    let token = Arc::new(RwLock::new(new_token(&admin_client, user, &old).await));
    let sent = Sent::default();
    let client = client(&server, &sent, Arc::clone(&token));

    let (before, _) = list(&client, "before").await;
    before.expect("the token works before it is revoked");
    admin(
        &admin_client,
        Method::DELETE,
        &format!("/core/tokens/{old}/"),
        None,
    )
    .await;

    // Twenty calls with the revoked token, ten at a time.
    let revoked: Vec<_> = (0..20)
        .map(|call| {
            let client = client.clone();
            tokio::spawn(async move {
                let id = format!("revoked-{call}");
                let (result, took) = list(&client, &id).await;
                (id, result, took)
            })
        })
        .collect();
    for task in revoked {
        let (id, result, took) = task.await.expect("a call ran");
        let error = result.expect_err("a revoked token is refused");
        check_failure(&error, took);
        assert_eq!(error.status(), Some(403), "{error:?}");
        assert!(error.to_string().contains("403"), "{error}");
        // A refusal is not transient: sent once, never retried.
        assert_eq!(sent.times(&id), 1, "{id}");
    }

    // The replacement, picked up by the next call of the same client.
    *token.write().expect("token") = new_token(&admin_client, user, &new).await;
    for call in 0..10 {
        let id = format!("replaced-{call}");
        let (result, _) = list(&client, &id).await;
        result.unwrap_or_else(|error| panic!("{id} with the new token: {error}"));
        assert_eq!(sent.times(&id), 1, "{id}");
    }
    admin(
        &admin_client,
        Method::DELETE,
        &format!("/core/tokens/{new}/"),
        None,
    )
    .await;
}
