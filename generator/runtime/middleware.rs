use reqwest_middleware::ClientWithMiddleware;

use super::client::ClientBuilder;
use super::error::TransportError;

/// The HTTP client requests go through: reqwest-middleware's, so every
/// request passes its middleware stack (the crate's `middleware` feature).
pub(super) type Http = ClientWithMiddleware;

/// A plain reqwest client, with no middleware.
pub(super) fn from_reqwest(client: reqwest::Client) -> Http {
    ClientWithMiddleware::from(client)
}

/// Sends one request through the middleware; with `secret_url`, a reqwest
/// error leaves the URL out.
pub(super) async fn execute(
    http: &Http,
    request: reqwest::Request,
    secret_url: bool,
) -> Result<reqwest::Response, TransportError> {
    http.execute(request).await.map_err(|error| match error {
        reqwest_middleware::Error::Reqwest(error) => TransportError::from_reqwest(error, secret_url),
        // A middleware may pass reqwest's error on wrapped: unwrapped, it
        // still says whether it was a timeout or a refused connection.
        reqwest_middleware::Error::Middleware(error) => match error.downcast::<reqwest::Error>() {
            Ok(error) => TransportError::from_reqwest(error, secret_url),
            Err(error) => TransportError::other(error),
        },
    })
}

impl ClientBuilder {
    /// Sends every request through this client and its middleware (retries,
    /// caching, tracing, auth from the `reqwest-middleware` ecosystem), in
    /// place of a client this builder builds; [`ClientBuilder::http_client`]'s
    /// notes hold for the reqwest client inside it.
    ///
    /// The client's own retry policy (off unless [`ClientBuilder::retry`] or
    /// a call's `.retry(..)` turns it on) runs outside the middleware: each of
    /// its attempts goes through the whole stack, so a retrying middleware
    /// under a retrying client multiplies the attempts. Keep one of them
    /// off; with a retry middleware, leave the client's policy at its
    /// default.
    pub fn middleware_client(mut self, client: ClientWithMiddleware) -> Self {
        self.http = Some(client);
        self
    }
}
