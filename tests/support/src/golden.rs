//! Golden files: generated code pinned in `tests/golden/`.
//!
//! A golden set is a directory of cases, each the crate generated from one
//! fixture, pinned file by file under the generated crate's own paths
//! (`src/apis/stages.rs`) minus the runtime, which is the same for every
//! schema. A file every case of a set generates alike is kept once, in the
//! set's `shared/` directory; a set of one case keeps its files in the set's
//! directory itself. A difference fails the test with a unified diff; a
//! golden file no case generates any more fails it too. To accept new
//! output, run the test again with `UPDATE_GOLDEN=1`: it rewrites the set,
//! moving files between `shared/` and the cases as they become alike or not.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use authentik_codegen::GeneratedFile;

/// The command that accepts intended changes.
const UPDATE: &str = "UPDATE_GOLDEN=1 cargo test --test golden --test edge_cases";

/// Checks (or, with `UPDATE_GOLDEN`, rewrites) the golden set `set` (a
/// directory under `tests/golden`) against `cases`: case name and the files
/// generated for it.
pub fn assert_set(set: &str, cases: &[(&str, Vec<GeneratedFile>)]) {
    let root = crate::workspace().join("tests/golden").join(set);
    let expected = layout(&root, cases);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(&root);
        for (path, contents) in &expected {
            std::fs::create_dir_all(path.parent().expect("golden files sit in a directory"))
                .expect("create golden directory");
            std::fs::write(path, contents).expect("write golden file");
        }
        return;
    }
    let mut failures = Vec::new();
    for (path, contents) in &expected {
        let pinned = std::fs::read_to_string(path).unwrap_or_default();
        if pinned != *contents {
            failures.push(difference(path, &pinned, contents));
        }
    }
    let wanted: BTreeSet<&PathBuf> = expected.keys().collect();
    for stale in files_under(&root) {
        if !wanted.contains(&stale) && stale.file_name().is_some_and(|n| n != "README.md") {
            failures.push(format!(
                "{} is pinned but nothing generates it (or it moved in or out of shared/)",
                relative(&stale)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nIf the change is intended, accept it with:\n    {UPDATE}\n",
        failures.join("\n")
    );
}

/// Where each pinned file of each case belongs, with its contents.
fn layout(root: &Path, cases: &[(&str, Vec<GeneratedFile>)]) -> BTreeMap<PathBuf, String> {
    let pinned = |case: &[GeneratedFile]| -> BTreeMap<PathBuf, String> {
        case.iter()
            .filter(|f| !f.path.starts_with("src/runtime"))
            .map(|f| (f.path.clone(), f.contents.clone()))
            .collect()
    };
    let cases: Vec<(&str, BTreeMap<PathBuf, String>)> = cases
        .iter()
        .map(|(name, files)| (*name, pinned(files)))
        .collect();
    let mut out = BTreeMap::new();
    if let [(_, files)] = cases.as_slice() {
        for (path, contents) in files {
            out.insert(root.join(path), contents.clone());
        }
        return out;
    }
    let all_paths: BTreeSet<&PathBuf> = cases.iter().flat_map(|(_, files)| files.keys()).collect();
    for path in all_paths {
        let versions: BTreeSet<Option<&String>> =
            cases.iter().map(|(_, files)| files.get(path)).collect();
        match versions.into_iter().collect::<Vec<_>>().as_slice() {
            [Some(alike)] => {
                out.insert(root.join("shared").join(path), (*alike).clone());
            }
            _ => {
                for (name, files) in &cases {
                    if let Some(contents) = files.get(path) {
                        out.insert(root.join(name).join(path), contents.clone());
                    }
                }
            }
        }
    }
    out
}

fn difference(path: &Path, pinned: &str, generated: &str) -> String {
    let diff = similar::TextDiff::from_lines(pinned, generated)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{} (pinned)", relative(path)), "generated")
        .to_string();
    format!("generated code differs from {}:\n{diff}", relative(path))
}

fn relative(path: &Path) -> String {
    path.strip_prefix(crate::workspace())
        .unwrap_or(path)
        .display()
        .to_string()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries {
        let path = entry.expect("read golden directory").path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
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
