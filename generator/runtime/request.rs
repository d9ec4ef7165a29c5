use std::fmt::Write as _;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::client::RetryPolicy;
use super::error::{DecodeError, Failure, RequestError, StatusError};
use super::multipart::Multipart;
use super::param::ParamValue;

/// Which credentials an operation sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// None: the operation is public.
    None,
    /// The client's token in `Authorization: <scheme> <token>`; the scheme
    /// comes from the schema (`Bearer`, or `Bearer+agent` for agent-only
    /// endpoints).
    Token(&'static str),
    /// The client's token in the named header.
    HeaderKey(&'static str),
    /// The client's token in the named query parameter.
    QueryKey(&'static str),
    /// The client's token in the named cookie.
    CookieKey(&'static str),
}

/// How a list parameter is written in the query string (OpenAPI `style`
/// and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStyle {
    /// `name=a&name=b`
    Exploded,
    /// `name=a,b`
    Comma,
    /// `name=a%20b`
    Space,
    /// `name=a|b`
    Pipe,
}

/// Percent-encodes everything but RFC 3986's unreserved characters, so a
/// value can never add a path segment, a query parameter or a fragment.
fn encode_into(out: &mut String, raw: &str) {
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

/// A path parameter, encoded for its segment of the path template.
pub fn path_param<T: ParamValue + ?Sized>(value: &T) -> String {
    let mut raw = String::new();
    value.write_param(&mut raw);
    let mut encoded = String::with_capacity(raw.len());
    encode_into(&mut encoded, &raw);
    encoded
}

/// A request being assembled by an operation.
///
/// Building never fails on the spot: the first thing that cannot be sent (a
/// header value with a line break, a body that does not serialize) is kept
/// and returned when the request is sent, so an operation builds its
/// request without a `?` per parameter.
#[derive(Debug)]
pub struct Request {
    pub(super) operation: &'static str,
    pub(super) template: &'static str,
    pub(super) method: Method,
    pub(super) path: String,
    pub(super) query: String,
    pub(super) headers: HeaderMap,
    pub(super) cookies: String,
    pub(super) body: Body,
    pub(super) accept: &'static str,
    pub(super) auth: Auth,
    pub(super) invalid: Option<RequestError>,
    pub(super) timeout: Option<Duration>,
    pub(super) retry: Option<RetryPolicy>,
}

/// A request body, encoded.
#[derive(Debug)]
pub(super) enum Body {
    None,
    Bytes { content_type: &'static str, bytes: Bytes },
    Multipart(Multipart),
}

impl Request {
    /// A request the schema does not describe: method, path (already
    /// encoded, relative to the API prefix), the media type it accepts, its
    /// credentials.
    pub fn new(method: Method, path: String, accept: &'static str, auth: Auth) -> Self {
        Self {
            operation: "",
            template: "",
            method,
            path,
            query: String::new(),
            headers: HeaderMap::new(),
            cookies: String::new(),
            body: Body::None,
            accept,
            auth,
            invalid: None,
            timeout: None,
            retry: None,
        }
    }

    /// A request for the operation `operation` (its `operationId`), whose
    /// path template `template` gave `path`: [`Request::new`], named, so that
    /// traces can say which operation and route a call was.
    pub fn operation(
        operation: &'static str,
        method: Method,
        template: &'static str,
        path: String,
        accept: &'static str,
        auth: Auth,
    ) -> Self {
        Self {
            operation,
            template,
            ..Self::new(method, path, accept, auth)
        }
    }

    /// The `operationId` of the operation that built the request (empty for
    /// a request the schema does not describe).
    pub fn operation_id(&self) -> &'static str {
        self.operation
    }

    /// The operation's path template, as the schema writes it
    /// (`/core/users/{id}/`; empty for a request the schema does not
    /// describe).
    pub fn template(&self) -> &'static str {
        self.template
    }

    /// How long this request may take, in place of the client's timeout.
    pub fn timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    /// When to retry this request, in place of the client's policy.
    pub fn retry(&mut self, policy: RetryPolicy) {
        self.retry = Some(policy);
    }

    /// Marks the request as one that cannot be sent; the first reason is
    /// the one reported.
    pub fn reject(&mut self, error: RequestError) {
        self.invalid.get_or_insert(error);
    }

    /// Why the request cannot be sent, if it cannot.
    pub fn invalid(&self) -> Option<&RequestError> {
        self.invalid.as_ref()
    }

    /// Adds `name=value` to the query string.
    pub fn query<T: ParamValue + ?Sized>(&mut self, name: &str, value: &T) {
        let mut raw = String::new();
        value.write_param(&mut raw);
        self.push_query(name, &raw);
    }

    /// Adds `name=value` when there is a value.
    pub fn query_opt<T: ParamValue>(&mut self, name: &str, value: Option<&T>) {
        if let Some(value) = value {
            self.query(name, value);
        }
    }

    /// Adds a list parameter, written as `style` says.
    pub fn query_list<T: ParamValue>(&mut self, name: &str, values: &[T], style: ListStyle) {
        // An empty list has no form-style representation: it is left out.
        if values.is_empty() {
            return;
        }
        if style == ListStyle::Exploded {
            for value in values {
                self.query(name, value);
            }
            return;
        }
        // The separator is a delimiter, not data: it is written as is.
        let separator = match style {
            ListStyle::Space => "%20",
            ListStyle::Pipe => "|",
            ListStyle::Exploded | ListStyle::Comma => ",",
        };
        if !self.query.is_empty() {
            self.query.push('&');
        }
        encode_into(&mut self.query, name);
        self.query.push('=');
        for (index, value) in values.iter().enumerate() {
            if index > 0 {
                self.query.push_str(separator);
            }
            let mut raw = String::new();
            value.write_param(&mut raw);
            encode_into(&mut self.query, &raw);
        }
    }

    fn push_query(&mut self, name: &str, raw: &str) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        encode_into(&mut self.query, name);
        self.query.push('=');
        encode_into(&mut self.query, raw);
    }

    /// Sets a header parameter. A value that is not a valid header value
    /// (a line break, a control character) makes the request invalid: it is
    /// never sent.
    pub fn header<T: ParamValue + ?Sized>(&mut self, name: &str, value: &T) {
        let mut raw = String::new();
        value.write_param(&mut raw);
        let Ok(value) = HeaderValue::from_str(&raw) else {
            return self.reject(RequestError::new(format!(
                "the value of header `{name}` contains characters a header cannot carry"
            )));
        };
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else {
            return self.reject(RequestError::new(format!("`{name}` is not a valid header name")));
        };
        self.headers.insert(name, value);
    }

    /// Adds a cookie parameter.
    pub fn cookie<T: ParamValue + ?Sized>(&mut self, name: &str, value: &T) {
        if !self.cookies.is_empty() {
            self.cookies.push_str("; ");
        }
        let mut raw = String::new();
        value.write_param(&mut raw);
        encode_into(&mut self.cookies, name);
        self.cookies.push('=');
        encode_into(&mut self.cookies, &raw);
    }

    /// Sends `body` as JSON.
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = Body::Bytes {
                    content_type: "application/json",
                    bytes: bytes.into(),
                }
            }
            Err(e) => self.reject(RequestError::new(format!("the body does not serialize: {e}"))),
        }
    }

    /// Sends `body` as `application/x-www-form-urlencoded`; its properties
    /// must be scalars or lists of scalars.
    pub fn form<T: Serialize + ?Sized>(&mut self, body: &T) {
        match form_body(body) {
            Ok(bytes) => {
                self.body = Body::Bytes {
                    content_type: "application/x-www-form-urlencoded",
                    bytes,
                }
            }
            Err(error) => self.reject(error),
        }
    }

    /// Sends a `multipart/form-data` body; a form that could not be built
    /// makes the request invalid.
    pub fn multipart(&mut self, form: Result<Multipart, RequestError>) {
        match form {
            Ok(form) => self.body = Body::Multipart(form),
            Err(error) => self.reject(error),
        }
    }

    /// Sends raw bytes (or text) of the given media type.
    pub fn raw(&mut self, content_type: &'static str, bytes: impl Into<Bytes>) {
        self.body = Body::Bytes {
            content_type,
            bytes: bytes.into(),
        };
    }
}

