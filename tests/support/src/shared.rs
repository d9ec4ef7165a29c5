//! Finding the data in `../shared` (the real authentik schemas and the seed
//! pages). A test that needs it skips with a message when it is missing,
//! except when `CI` is set: then a missing file is a failure.

use std::path::PathBuf;

/// `../shared` next to the checkout, or `AUTHENTIK_SHARED_DIR`.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("AUTHENTIK_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::workspace().join("../shared"))
}

/// A file under the shared directory, or `None` (outside CI) when missing.
pub fn shared_file(relative: &str) -> Option<PathBuf> {
    let path = shared_dir().join(relative);
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is missing and CI is set: tests that need ../shared fail rather than skip",
        path.display()
    );
    eprintln!(
        "skipping: {} not found (set CI=1 to make this a failure)",
        path.display()
    );
    None
}
