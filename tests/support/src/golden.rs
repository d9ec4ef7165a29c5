//! Golden files: generated code pinned in `tests/golden/`.
//!
//! A difference fails the test and prints a unified diff. To accept the new
//! output, run the test again with `UPDATE_GOLDEN=1`.

/// Compares `actual` with the golden file at `path` (relative to `tests/golden`).
pub fn assert_golden(path: &str, actual: &str) {
    let file = crate::workspace().join("tests/golden").join(path);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(file.parent().expect("golden files sit in a directory"))
            .expect("create golden directory");
        std::fs::write(&file, actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&file).unwrap_or_default();
    if expected != actual {
        let diff = similar::TextDiff::from_lines(&expected, actual)
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("tests/golden/{path} (expected)"),
                "generated (actual)",
            )
            .to_string();
        panic!(
            "generated code differs from tests/golden/{path}:\n{diff}\nIf the change is intended, accept it with:\n    UPDATE_GOLDEN=1 cargo test --test golden --test edge_cases\n"
        );
    }
}

/// Lines removed from and added to `old` to make `new`.
pub fn changed_lines(old: &str, new: &str) -> (usize, usize) {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut counts = (0, 0);
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Delete => counts.0 += 1,
            similar::ChangeTag::Insert => counts.1 += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    counts
}
