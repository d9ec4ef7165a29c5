use std::fmt;
use std::sync::Arc;

use super::error::RequestError;

/// The API token, never printed.
#[derive(Clone)]
pub(super) struct Token(String);

impl Token {
    /// A token, if a header, query or cookie can carry it as it is.
    pub(super) fn new(token: String) -> Result<Self, RequestError> {
        if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(RequestError::new(
                "the token must be non-empty printable ASCII without spaces or line breaks",
            ));
        }
        Ok(Self(token))
    }

    /// The token's text, to put on the wire.
    pub(super) fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Where a client's token comes from.
#[derive(Clone)]
pub(super) enum Credential {
    /// One token for the client's life, checked when the client is built.
    Fixed(Token),
    /// Asked for the token before each call, for tokens that rotate.
    Callback(Arc<dyn Fn() -> String + Send + Sync>),
}

impl Credential {
    /// The token for the call about to be sent.
    pub(super) fn current(&self) -> Result<Token, RequestError> {
        match self {
            Credential::Fixed(token) => Ok(token.clone()),
            Credential::Callback(source) => Token::new(source()).map_err(|error| {
                RequestError::new(format!("the token callback's answer is unusable: {error}"))
            }),
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Fixed(token) => token.fmt(f),
            Credential::Callback(_) => f.write_str("<from a callback>"),
        }
    }
}
