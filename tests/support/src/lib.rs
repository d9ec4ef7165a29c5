//! Helpers the root package's tests share.
//!
//! A library rather than modules included by each test, so a helper one test
//! does not use is not dead code there.

pub mod crates;
pub mod faults;
pub mod golden;
pub mod live;
pub mod prism;
pub mod recorder;
pub mod replay;
pub mod shared;
pub mod sweep;

use std::path::PathBuf;

/// The workspace root.
pub fn workspace() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| manifest.join("../.."))
}
