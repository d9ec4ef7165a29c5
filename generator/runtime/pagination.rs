use std::collections::VecDeque;
use std::future::Future;

use futures_util::stream::{self, Stream};
use serde::de::DeserializeOwned;

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
                    .into()
                })
            })
            .collect();
        Ok(Self { items, next })
    }
}

/// Walks every page, from `first`, as a stream of items. It follows each
/// page's `next` while that moves forward, ends after the last page, and
/// ends after yielding the error of a page that could not be fetched. The
/// stream is boxed, so it is `Unpin`: `stream.next().await` works as is.
pub fn paginate<'a, T, E, F, Fut>(first: i64, fetch: F) -> impl Stream<Item = Result<T, E>> + Unpin + Send + 'a
where
    T: Send + 'a,
    E: Send + 'a,
    F: FnMut(i64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T, E>, E>> + Send + 'a,
{
    struct State<T, E, F> {
        next: Option<i64>,
        buffer: VecDeque<Result<T, E>>,
        fetch: F,
    }
    let state = State {
        next: Some(first),
        buffer: VecDeque::new(),
        fetch,
    };
    Box::pin(stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return Some((item, state));
            }
            let page = state.next.take()?;
            match (state.fetch)(page).await {
                Ok(fetched) => {
                    let empty = fetched.items.is_empty();
                    state.buffer.extend(fetched.items);
                    // A next page that does not move forward, or an empty
                    // page, ends the walk: a misbehaving server cannot make
                    // it loop.
                    state.next = fetched.next.filter(|n| *n > page && !empty);
                }
                Err(error) => return Some((Err(error), state)),
            }
        }
    }))
}

/// Every item of a paginated list operation, as a stream. `request` builds
/// the request for a page number; a 2xx response is a page `P`, which `split` turns into its items and the next page number
/// (`results` and `pagination.next` of authentik's `Paginated*List`, named
/// by `keys` for the item-by-item fallback); any other response goes
/// through `error`.
pub fn pages<'a, P, T, E, R>(
    client: &'a Client,
    first: i64,
    mut request: R,
    error: fn(Response) -> E,
    split: fn(P) -> (Vec<T>, i64),
    keys: [&'static str; 3],
) -> impl Stream<Item = Result<T, E>> + Unpin + Send + 'a
where
    P: DeserializeOwned + 'a,
    T: DeserializeOwned + Send + 'a,
    E: From<Failure> + Send + 'a,
    R: FnMut(i64) -> Request + Send + 'a,
{
    paginate(first, move |page| {
        let request = request(page);
        async move {
            let response = client.call(request, error).await?;
            let [results, pagination, next] = keys;
            Page::decode(&response, split, results, pagination, next)
        }
    })
}