/// A form body's encoding.
fn form_body<T: Serialize + ?Sized>(body: &T) -> Result<Bytes, RequestError> {
    let value = serde_json::to_value(body)
        .map_err(|e| RequestError::new(format!("the body does not serialize: {e}")))?;
    let serde_json::Value::Object(object) = value else {
        return Err(RequestError::new("a form body must be an object"));
    };
    let mut encoded = Request::new(Method::POST, String::new(), "", Auth::None);
    for (name, value) in &object {
        let values = match value {
            serde_json::Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for value in values {
            match value {
                serde_json::Value::Null => {}
                serde_json::Value::String(text) => encoded.push_query(name, text),
                serde_json::Value::Bool(_) | serde_json::Value::Number(_) => {
                    encoded.push_query(name, &value.to_string())
                }
                _ => {
                    return Err(RequestError::new(format!(
                        "form property `{name}` is not a scalar"
                    )))
                }
            }
        }
    }
    Ok(encoded.query.into_bytes().into())
}

/// A complete response: status, headers and the whole body.
#[derive(Debug, Clone)]
pub struct Response {
    operation: &'static str,
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl Response {
    /// A response as received.
    pub fn new(status: u16, headers: HeaderMap, body: Bytes) -> Self {
        Self {
            operation: "",
            status,
            headers,
            body,
        }
    }

    /// The same response, as the answer to `operation`, which every error
    /// made from it names.
    pub(super) fn in_operation(mut self, operation: &'static str) -> Self {
        self.operation = operation;
        self
    }

    /// The operation it answers (its operationId; empty for a request not
    /// built by an operation).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Decodes the body as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Failure> {
        decode(self.status, &self.body).map_err(|failure| failure.in_operation(self.operation))
    }

    /// Decodes the body as JSON if there is one (a 204 that declares a body
    /// usually has none).
    pub fn json_if_any<T: DeserializeOwned>(&self) -> Result<Option<T>, Failure> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        self.json().map(Some)
    }

    /// The body as text; it must be UTF-8.
    pub fn text(&self) -> Result<String, Failure> {
        String::from_utf8(self.body.to_vec()).map_err(|e| {
            Failure::from(DecodeError::new(
                self.status,
                ".",
                format!("the body is not UTF-8 text: {e}"),
                self.body.clone(),
            ))
            .in_operation(self.operation)
        })
    }

    /// The body as bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.body.to_vec()
    }

    /// The response as an error for a status the operation does not declare.
    pub fn into_status_error(self) -> StatusError {
        StatusError::new(self.status, self.headers, self.body).in_operation(self.operation)
    }

    /// The raw body, shared.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

