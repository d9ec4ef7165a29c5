//! The generated crate's `tracing` feature: one span per call, named by its
//! operation, with method, route template, status, attempts and duration;
//! an event per retry; never the token, the filled-in path or a body. The
//! last test makes real calls to the live authentik of `scripts/live-server`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use authentik_client::apis::stages::InvitationInvitationsListParams;
use authentik_client::{Client, Error, RetryPolicy};
use test_support::faults::{Behaviour, FaultServer};
use test_support::live;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const UUID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const TOKEN: &str = "s3cret-token-that-must-not-leak";
const INVITATION: &str = r#"{"pk": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "name": "x", "created_by": {"pk": 1, "username": "u", "name": "n", "uid": "i"}, "flow_obj": null}"#;

/// Field values as text, by field name.
type Fields = BTreeMap<String, String>;

/// What a subscriber saw: spans by id (1-based), and events with their
/// explicit parent.
#[derive(Default)]
struct Seen {
    spans: Vec<(&'static str, Fields)>,
    events: Vec<(&'static str, Option<u64>, Fields)>,
}

/// A subscriber that keeps every span's and event's fields.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Seen>>);

struct Values<'a>(&'a mut Fields);

impl Visit for Values<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().into(), value.to_string());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().into(), format!("{value:?}"));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Fields::new();
        span.record(&mut Values(&mut fields));
        let mut seen = self.0.lock().expect("seen");
        seen.spans.push((span.metadata().name(), fields));
        Id::from_u64(seen.spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut seen = self.0.lock().expect("seen");
        let index = usize::try_from(span.into_u64() - 1).expect("index");
        values.record(&mut Values(&mut seen.spans[index].1));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::new();
        event.record(&mut Values(&mut fields));
        let parent = event.parent().map(Id::into_u64);
        let target = event.metadata().target();
        let target: &'static str = if target.starts_with("authentik_client") {
            "authentik_client"
        } else {
            "other"
        };
        self.0
            .lock()
            .expect("seen")
            .events
            .push((target, parent, fields));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn a_call_that_retries_once_is_one_span_and_one_retry_event() {
    let capture = Capture::default();
    let _default = tracing::subscriber::set_default(capture.clone());
    let server = FaultServer::start(vec![
        Behaviour::json(503, "{}"),
        Behaviour::json(200, INVITATION),
    ]);
    let client = Client::builder(&server.url)
        .token(TOKEN)
        .retry(RetryPolicy {
            base_delay: Duration::from_millis(20),
            ..RetryPolicy::idempotent(1)
        })
        .build()
        .expect("client");
    client
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .await
        .expect("the retry succeeds");

    let seen = capture.0.lock().expect("seen");
    let calls: Vec<_> = seen
        .spans
        .iter()
        .enumerate()
        .filter(|(_, (name, _))| *name == "authentik.call")
        .collect();
    assert_eq!(calls.len(), 1, "{:?}", seen.spans);
    let (index, (_, fields)) = calls[0];
    let field = |name: &str| fields.get(name).map(String::as_str);
    assert_eq!(
        field("operation"),
        Some("stages_invitation_invitations_retrieve")
    );
    assert_eq!(
        field("otel.name"),
        Some("stages_invitation_invitations_retrieve")
    );
    assert_eq!(field("http.request.method"), Some("GET"));
    assert_eq!(
        field("http.route"),
        Some("/stages/invitation/invitations/{invite_uuid}/")
    );
    assert_eq!(field("http.response.status_code"), Some("200"));
    assert_eq!(field("attempts"), Some("2"));
    let duration: u64 = field("duration_ms").expect("duration").parse().expect("ms");
    assert!(
        duration >= 20,
        "the retry waited 20 ms, the span says {duration}"
    );
    assert_eq!(field("error"), None);

    let retries: Vec<_> = seen
        .events
        .iter()
        .filter(|(target, _, _)| *target == "authentik_client")
        .collect();
    assert_eq!(retries.len(), 1, "{:?}", seen.events);
    let (_, parent, event) = retries[0];
    assert_eq!(
        *parent,
        Some(index as u64 + 1),
        "the retry belongs to the call's span"
    );
    let event = |name: &str| event.get(name).map(String::as_str);
    assert_eq!(event("message"), Some("retrying"));
    assert_eq!(event("attempt"), Some("1"));
    assert_eq!(event("cause"), Some("status 503"));
    assert_eq!(event("delay_ms"), Some("20"));

    // Nothing recorded shows the token, the filled-in path or a body.
    let everything = format!("{:?} {:?}", seen.spans, seen.events);
    for secret in [TOKEN, UUID, "created_by"] {
        assert!(!everything.contains(secret), "{secret} in {everything}");
    }
}

