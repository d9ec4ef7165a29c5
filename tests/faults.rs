//! The client against a misbehaving server: every call returns a typed
//! error within the configured timeout (no panic, no hang), retries only
//! what is safe to retry, and never lets the token out.

use std::time::{Duration, Instant};

use authentik_client::types::InvitationRequest;
use authentik_client::{Client, Error, Nullable, RetryPolicy};
use test_support::faults::{Behaviour, FaultServer};

const UUID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const TOKEN: &str = "s3cret-token-that-must-not-leak";
const TIMEOUT: Duration = Duration::from_millis(800);
/// An invitation as the server sends it.
const INVITATION: &str = r#"{"pk": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "name": "x", "created_by": {"pk": 1, "username": "u", "name": "n", "uid": "i"}, "flow_obj": null}"#;

fn client(server: &FaultServer) -> Client {
    Client::builder(&server.url)
        .token(TOKEN)
        .timeout(Some(TIMEOUT))
        .build()
        .expect("client")
}

/// A client that retries as `policy` says, with the default timeout.
fn client_retrying(server: &FaultServer, policy: RetryPolicy) -> Client {
    Client::builder(&server.url)
        .token(TOKEN)
        .retry(policy)
        .build()
        .expect("client")
}

/// Calls one operation and checks what every failure must satisfy: it came
/// back in time, it names the operation, and neither its message nor its
/// debug form shows the token.
async fn retrieve(client: &Client) -> Error {
    let started = Instant::now();
    let error = client
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .await
        .expect_err("the server misbehaves");
    assert!(
        started.elapsed() < TIMEOUT + Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    let (shown, debug) = (error.to_string(), format!("{error:?}"));
    assert!(!shown.contains(TOKEN) && !debug.contains(TOKEN), "{debug}");
    // Whatever went wrong, the error says which operation it befell.
    let operation = "stages_invitation_invitations_retrieve";
    assert_eq!(error.operation(), operation, "{debug}");
    assert!(shown.starts_with(&format!("{operation}: ")), "{shown}");
    error
}

#[tokio::test]
async fn every_fault_is_a_typed_error_in_time() {
    let huge = format!(
        "{{\"pad\": \"{}\", {}",
        "x".repeat(8 * 1024 * 1024),
        &INVITATION[1..]
    );
    let server = FaultServer::start(vec![
        Behaviour::Close,
        Behaviour::HangUpMidBody {
            length: 10_000,
            sent: 100,
        },
        Behaviour::Stall,
        Behaviour::json(503, r#"{"detail": "maintenance"}"#),
        Behaviour::json(200, &INVITATION[..40]),
        Behaviour::Respond {
            status: 200,
            content_type: "text/html",
            body: b"<html>login</html>".to_vec(),
        },
        Behaviour::Respond {
            status: 200,
            content_type: "application/json",
            body: b"{\"name\": \"\xff\xfe\"}".to_vec(),
        },
        Behaviour::json(200, &huge),
    ]);
    let client = client(&server);

    let closed = retrieve(&client).await;
    assert!(matches!(closed, Error::Transport(_)), "{closed:?}");
    let cut = retrieve(&client).await;
    assert!(matches!(cut, Error::Transport(_)), "{cut:?}");
    let stalled = retrieve(&client).await;
    assert!(matches!(stalled, Error::Timeout(_)), "{stalled:?}");
    match retrieve(&client).await {
        Error::Status(status) => assert_eq!(status.status(), 503),
        other => panic!("{other:?}"),
    }
    for what in ["truncated JSON", "HTML", "invalid UTF-8"] {
        match retrieve(&client).await {
            Error::Decode(decode) => assert_eq!(decode.status(), 200, "{what}"),
            other => panic!("{what}: {other:?}"),
        }
    }
    // An 8 MB body decodes (unknown properties are skipped).
    let decoded = client
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .await
        .expect("a large body decodes");
    assert_eq!(decoded.name, "x");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_not_buffered() {
    let server = FaultServer::start(vec![Behaviour::json(200, &" ".repeat(2 * 1024 * 1024))]);
    let client = Client::builder(&server.url)
        .token(TOKEN)
        .max_response_bytes(1024 * 1024)
        .build()
        .expect("client");
    let error = retrieve(&client).await;
    let Error::TooLarge(too_large) = &error else {
        panic!("not TooLarge: {error:?}");
    };
    assert_eq!((too_large.status(), too_large.limit()), (200, 1024 * 1024));
    assert_eq!(error.status(), Some(200));
    assert!(
        error.to_string().contains("exceeds 1048576 bytes"),
        "{error}"
    );
}

#[tokio::test]
async fn idempotent_requests_are_retried_when_asked_and_others_are_not() {
    let policy = RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(20),
        ..RetryPolicy::idempotent(3)
    };

    // GET: two transient failures, then success.
    let server = FaultServer::start(vec![
        Behaviour::json(503, "{}"),
        Behaviour::Close,
        Behaviour::json(200, INVITATION),
    ]);
    let retrying = client_retrying(&server, policy);
    retrying
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .await
        .expect("the third attempt succeeds");
    assert_eq!(server.requests(), 3);

    // POST is never retried unless asked: it could be applied twice.
    let server = FaultServer::start(vec![
        Behaviour::json(503, "{}"),
        Behaviour::json(201, INVITATION),
    ]);
    let retrying = client_retrying(&server, policy);
    let request = InvitationRequest {
        name: "x".into(),
        expires: Nullable::Absent,
        fixed_data: None,
        single_use: None,
        flow: Nullable::Absent,
    };
    let error = retrying
        .stages()
        .invitation_invitations_create(&request)
        .await
        .expect_err("not retried");
    assert_eq!(error.status(), Some(503));
    assert_eq!(server.requests(), 1);

    // ... and when asked, it is.
    let server = FaultServer::start(vec![
        Behaviour::json(503, "{}"),
        Behaviour::json(201, INVITATION),
    ]);
    let asked = client_retrying(
        &server,
        RetryPolicy {
            non_idempotent: true,
            ..policy
        },
    );
    asked
        .stages()
        .invitation_invitations_create(&request)
        .await
        .expect("retried");
    assert_eq!(server.requests(), 2);

    // Off by default.
    let server = FaultServer::start(vec![
        Behaviour::json(503, "{}"),
        Behaviour::json(200, INVITATION),
    ]);
    let error = retrieve(&client(&server)).await;
    assert_eq!(error.status(), Some(503));
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn one_call_can_have_its_own_retry_policy_and_timeout() {
    let policy = RetryPolicy {
        base_delay: Duration::from_millis(20),
        ..RetryPolicy::idempotent(1)
    };
    // The client does not retry; this call does, once.
    let server = FaultServer::start(vec![
        Behaviour::json(503, "{}"),
        Behaviour::json(200, INVITATION),
    ]);
    let client = client(&server);
    client
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .retry(policy)
        .await
        .expect("the retry succeeds");
    assert_eq!(server.requests(), 2);

    // A client that retries, and one call that must not.
    let server = FaultServer::start(vec![
        Behaviour::json(503, "{}"),
        Behaviour::json(200, INVITATION),
    ]);
    let retrying = client_retrying(&server, policy);
    let error = retrying
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .retry(RetryPolicy::NONE)
        .await
        .expect_err("not retried");
    assert_eq!(error.status(), Some(503));
    assert_eq!(server.requests(), 1);

    // A stalled answer: the call's 200 ms, not the client's 30 s.
    let server = FaultServer::start(vec![Behaviour::Stall]);
    let patient = Client::new(&server.url, TOKEN).expect("client");
    let started = Instant::now();
    let error = patient
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .timeout(Duration::from_millis(200))
        .await
        .expect_err("times out");
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn the_token_is_not_in_debug_output() {
    let builder = Client::builder("https://authentik.example.com").token(TOKEN);
    assert!(!format!("{builder:?}").contains(TOKEN));
    let client = builder.build().expect("client");
    assert!(!format!("{client:?}").contains(TOKEN));
    let refused = Client::builder("https://authentik.example.com")
        .token(format!("{TOKEN}\r\nX-Injected: 1"))
        .build()
        .expect_err("a token with a line break is refused");
    assert!(!refused.to_string().contains(TOKEN), "{refused}");
}

/// A page of invitations named `names`, pointing at page `next` (0: none).
fn invitation_page(names: &[&str], next: i64) -> String {
    let results: Vec<serde_json::Value> = names
        .iter()
        .map(|name| {
            let mut item: serde_json::Value = serde_json::from_str(INVITATION).expect("json");
            item["name"] = serde_json::json!(name);
            item
        })
        .collect();
    serde_json::json!({
        "pagination": {"next": next, "previous": 0, "count": 6, "current": 1, "total_pages": 3, "start_index": 1, "end_index": 2},
        "results": results,
    })
    .to_string()
}

#[tokio::test]
async fn a_stream_stopped_by_an_error_resumes_at_the_page_that_failed() {
    use authentik_client::apis::stages::InvitationInvitationsListParams;
    use futures_util::StreamExt;

    let server = FaultServer::start(vec![
        Behaviour::json(200, &invitation_page(&["a", "b"], 2)),
        Behaviour::json(503, "{}"),
        Behaviour::json(200, &invitation_page(&["c", "d"], 3)),
        Behaviour::json(200, &invitation_page(&["e", "f"], 0)),
    ]);
    let client = client(&server);
    let mut names = Vec::new();

    let mut pages = client
        .stages()
        .invitation_invitations_list_stream(&InvitationInvitationsListParams::default());
    let mut failure = None;
    while let Some(item) = pages.next().await {
        match item {
            Ok(invitation) => names.push(invitation.name),
            Err(error) => failure = Some(error),
        }
    }
    assert_eq!(failure.and_then(|error| error.status()), Some(503));
    assert_eq!(names, ["a", "b"]);
    let resume = pages.failed_page().expect("the failed page");
    assert_eq!(resume, 2);

    let params = InvitationInvitationsListParams {
        page: Some(resume),
        ..Default::default()
    };
    let rest: Vec<_> = client
        .stages()
        .invitation_invitations_list_stream(&params)
        .collect()
        .await;
    names.extend(rest.into_iter().map(|item| item.expect("decodes").name));
    assert_eq!(names, ["a", "b", "c", "d", "e", "f"]);
    let pages_asked: Vec<_> = server
        .targets()
        .iter()
        .map(|target| target.rsplit_once("page=").map(|(_, page)| page.to_owned()))
        .collect();
    let expected = ["1", "2", "2", "3"].map(|page| Some(page.to_owned()));
    assert_eq!(pages_asked, expected);
}
