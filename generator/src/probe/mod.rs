//! Checking a live server against the model: what `check-server` does.
//!
//! The schema is the server's claim about itself; the server is the truth.
//! A probe calls every GET operation it safely can ([`plan`]), judges each
//! answer exactly as the generated client would decode it ([`decode`]),
//! and turns what does not decode into overrides ([`corrections`]). The
//! calls and the HTTP live in [`server`].
//!
//! Only [`plan`] is always built (the live test suite follows it too); the
//! rest needs the `probe` feature, which the command line turns on.

#[cfg(feature = "probe")]
pub mod corrections;
#[cfg(feature = "probe")]
pub mod decode;
pub mod plan;
#[cfg(feature = "probe")]
pub mod server;