#[tokio::test]
async fn a_call_that_fails_records_the_kind_of_failure_not_its_message() {
    let capture = Capture::default();
    let _default = tracing::subscriber::set_default(capture.clone());
    let server = FaultServer::start(vec![Behaviour::Close]);
    let client = Client::new(&server.url, TOKEN).expect("client");
    client
        .stages()
        .invitation_invitations_retrieve(UUID.parse().expect("uuid"))
        .await
        .expect_err("the server hangs up");

    let seen = capture.0.lock().expect("seen");
    let (_, fields) = seen
        .spans
        .iter()
        .find(|(name, _)| *name == "authentik.call")
        .expect("a span");
    assert_eq!(fields.get("error").map(String::as_str), Some("transport"));
    assert_eq!(fields.get("attempts").map(String::as_str), Some("1"));
    assert_eq!(fields.get("http.response.status_code"), None);
}

/// The spans of the calls of `operation`, in order.
fn call_spans<'a>(seen: &'a Seen, operation: &str) -> Vec<&'a Fields> {
    seen.spans
        .iter()
        .filter(|(name, fields)| {
            *name == "authentik.call"
                && fields.get("operation").map(String::as_str) == Some(operation)
        })
        .map(|(_, fields)| fields)
        .collect()
}

#[tokio::test]
async fn real_calls_to_the_live_server_and_a_call_timeout_show_in_their_spans() {
    let Some(server) = live::Server::find() else {
        return;
    };
    let capture = Capture::default();
    let _default = tracing::subscriber::set_default(capture.clone());
    let client = Client::new(&server.url, &server.token).expect("client");
    let stages = client.stages();
    let params = InvitationInvitationsListParams::default();

    stages
        .invitation_invitations_list(&params)
        .await
        .expect("the list answers");
    let missing = stages
        .invitation_invitations_retrieve(uuid::Uuid::nil())
        .await
        .expect_err("no invitation has the nil UUID");
    assert!(
        matches!(&missing, Error::Status(status) if status.status() == 404),
        "{missing:?}"
    );
    // authentik takes longer than a millisecond to answer anything it
    // authenticates: the call's own timeout cuts it short, and the client
    // is still good for the next call.
    let cut = stages
        .invitation_invitations_list(&params)
        .timeout(Duration::from_millis(1))
        .await
        .expect_err("a millisecond is too short");
    assert!(matches!(cut, Error::Timeout(_)), "{cut:?}");
    stages
        .invitation_invitations_list(&params)
        .timeout(Duration::from_secs(10))
        .await
        .expect("the same client answers again");

    let seen = capture.0.lock().expect("seen");
    let lists = call_spans(&seen, "stages_invitation_invitations_list");
    assert_eq!(lists.len(), 3, "{:?}", seen.spans);
    let field = |fields: &Fields, name: &str| fields.get(name).cloned();
    for (fields, status, error) in [
        (lists[0], Some("200"), None),
        (lists[1], None, Some("timeout")),
        (lists[2], Some("200"), None),
    ] {
        assert_eq!(
            field(fields, "http.route").as_deref(),
            Some("/stages/invitation/invitations/")
        );
        assert_eq!(field(fields, "http.request.method").as_deref(), Some("GET"));
        assert_eq!(
            field(fields, "http.response.status_code").as_deref(),
            status
        );
        assert_eq!(field(fields, "error").as_deref(), error);
        assert_eq!(field(fields, "attempts").as_deref(), Some("1"));
        assert!(field(fields, "duration_ms").is_some());
    }
    let retrieves = call_spans(&seen, "stages_invitation_invitations_retrieve");
    assert_eq!(retrieves.len(), 1, "{:?}", seen.spans);
    let retrieve = retrieves[0];
    assert_eq!(
        retrieve
            .get("http.response.status_code")
            .map(String::as_str),
        Some("404")
    );
    assert_eq!(
        retrieve.get("http.route").map(String::as_str),
        Some("/stages/invitation/invitations/{invite_uuid}/")
    );
    let everything = format!("{:?} {:?}", seen.spans, seen.events);
    assert!(
        !everything.contains(&server.token),
        "the token was recorded"
    );
}
