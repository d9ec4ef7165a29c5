use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::super::Error;
use super::client::{Client, RetryPolicy};
use super::request::{Request, Response};

/// One operation's request, built and ready to send; `.await` sends it and
/// decodes the answer into `T`.
///
/// Operations are plain methods that build the request and return a `Call`:
/// arguments are read when the method is called, so nothing they borrow has
/// to outlive the call. What goes wrong while building (a header value with
/// a line break, a body that does not serialize) is reported when the call
/// is awaited, as [`Error::Request`]. `D` says how the success response is
/// read ([`Json`] unless the operation declares another media type).
///
/// Before it is awaited, a call can be given its own timeout, headers and
/// retry policy ([`Call::timeout`], [`Call::header`], [`Call::retry`]), and
/// asked for the response's status and headers beside the value
/// ([`Call::with_response`]).
///
/// Awaiting boxes the future; [`Call::send`] gives it unboxed, for
/// `tokio::spawn` and the `futures` combinators, which want a `Future`.
#[must_use = "a call sends nothing until it is awaited"]
pub struct Call<'a, T, D = Json> {
    client: &'a Client,
    request: Request,
    error: fn(Response) -> Error,
    // Neither a `T` nor a `D` is held: they only pick the decoder, so the
    // call is `Send` and `Sync` whatever they are.
    decode: PhantomData<fn() -> (T, D)>,
}

impl<'a, T, D: Decoder<T>> Call<'a, T, D> {
    /// A call of `request` on `client`; a response that is not 2xx goes to
    /// `error`, the operation's table of declared error bodies. Operations
    /// build calls; this is public for requests the schema does not
    /// describe.
    pub fn new(client: &'a Client, request: Request, error: fn(Response) -> Error) -> Self {
        Self {
            client,
            request,
            error,
            decode: PhantomData,
        }
    }

    /// The request as built so far.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// How long this call may take, from connecting to the last byte of
    /// the response, in place of the client's timeout; every attempt gets
    /// the whole of it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.request.timeout(timeout);
        self
    }

    /// Sends one more header with this call (a request id, say); it
    /// replaces a header parameter of the same name. A value with a line
    /// break or another character a header cannot carry makes the call
    /// fail with [`Error::Request`], unsent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.request.header(name, value);
        self
    }

    /// When to retry this call, in place of the client's policy (the
    /// policy's rules about methods hold: POST and PATCH only with
    /// [`RetryPolicy::non_idempotent`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.request.retry(policy);
        self
    }

    /// The same call, answering with the response's status, headers and raw
    /// body beside the decoded value.
    pub fn with_response(self) -> Call<'a, Answer<T>, WithResponse<D>> {
        Call {
            client: self.client,
            request: self.request,
            error: self.error,
            decode: PhantomData,
        }
    }

    /// Sends the request and decodes the answer: what `.await` does, as an
    /// unboxed future.
    pub async fn send(self) -> Result<T, Error> {
        let response = self.client.call(self.request, self.error).await?;
        D::decode(response)
    }
}

impl<'a, T: 'a, D: Decoder<T> + 'a> IntoFuture for Call<'a, T, D> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl<T, D> fmt::Debug for Call<'_, T, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("client", self.client)
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

/// How a [`Call`] reads a 2xx response into `T`.
///
/// The decoder is a type, not a value, so the client crate compiles one
/// generic call path and each response type's decoding is compiled only
/// where a program awaits an operation that returns it.
pub trait Decoder<T> {
    /// Reads the response.
    fn decode(response: Response) -> Result<T, Error>;
}

/// A JSON body.
#[derive(Debug)]
pub enum Json {}

/// A JSON body, or none (a 204 that declares a body usually has none).
#[derive(Debug)]
pub enum JsonIfAny {}

/// A UTF-8 text body.
#[derive(Debug)]
pub enum Text {}

/// A body kept as bytes.
#[derive(Debug)]
pub enum Binary {}

/// No body: whatever comes is ignored.
#[derive(Debug)]
pub enum NoBody {}

/// A body told apart by status: each operation whose success responses
/// differ implements it for its response enum.
#[derive(Debug)]
pub enum ByStatus {}

impl<T: DeserializeOwned> Decoder<T> for Json {
    fn decode(response: Response) -> Result<T, Error> {
        Ok(response.json()?)
    }
}

impl<T: DeserializeOwned> Decoder<Option<T>> for JsonIfAny {
    fn decode(response: Response) -> Result<Option<T>, Error> {
        Ok(response.json_if_any()?)
    }
}

impl Decoder<String> for Text {
    fn decode(response: Response) -> Result<String, Error> {
        Ok(response.text()?)
    }
}

impl Decoder<Vec<u8>> for Binary {
    fn decode(response: Response) -> Result<Vec<u8>, Error> {
        Ok(response.into_bytes())
    }
}

impl Decoder<()> for NoBody {
    fn decode(_: Response) -> Result<(), Error> {
        Ok(())
    }
}

/// A decoded value with the response it came in: what
/// [`Call::with_response`] answers.
#[derive(Debug, Clone)]
pub struct Answer<T> {
    /// The HTTP status code (any 2xx).
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body, shared with nothing copied.
    pub body: Bytes,
    /// The body, decoded as the operation declares.
    pub value: T,
}

/// Reads the response as `D` does and keeps status, headers and body.
#[derive(Debug)]
pub struct WithResponse<D> {
    decoder: PhantomData<fn() -> D>,
}

impl<T, D: Decoder<T>> Decoder<Answer<T>> for WithResponse<D> {
    fn decode(response: Response) -> Result<Answer<T>, Error> {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.body().clone();
        let value = D::decode(response)?;
        Ok(Answer {
            status,
            headers,
            body,
            value,
        })
    }
}
