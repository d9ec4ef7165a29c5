use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

use serde::de::DeserializeOwned;

use super::super::Error;
use super::client::Client;
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
