//! The generated crate's `mock` feature: a stand-in server for its users'
//! tests.
//!
//! The runtime's `mock` module wraps wiremock's server: an expectation is
//! the operation's own `Call`, built and not sent, and its answer is the
//! operation's own success type, so answering needs `Serialize` on response
//! types and the feature turns on `round-trip` too. Only a standalone crate
//! gets it: a module has no features, and wiremock belongs in
//! dev-dependencies.

use super::tree::{Cfg, Module, Piece};
use crate::emit::directions::ROUND_TRIP_FEATURE;
use crate::naming::Identifier;

/// The cargo feature that compiles the mock server.
pub const MOCK_FEATURE: &str = "mock";

/// The runtime's `mock` module, compiled with the feature.
pub fn runtime_module() -> Module {
    Module {
        name: Identifier::plain("mock"),
        public: true,
        doc: vec![
            "A stand-in authentik for tests of programs that use the client (the `mock` feature)."
                .into(),
        ],
        pieces: vec![Piece::Text(include_str!("../../runtime/mock.rs").into())],
        children: Vec::new(),
        cfg: Some(Cfg::Feature(MOCK_FEATURE.into())),
        file: None,
    }
}

/// The manifest's optional `wiremock` dependency.
pub const DEPENDENCY: &str = "wiremock = { version = \"0.6\", optional = true }\n";

/// The manifest's `[features]` entry.
pub fn feature_entry() -> String {
    format!(
        "# A mock server for tests of programs that use this crate (runtime::mock).\n{MOCK_FEATURE} = [\"dep:wiremock\", \"{ROUND_TRIP_FEATURE}\"]\n"
    )
}
