use super::error::TransportError;

/// The HTTP client requests go through: reqwest's own, as the crate's
/// `middleware` feature is off.
pub(super) type Http = reqwest::Client;

/// The client a plain reqwest client becomes (itself).
pub(super) fn from_reqwest(client: reqwest::Client) -> Http {
    client
}

/// Sends one request; with `secret_url`, an error leaves the URL out.
pub(super) async fn execute(
    http: &Http,
    request: reqwest::Request,
    secret_url: bool,
) -> Result<reqwest::Response, TransportError> {
    http.execute(request)
        .await
        .map_err(|error| TransportError::from_reqwest(error, secret_url))
}
