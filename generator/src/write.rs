//! Write: the output on disk, touching only files whose bytes changed.
//!
//! Unchanged files keep their modification time, so Cargo does not rebuild
//! what depends on them. Files are written to a temporary sibling and
//! renamed into place, so an interrupted run never leaves half a file.
//! A generated file that the new output no longer contains (a tag that
//! disappeared) is removed; files without the `@generated` marker are never
//! touched.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::emit::tree::GeneratedFile;
use crate::emit::MARKER;
use crate::error::{Error, ErrorKind};

/// What writing the files ([`Generator::write_to`](crate::Generator::write_to)) did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or rewritten, relative to the output directory.
    pub written: Vec<PathBuf>,
    /// Files already up to date.
    pub unchanged: usize,
    /// Stale generated files deleted.
    pub removed: Vec<PathBuf>,
}

/// How an output directory differs from what would be generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Files that would be created.
    pub missing: Vec<PathBuf>,
    /// Files whose contents differ, with the first differing line (1-based).
    pub changed: Vec<(PathBuf, usize)>,
    /// Generated files that would be removed.
    pub extra: Vec<PathBuf>,
}

impl CheckReport {
    /// Whether the directory is exactly what would be generated.
    pub fn is_fresh(&self) -> bool {
        self.missing.is_empty() && self.changed.is_empty() && self.extra.is_empty()
    }

    /// One line per difference, for people.
    pub fn summary(&self) -> String {
        let mut lines = Vec::new();
        for path in &self.missing {
            lines.push(format!("missing: {}", path.display()));
        }
        for (path, line) in &self.changed {
            lines.push(format!("changed: {} (from line {line})", path.display()));
        }
        for path in &self.extra {
            lines.push(format!("stale:   {}", path.display()));
        }
        lines.join("\n")
    }
}

/// Writes `files` under `dir`.
pub fn write(dir: &Path, files: &[GeneratedFile]) -> Result<WriteReport, Error> {
    let mut report = WriteReport::default();
    for file in files {
        let path = dir.join(&file.path);
        if fs::read(&path).is_ok_and(|existing| existing == file.contents.as_bytes()) {
            report.unchanged += 1;
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error(parent, "create directory", &e))?;
        }
        let temporary = path.with_extension("tmp-authentik-codegen");
        fs::write(&temporary, &file.contents).map_err(|e| io_error(&temporary, "write", &e))?;
        fs::rename(&temporary, &path).map_err(|e| io_error(&path, "replace", &e))?;
        report.written.push(file.path.clone());
    }
    for stale in stale_files(dir, files)? {
        let path = dir.join(&stale);
        fs::remove_file(&path).map_err(|e| io_error(&path, "remove", &e))?;
        report.removed.push(stale);
    }
    Ok(report)
}

/// Compares `dir` with `files` without writing anything.
pub fn check(dir: &Path, files: &[GeneratedFile]) -> Result<CheckReport, Error> {
    let mut report = CheckReport::default();
    for file in files {
        let path = dir.join(&file.path);
        match fs::read(&path) {
            Ok(existing) if existing == file.contents.as_bytes() => {}
            Ok(existing) => {
                let existing = String::from_utf8_lossy(&existing);
                let line = first_difference(&existing, &file.contents);
                report.changed.push((file.path.clone(), line));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                report.missing.push(file.path.clone())
            }
            Err(e) => return Err(io_error(&path, "read", &e)),
        }
    }
    report.extra = stale_files(dir, files)?;
    Ok(report)
}

fn first_difference(a: &str, b: &str) -> usize {
    let mut lines_a = a.lines();
    let mut lines_b = b.lines();
    let mut line = 1;
    loop {
        match (lines_a.next(), lines_b.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            // A line that differs, or one file ending before the other.
            _ => return line,
        }
    }
}

/// Generated `.rs` files under `dir/src` that `files` does not contain.
fn stale_files(dir: &Path, files: &[GeneratedFile]) -> Result<Vec<PathBuf>, Error> {
    let wanted: BTreeSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    let mut found = Vec::new();
    let src = dir.join("src");
    if src.is_dir() {
        walk(&src, &mut found)?;
    }
    let mut stale = Vec::new();
    for path in found {
        let Ok(relative) = path.strip_prefix(dir) else {
            continue;
        };
        if wanted.contains(relative) || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap_or_default();
        if text
            .lines()
            .next()
            .is_some_and(|first| first.contains(MARKER))
        {
            stale.push(relative.to_path_buf());
        }
    }
    stale.sort();
    Ok(stale)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let entries = fs::read_dir(dir).map_err(|e| io_error(dir, "list", &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error(dir, "list", &e))?;
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn io_error(path: &Path, action: &str, error: &std::io::Error) -> Error {
    Error::general(
        ErrorKind::Io,
        format!("cannot {action} {}: {error}", path.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile {
            path: PathBuf::from(path),
            contents: contents.into(),
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "authentik-codegen-write-{name}-{}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn writes_only_what_changed_and_removes_stale_generated_files() {
        let dir = scratch("changed");
        let first = [
            file("Cargo.toml", "# manifest\n"),
            file("src/lib.rs", "// @generated by authentik-codegen\nA\n"),
            file("src/old.rs", "// @generated by authentik-codegen\nB\n"),
        ];
        let report = write(&dir, &first).expect("first write");
        assert_eq!(report.written.len(), 3);
        fs::write(dir.join("src/mine.rs"), "// written by hand\n").expect("hand file");

        let second = [
            file("Cargo.toml", "# manifest\n"),
            file("src/lib.rs", "// @generated by authentik-codegen\nA2\n"),
        ];
        let check_report = check(&dir, &second).expect("check");
        assert_eq!(check_report.changed, vec![(PathBuf::from("src/lib.rs"), 2)]);
        assert_eq!(check_report.extra, vec![PathBuf::from("src/old.rs")]);
        assert!(!check_report.is_fresh());

        let report = write(&dir, &second).expect("second write");
        assert_eq!(report.written, vec![PathBuf::from("src/lib.rs")]);
        assert_eq!(report.unchanged, 1);
        assert_eq!(report.removed, vec![PathBuf::from("src/old.rs")]);
        assert!(dir.join("src/mine.rs").exists(), "hand-written files stay");
        assert!(check(&dir, &second).expect("check").is_fresh());
        fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn missing_files_are_reported() {
        let dir = scratch("missing");
        let report = check(&dir, &[file("src/lib.rs", "x\n")]).expect("check");
        assert_eq!(report.missing, vec![PathBuf::from("src/lib.rs")]);
        assert!(report.summary().contains("missing: src/lib.rs"));
    }
}
