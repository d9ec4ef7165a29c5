use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use serde::de::DeserializeOwned;

use super::super::Error;
use super::client::Client;
use super::error::{DecodeError, Failure};
use super::request::{decode, Request, Response};

/// One page of a paginated list: its items, and the number of the next page.
#[derive(Debug)]
pub struct Page<T, E> {
    /// The items; each is its own result, so one item that does not decode
    /// does not cost the others.
    pub items: Vec<Result<T, E>>,
    /// The next page's number; `None` (authentik sends 0) on the last page.
    pub next: Option<i64>,
}

impl<T: DeserializeOwned, E: From<Failure>> Page<T, E> {
    /// Decodes a page response. The fast path decodes the page as the
    /// generated type `P`; if that fails, the items are decoded one by one
    /// (found under `results`, the next page under `pagination`.`next`) and
    /// the ones that fail become errors in their place.
    pub fn decode<P: DeserializeOwned>(
        response: &Response,
        split: impl FnOnce(P) -> (Vec<T>, i64),
        results: &str,
        pagination: &str,
        next: &str,
    ) -> Result<Self, E> {
        let failure = match response.json::<P>() {
            Ok(page) => {
                let (items, next) = split(page);
                return Ok(Self {
                    items: items.into_iter().map(Ok).collect(),
                    next: (next > 0).then_some(next),
                });
            }
            Err(failure) => failure,
        };
        // The slow path runs only for a page that did not decode.
        let Ok(serde_json::Value::Object(mut page)) = decode::<serde_json::Value>(response.status(), response.body()) else {
            return Err(failure.into());
        };
        let Some(serde_json::Value::Array(raw)) = page.remove(results) else {
            return Err(failure.into());
        };
        let next = page
            .get(pagination)
            .and_then(|p| p.get(next))
            .and_then(serde_json::Value::as_i64)
            .filter(|n| *n > 0);
        let items = raw
            .into_iter()
            .enumerate()
            .map(|(index, item)| {
                T::deserialize(item).map_err(|e| {
                    Failure::Decode(DecodeError::new(
                        response.status(),
                        format!("{results}[{index}]"),
                        e.to_string(),
                        response.body().clone(),
                    ))
                    .in_operation(response.operation())
                    .into()
                })
            })
            .collect();
        Ok(Self { items, next })
    }
}

/// A request on its way, its answer judged by status: the one future every
/// page fetch runs, `Client::call` with the crate's `Error`.
type Fetch<'a> = Pin<Box<dyn Future<Output = Result<Response, Error>> + Send + 'a>>;

/// Every item of a paginated list operation, page after page, as a stream
/// (what an operation's `_stream` method returns).
///
/// It fetches the page it is given first, then follows each page's next
/// page while that moves forward; it ends after the last page, and after
/// yielding the error of a page that could not be fetched. A `200` page
/// whose items do not all decode yields the ones that do, and an `Err` in
/// place of each one that does not.
///
/// To resume after an error, start a new stream at
/// [`Pages::failed_page`]: every item before that page has been yielded,
/// none of that page's items has.
///
/// The stream is a plain struct whose `poll_next` is generic, so the code
/// that decodes a page is compiled only in a program that polls it; it is
/// `Unpin`, so `stream.next().await` works as is.
#[must_use = "a stream fetches nothing until it is polled"]
pub struct Pages<'a, P, T> {
    client: &'a Client,
    request: Box<dyn FnMut(i64) -> Request + Send + 'a>,
    error: fn(Response) -> Error,
    split: fn(P) -> (Vec<T>, i64),
    keys: [&'static str; 3],
    buffer: VecDeque<Result<T, Error>>,
    next: Option<i64>,
    fetching: Option<(i64, Fetch<'a>)>,
    failed: Option<i64>,
}

impl<'a, P, T> Pages<'a, P, T> {
    /// Walks the pages from `first`: `request` builds the request for a page
    /// number; a 2xx response is a page `P`, which `split` turns into its
    /// items and the next page number (`results` and `pagination.next` of
    /// authentik's `Paginated*List`, named by `keys` for the item-by-item
    /// fallback); any other response goes through `error`.
    pub fn new(
        client: &'a Client,
        first: i64,
        request: impl FnMut(i64) -> Request + Send + 'a,
        error: fn(Response) -> Error,
        split: fn(P) -> (Vec<T>, i64),
        keys: [&'static str; 3],
    ) -> Self {
        Self {
            client,
            request: Box::new(request),
            error,
            split,
            keys,
            buffer: VecDeque::new(),
            next: Some(first),
            fetching: None,
            failed: None,
        }
    }

    /// The page whose fetch failed, once the stream has yielded its error
    /// (and ended): a new stream that starts there yields every item this
    /// one did not, each once, if the list did not change in between.
    pub fn failed_page(&self) -> Option<i64> {
        self.failed
    }
}

impl<P: DeserializeOwned, T: DeserializeOwned> Pages<'_, P, T> {
    /// Decodes one fetched page.
    fn page(&self, fetched: Result<Response, Error>) -> Result<Page<T, Error>, Error> {
        let response = fetched?;
        let [results, pagination, next] = self.keys;
        Page::decode(&response, self.split, results, pagination, next)
    }
}

// No field is pinned: the request in flight is boxed, and everything else
// is moved freely.
impl<P, T> Unpin for Pages<'_, P, T> {}

impl<P: DeserializeOwned, T: DeserializeOwned> Stream for Pages<'_, P, T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(item));
            }
            let (page, fetch) = match &mut this.fetching {
                Some(fetching) => fetching,
                None => {
                    let Some(page) = this.next.take() else {
                        return Poll::Ready(None);
                    };
                    let request = (this.request)(page);
                    this.fetching
                        .insert((page, Box::pin(this.client.call(request, this.error))))
                }
            };
            let page = *page;
            let Poll::Ready(fetched) = fetch.as_mut().poll(cx) else {
                return Poll::Pending;
            };
            this.fetching = None;
            match this.page(fetched) {
                Ok(fetched) => {
                    let empty = fetched.items.is_empty();
                    this.buffer.extend(fetched.items);
                    // A next page that does not move forward, or an empty
                    // page, ends the walk: a misbehaving server cannot make
                    // it loop.
                    this.next = fetched.next.filter(|n| *n > page && !empty);
                }
                Err(error) => {
                    this.failed = Some(page);
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let more = self.next.is_some() || self.fetching.is_some();
        (self.buffer.len(), if more { None } else { Some(self.buffer.len()) })
    }
}

impl<P, T> fmt::Debug for Pages<'_, P, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("buffered", &self.buffer.len())
            .field("next", &self.next)
            .field("fetching", &self.fetching.as_ref().map(|(page, _)| page))
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}
