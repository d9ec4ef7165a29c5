//! The `respond` target's input: which operation to call, how, and the
//! replies the stand-in server gives, one per request, in a byte format
//! the seed writer can write and the fuzzer can mutate a field at a time.
//!
//! ```text
//! u16 LE   operation index (taken modulo the number of operations)
//! u8       mode: bit 0 walks the pages (for paginated lists), bit 1 asks
//!          for the response beside the value
//! then, until the input ends, replies:
//!   u16 LE   status (taken into 100..=599)
//!   u8       content type: one of CONTENT_TYPES, or none past its end
//!   u8       extra header count, then each as u8 length + name,
//!            u8 length + value
//!   u32 LE   body length (cut to what is left), then the body
//! ```

/// The content types a reply can declare, by index.
pub const CONTENT_TYPES: [&str; 6] = [
    "application/json",
    "application/json; charset=utf-8",
    "text/html; charset=utf-8",
    "text/plain",
    "application/problem+json",
    "application/octet-stream",
];

/// One reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The status, 100 to 599.
    pub status: u16,
    /// An index into [`CONTENT_TYPES`], or none.
    pub content_type: Option<u8>,
    /// Extra headers, as bytes (the target drops those HTTP cannot carry).
    pub headers: Vec<(Vec<u8>, Vec<u8>)>,
    /// The body.
    pub body: Vec<u8>,
}

/// A whole input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The operation, before the modulo.
    pub operation: u16,
    /// Walk the pages of a paginated list.
    pub stream: bool,
    /// Ask for the response beside the value.
    pub with_response: bool,
    /// The replies, in order.
    pub replies: Vec<Reply>,
}

impl Input {
    /// Reads an input; any bytes are one (what is missing is zero or empty).
    pub fn parse(data: &[u8]) -> Self {
        let mut bytes = Bytes(data);
        let operation = bytes.u16();
        let mode = bytes.u8();
        let mut replies = Vec::new();
        while !bytes.0.is_empty() {
            let status = 100 + bytes.u16() % 500;
            let content_type = bytes.u8();
            let content_type =
                (usize::from(content_type) < CONTENT_TYPES.len()).then_some(content_type);
            let count = bytes.u8() % 8;
            let headers = (0..count)
                .map(|_| {
                    let length = bytes.u8();
                    let name = bytes.take(length.into()).to_vec();
                    let length = bytes.u8();
                    let value = bytes.take(length.into()).to_vec();
                    (name, value)
                })
                .collect();
            let length = bytes.u32() as usize;
            let body = bytes.take(length).to_vec();
            replies.push(Reply {
                status,
                content_type,
                headers,
                body,
            });
        }
        Self {
            operation,
            stream: mode & 1 != 0,
            with_response: mode & 2 != 0,
            replies,
        }
    }

    /// The bytes [`Input::parse`] reads back as this input.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&self.operation.to_le_bytes());
        out.push(u8::from(self.stream) | (u8::from(self.with_response) << 1));
        for reply in &self.replies {
            out.extend_from_slice(&(reply.status - 100).to_le_bytes());
            out.push(reply.content_type.unwrap_or(u8::MAX));
            out.push(u8::try_from(reply.headers.len()).expect("under 8 headers"));
            for (name, value) in &reply.headers {
                for part in [name, value] {
                    out.push(u8::try_from(part.len()).expect("a short header"));
                    out.extend_from_slice(part);
                }
            }
            let length = u32::try_from(reply.body.len()).expect("a body under 4 GiB");
            out.extend_from_slice(&length.to_le_bytes());
            out.extend_from_slice(&reply.body);
        }
        out
    }
}

/// What is left of the input.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn take(&mut self, n: usize) -> &[u8] {
        let (taken, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        taken
    }

    fn u8(&mut self) -> u8 {
        self.take(1).first().copied().unwrap_or(0)
    }

    fn u16(&mut self) -> u16 {
        let mut b = [0; 2];
        let taken = self.take(2);
        b[..taken.len()].copy_from_slice(taken);
        u16::from_le_bytes(b)
    }

    fn u32(&mut self) -> u32 {
        let mut b = [0; 4];
        let taken = self.take(4);
        b[..taken.len()].copy_from_slice(taken);
        u32::from_le_bytes(b)
    }
}
