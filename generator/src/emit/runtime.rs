//! The runtime: hand-written support code copied into every generated crate.
//!
//! It lives in `generator/runtime/` as ordinary Rust files, is compiled and
//! linted as part of `generated-client`, and is copied verbatim.

/// One file of the runtime module.
pub struct RuntimeFile {
    /// Module name.
    pub name: &'static str,
    /// Whether the module is `pub` (its items are part of the client's API).
    pub public: bool,
    /// The module's one-line documentation.
    pub doc: &'static str,
    /// The file's source.
    pub source: &'static str,
}

/// Documentation of the `runtime` module itself.
pub const RUNTIME_DOC: &str =
    "Support code shared by every generated client: presence, enums, unions, uploads.";

/// The body of `runtime/mod.rs` (re-exports; the submodules are declared by
/// the emitter).
pub const RUNTIME_ROOT: &str = include_str!("../../runtime/mod.rs");

/// The runtime's submodules, in declaration order.
pub const RUNTIME_FILES: &[RuntimeFile] = &[
    RuntimeFile {
        name: "call",
        public: false,
        doc: "One operation's request, sent when awaited, and how its answer is read.",
        source: include_str!("../../runtime/call.rs"),
    },
    RuntimeFile {
        name: "client",
        public: false,
        doc: "The client: base URL, credentials, timeouts, retries, sending.",
        source: include_str!("../../runtime/client.rs"),
    },
    RuntimeFile {
        name: "credential",
        public: false,
        doc: "The API token: fixed, or asked for before each call; never printed.",
        source: include_str!("../../runtime/credential.rs"),
    },
    RuntimeFile {
        name: "enums",
        public: false,
        doc: "Decoding string enums without failing on values a newer server adds.",
        source: include_str!("../../runtime/enums.rs"),
    },
    RuntimeFile {
        name: "error",
        public: false,
        doc: "What can go wrong below the level of the API.",
        source: include_str!("../../runtime/error.rs"),
    },
    RuntimeFile {
        name: "multipart",
        public: false,
        doc: "Multipart bodies and the files they upload.",
        source: include_str!("../../runtime/multipart.rs"),
    },
    RuntimeFile {
        name: "nullable",
        public: false,
        doc: "The three-valued presence of optional, nullable properties.",
        source: include_str!("../../runtime/nullable.rs"),
    },
    RuntimeFile {
        name: "object",
        public: false,
        doc: "Decoding objects into structs: one key lookup shared by every struct.",
        source: include_str!("../../runtime/object.rs"),
    },
    RuntimeFile {
        name: "pagination",
        public: false,
        doc: "Walking paginated lists as streams.",
        source: include_str!("../../runtime/pagination.rs"),
    },
    RuntimeFile {
        name: "param",
        public: false,
        doc: "How values travel as text: in paths, query strings, headers and form parts.",
        source: include_str!("../../runtime/param.rs"),
    },
    RuntimeFile {
        name: "request",
        public: false,
        doc: "Requests and responses: parameters, encoding, bodies, decoding.",
        source: include_str!("../../runtime/request.rs"),
    },
    RuntimeFile {
        name: "union",
        public: true,
        doc: "Encoding and decoding discriminated unions.",
        source: include_str!("../../runtime/union.rs"),
    },
];