/// Decodes JSON at serde_json's speed; only after a failure is the body
/// decoded again with path tracking, to say where it failed.
pub(super) fn decode<T: DeserializeOwned>(status: u16, body: &Bytes) -> Result<T, Failure> {
    serde_json::from_slice(body).map_err(|error| {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let traced: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
        let (path, message) = match traced {
            Err(traced) => (traced.path().to_string(), traced.into_inner().to_string()),
            Ok(_) => (".".to_string(), error.to_string()),
        };
        DecodeError::new(status, path, message, body.clone()).into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_params_cannot_escape_their_segment() {
        assert_eq!(path_param("a/b?c#d%e"), "a%2Fb%3Fc%23d%25e");
        assert_eq!(path_param("ünï"), "%C3%BCn%C3%AF");
        assert_eq!(path_param(".."), "..");
    }

    #[test]
    fn lists_follow_their_style() {
        let mut request = Request::new(Method::GET, "/".into(), "", Auth::None);
        request.query_list("id", &["a", "b,c"], ListStyle::Exploded);
        request.query_list("in", &["x", "y z"], ListStyle::Comma);
        request.query_list("p", &["1", "2"], ListStyle::Pipe);
        request.query_list("s", &["1", "2"], ListStyle::Space);
        assert_eq!(request.query, "id=a&id=b%2Cc&in=x,y%20z&p=1|2&s=1%202");
    }
}
