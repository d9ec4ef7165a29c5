//! What the checked-in client puts on the wire, byte for byte, and what it
//! makes of what comes back, against a recording server on loopback.

use authentik_client::apis::stages::InvitationInvitationsListParams;
use authentik_client::types::PatchedInvitationRequest;
use authentik_client::{Client, Error, Nullable};
use recorder::Recorder;
use test_support::recorder;

const UUID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

fn client(recorder: &Recorder) -> Client {
    Client::new(&recorder.url, "a-test-token").expect("client")
}

fn invitation() -> String {
    serde_json::json!({
        "pk": UUID, "name": "x",
        "created_by": {"pk": 1, "username": "u", "name": "n", "uid": "i"},
        "flow_obj": null
    })
    .to_string()
}

#[tokio::test]
async fn list_sends_every_filter_encoded_with_the_prefix_once() {
    let recorder = Recorder::start(
        1,
        200,
        r#"{"pagination": {"next": 0, "previous": 0, "count": 0, "current": 1, "total_pages": 1, "start_index": 0, "end_index": 0}, "results": []}"#,
    );
    let params = InvitationInvitationsListParams {
        created_by_username: Some("ak admin".into()),
        expires: Some("2030-01-02T03:04:05.678Z".parse().expect("timestamp")),
        flow_slug: Some("enroll/../x".into()),
        name: Some("a&b=c#d".into()),
        ordering: Some("-expires".into()),
        page: Some(2),
        page_size: Some(50),
        search: Some("ünï".into()),
    };
    let page = client(&recorder)
        .stages()
        .invitation_invitations_list(&params)
        .await
        .expect("decodes");
    assert!(page.results.is_empty());
    let request = recorder.next();
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.target,
        "/api/v3/stages/invitation/invitations/?created_by__username=ak%20admin&expires=2030-01-02T03%3A04%3A05.678Z&flow__slug=enroll%2F..%2Fx&name=a%26b%3Dc%23d&ordering=-expires&page=2&page_size=50&search=%C3%BCn%C3%AF"
    );
    assert_eq!(request.header("authorization"), Some("Bearer a-test-token"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn a_patch_says_leave_clear_or_set_exactly() {
    let cases = [
        (PatchedInvitationRequest::default(), "{}"),
        (
            PatchedInvitationRequest {
                expires: Nullable::Null,
                ..Default::default()
            },
            r#"{"expires":null}"#,
        ),
        (
            PatchedInvitationRequest {
                expires: Nullable::Value("2030-01-01T00:00:00Z".parse().expect("timestamp")),
                flow: Nullable::Null,
                single_use: Some(false),
                ..Default::default()
            },
            r#"{"expires":"2030-01-01T00:00:00Z","single_use":false,"flow":null}"#,
        ),
    ];
    let recorder = Recorder::start(cases.len(), 200, &invitation());
    let client = client(&recorder);
    for (patch, expected) in cases {
        let updated = client
            .stages()
            .invitation_invitations_partial_update(UUID.parse().expect("uuid"), &patch)
            .await
            .expect("decodes");
        assert!(
            updated.flow_obj.is_none(),
            "flow_obj: null decodes thanks to the override"
        );
        let request = recorder.next();
        assert_eq!(request.method, "PATCH");
        assert_eq!(
            request.target,
            format!("/api/v3/stages/invitation/invitations/{UUID}/")
        );
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.text(), expected);
    }
}

#[tokio::test]
async fn a_204_returns_unit_and_an_undeclared_status_keeps_the_response() {
    let recorder = Recorder::start(1, 204, "");
    client(&recorder)
        .stages()
        .invitation_invitations_destroy(UUID.parse().expect("uuid"))
        .await
        .expect("204");
    assert_eq!(recorder.next().method, "DELETE");

    let recorder = Recorder::start(1, 502, r#"{"proxy": "upstream unavailable"}"#);
    let error = client(&recorder)
        .stages()
        .invitation_invitations_destroy(UUID.parse().expect("uuid"))
        .await
        .expect_err("502");
    match &error {
        Error::Status(status) => {
            assert_eq!(status.status(), 502);
            assert_eq!(status.body(), br#"{"proxy": "upstream unavailable"}"#);
            assert_eq!(
                status.headers().get("content-type").map(|v| v.as_bytes()),
                Some(&b"application/json"[..])
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(error.status(), Some(502));
    assert!(error.to_string().contains("502"), "{error}");
}

#[tokio::test]
async fn field_errors_of_a_400_are_kept_and_a_403_is_never_a_400() {
    let recorder = Recorder::start(
        1,
        400,
        r#"{"name": ["This field may not be blank."], "code": "invalid"}"#,
    );
    let error = client(&recorder)
        .stages()
        .invitation_invitations_partial_update(UUID.parse().expect("uuid"), &Default::default())
        .await
        .expect_err("400");
    let Error::ValidationError {
        status: 400, body, ..
    } = error
    else {
        panic!("{error:?}");
    };
    assert_eq!(
        body.additional_properties["name"][0],
        "This field may not be blank."
    );

    let recorder = Recorder::start(1, 403, r#"{"detail": "You do not have permission."}"#);
    let error = client(&recorder)
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .await
        .expect_err("403");
    let Error::GenericError {
        status: 403, body, ..
    } = error
    else {
        panic!("{error:?}");
    };
    assert_eq!(body.detail, "You do not have permission.");
}

/// authentik answers `POST /flows/instances/import/` with 200 where its
/// schema declares 204: any 2xx is the declared success response.
#[tokio::test]
async fn a_2xx_other_than_the_declared_one_is_still_success() {
    let recorder = Recorder::start(1, 201, &invitation());
    let invitation = client(&recorder)
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .await
        .expect("a 201 where 200 is declared decodes");
    assert_eq!(invitation.pk.to_string(), UUID);
}

#[tokio::test]
async fn a_body_that_does_not_decode_says_where() {
    let mut value: serde_json::Value = serde_json::from_str(&invitation()).expect("json");
    value["created_by"]["pk"] = serde_json::json!("not a number");
    let recorder = Recorder::start(1, 200, &value.to_string());
    let error = client(&recorder)
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .await
        .expect_err("undecodable");
    let Error::Decode(decode) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(decode.path(), "created_by.pk");
    assert_eq!(decode.status(), 200);
    assert!(std::str::from_utf8(decode.body())
        .expect("utf-8")
        .contains("not a number"));
}

#[tokio::test]
async fn one_bad_item_costs_only_itself() {
    use futures_util::StreamExt;
    let good: serde_json::Value = serde_json::from_str(&invitation()).expect("json");
    let mut bad = good.clone();
    bad["created_by"] = serde_json::json!(null);
    let page = serde_json::json!({
        "pagination": {"next": 0, "previous": 0, "count": 3, "current": 1, "total_pages": 1, "start_index": 1, "end_index": 3},
        "results": [good, bad, good]
    });
    let recorder = Recorder::start(1, 200, &page.to_string());
    let items: Vec<_> = client(&recorder)
        .stages()
        .invitation_invitations_list_stream(&Default::default())
        .collect()
        .await;
    assert_eq!(items.len(), 3);
    assert!(items[0].is_ok() && items[2].is_ok());
    match &items[1] {
        Err(Error::Decode(decode)) => assert_eq!(decode.path(), "results[1]"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn one_call_carries_its_own_header_and_answers_with_its_response() {
    let recorder = Recorder::start(1, 200, &invitation());
    let client = client(&recorder);
    let answer = client
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .header("X-Request-Id", "req-7")
        .with_response()
        .await
        .expect("decodes");
    assert_eq!(answer.status, 200);
    let content_type = answer
        .headers
        .get("content-type")
        .map(|v| v.to_str().expect("ascii"));
    assert_eq!(content_type, Some("application/json"));
    assert_eq!(&answer.body[..], invitation().as_bytes());
    assert_eq!(answer.value.name, "x");
    let request = recorder.next();
    assert_eq!(request.header("x-request-id"), Some("req-7"));
    assert_eq!(request.header("authorization"), Some("Bearer a-test-token"));

    // A value that would add a header of its own is refused, never sent
    // (the recorder answers one request only).
    let error = client
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .header("X-Request-Id", "a\r\nX-Injected: 1")
        .await
        .expect_err("refused");
    assert!(matches!(error, Error::Request(_)), "{error:?}");
}

#[tokio::test]
async fn a_silent_server_times_out_and_a_closed_port_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let client = Client::builder(&url)
        .token("t")
        .timeout(Some(std::time::Duration::from_millis(300)))
        .build()
        .expect("client");
    let error = client
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .await
        .expect_err("timeout");
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    drop(listener);

    let error = Client::new(&url, "t")
        .expect("client")
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .await
        .expect_err("refused");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
}

#[tokio::test]
async fn a_token_source_is_asked_before_each_call() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    let recorder = Recorder::start(2, 200, &invitation());
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let client = Client::builder(&recorder.url)
        .token_source(move || {
            match counter.fetch_add(1, Ordering::SeqCst) {
                0 => "rotating-1",
                1 => "rotating-2",
                _ => "bad token\r\nX-Injected: 1",
            }
            .to_string()
        })
        .build()
        .expect("client");
    assert!(format!("{client:?}").contains("<from a callback>"));
    let retrieve = || {
        client
            .stages()
            .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
    };
    retrieve().await.expect("first");
    retrieve().await.expect("second");
    assert_eq!(
        recorder.next().header("authorization"),
        Some("Bearer rotating-1")
    );
    assert_eq!(
        recorder.next().header("authorization"),
        Some("Bearer rotating-2")
    );

    // A token a header cannot carry fails the call, unsent (the recorder
    // answered its two requests and takes no third), and is not repeated.
    let error = retrieve().await.expect_err("refused");
    assert!(matches!(error, Error::Request(_)), "{error:?}");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("bad token"), "{shown}");
    assert_eq!(asked.load(Ordering::SeqCst), 3);
}
