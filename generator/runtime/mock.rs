use std::marker::PhantomData;

use serde::Serialize;
use wiremock::{Mock, MockBuilder, ResponseTemplate};

use super::call::{Call, Decoder};
use super::client::Client;
use super::error::RequestError;
use super::request::{Body, Request};

/// The path prefix the mock's client puts before every operation's path.
const API_PREFIX: &str = super::super::API_PREFIX;

/// A stand-in authentik for a program's own tests (the `mock` feature): a
/// real HTTP server on loopback, wiremock's, that answers the calls it is
/// told to expect, so the program's code runs through the real client.
///
/// An expectation is written with the operation itself: build the call as
/// the program will (`client.stages().invitation_invitations_list(&params)`),
/// give it to [`MockServer::on`] instead of awaiting it, and say what it
/// answers. The server then answers a request with that method, path,
/// query string and (for JSON and form bodies) body, and nothing else: any
/// other request gets a 404.
///
/// ```text
/// let server = MockServer::start().await?;
/// let params = InvitationInvitationsListParams { search: Some("x".into()), ..Default::default() };
/// server.on(server.client().stages().invitation_invitations_list(&params)).answers(&page).await;
/// run_the_code_under_test(server.client()).await;
/// ```
#[derive(Debug)]
pub struct MockServer {
    server: wiremock::MockServer,
    client: Client,
}

impl MockServer {
    /// Starts a server on a free loopback port, and a client for it. The
    /// client sends no token: the mock does not check credentials.
    pub async fn start() -> Result<Self, RequestError> {
        let server = wiremock::MockServer::start().await;
        let client = Client::builder(server.uri()).build()?;
        Ok(Self { server, client })
    }

    /// A client of the mock, to hand to the code under test (clone it for
    /// code that wants its own).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The server's base URL, without the API prefix, for code that builds
    /// its own client.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The wiremock server underneath, for what the typed expectations do
    /// not cover (headers, delays, request inspection).
    pub fn wiremock(&self) -> &wiremock::MockServer {
        &self.server
    }

    /// Expects `call` (built, not sent): say what it answers with
    /// [`Expectation::answers`] or [`Expectation::fails`].
    pub fn on<T, D: Decoder<T>>(&self, call: Call<'_, T, D>) -> Expectation<'_, T> {
        Expectation {
            server: &self.server,
            mock: Mock::given(SameRequest::of(call.request())),
            times: None,
            answer: PhantomData,
        }
    }

    /// Checks that every expectation given a number of calls
    /// ([`Expectation::times`]) got them; wiremock panics with the list of
    /// those that did not, as a test assertion does. Dropping the server
    /// checks the same.
    pub async fn verify(&self) {
        self.server.verify().await;
    }
}

/// What one expected call answers; nothing is mounted until
/// [`Expectation::answers`] or [`Expectation::fails`] is awaited.
#[must_use = "an expectation does nothing until it answers"]
pub struct Expectation<'s, T> {
    server: &'s wiremock::MockServer,
    mock: MockBuilder,
    times: Option<u64>,
    answer: PhantomData<fn(&T)>,
}

impl<T> Expectation<'_, T> {
    /// The call must arrive exactly `n` times by the time the server is
    /// verified or dropped.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Answers the call with `status` and a JSON body, such as an error body
    /// the operation declares (`ValidationError` for 400).
    pub async fn fails(self, status: u16, body: &impl Serialize) {
        let template = ResponseTemplate::new(status).set_body_json(body);
        self.mount(template).await;
    }

    async fn mount(self, template: ResponseTemplate) {
        let mut mock = self.mock.respond_with(template);
        if let Some(n) = self.times {
            mock = mock.expect(n);
        }
        mock.mount(self.server).await;
    }
}

impl<T: Serialize> Expectation<'_, T> {
    /// Answers the call with 200 and `value`, the operation's own success
    /// type, as JSON.
    pub async fn answers(self, value: &T) {
        let template = ResponseTemplate::new(200).set_body_json(value);
        self.mount(template).await;
    }
}

/// Matches a request to the one a call would send: method, path, the
/// whole query string, and the body when it is bytes (a multipart body's
/// boundary differs on every send, so multipart calls match without it).
struct SameRequest {
    method: String,
    path: String,
    query: String,
    body: Option<Vec<u8>>,
}

impl SameRequest {
    fn of(request: &Request) -> Self {
        Self {
            method: request.method.as_str().to_owned(),
            path: format!("{API_PREFIX}{}", request.path),
            query: request.query.clone(),
            body: match &request.body {
                Body::Bytes { bytes, .. } => Some(bytes.to_vec()),
                Body::None => Some(Vec::new()),
                Body::Multipart(_) => None,
            },
        }
    }
}

impl wiremock::Match for SameRequest {
    fn matches(&self, request: &wiremock::Request) -> bool {
        request.method.as_str() == self.method
            && request.url.path() == self.path
            && request.url.query().unwrap_or("") == self.query
            && self.body.as_ref().is_none_or(|body| *body == request.body)
    }
}
