//! Generating crates into scratch directories and running cargo on them.
//!
//! Scratch crates live outside the workspace (so cargo does not mistake them
//! for members) and share one target directory under `target/`, so the
//! dependencies of every generated crate are built once per checkout.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::workspace;

/// A fresh scratch directory for a generated crate called `name`.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("authentik-codegen-tests-{}", whoami()))
        .join(name);
    std::fs::create_dir_all(&dir).expect("create scratch directory");
    // Start from the workspace's resolved versions so every run builds the same.
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
    dir
}

fn whoami() -> String {
    std::env::var("USER").unwrap_or_else(|_| "user".into())
}

/// Makes `dir` a workspace of the crates in its subdirectories `members`,
/// so cargo builds their shared dependencies once.
pub fn write_workspace<S: AsRef<str>>(dir: &Path, members: &[S]) {
    let members: Vec<String> = members
        .iter()
        .map(|member| format!("{:?}", member.as_ref()))
        .collect();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nmembers = [{}]\nresolver = \"2\"\n",
            members.join(", ")
        ),
    )
    .expect("write workspace manifest");
}

/// Runs `cargo <args>` in `dir` with the shared target directory, failing
/// the test with cargo's output if it fails.
pub fn cargo(dir: &Path, args: &[&str]) -> String {
    cargo_with_env(dir, args, &[])
}

/// [`cargo`] with extra environment variables.
pub fn cargo_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(args)
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target").join("generated-crates"),
        )
        .env_remove("RUSTFLAGS")
        .env("CARGO_TERM_COLOR", "never");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "`cargo {}` failed in {}:\n{stdout}\n{stderr}",
        args.join(" "),
        dir.display()
    );
    format!("{stdout}{stderr}")
}

/// Adds what tests inside a generated crate need to its manifest.
pub fn add_test_dependencies(dir: &Path) {
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).expect("read Cargo.toml");
    text.push_str("\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n");
    std::fs::write(manifest, text).expect("write Cargo.toml");
}

/// Copies a file of this repository into a generated crate.
pub fn copy_into(dir: &Path, from: &str, to: &str) {
    let target = dir.join(to);
    std::fs::create_dir_all(target.parent().expect("a parent")).expect("create directory");
    std::fs::copy(workspace().join(from), target).expect("copy");
}

/// The generated Rust files that use the `unsafe` keyword, by path. Looks
/// at tokens, not text, so documentation that mentions the word is not a
/// use of it.
pub fn files_using_unsafe(files: &[authentik_codegen::GeneratedFile]) -> Vec<String> {
    fn uses(tokens: proc_macro2::TokenStream) -> bool {
        tokens.into_iter().any(|token| match token {
            proc_macro2::TokenTree::Ident(ident) => ident == "unsafe",
            proc_macro2::TokenTree::Group(group) => uses(group.stream()),
            _ => false,
        })
    }
    files
        .iter()
        .filter(|file| file.path.extension().is_some_and(|ext| ext == "rs"))
        .filter(|file| {
            let tokens: proc_macro2::TokenStream = file
                .contents
                .parse()
                .unwrap_or_else(|e| panic!("{} does not lex: {e}", file.path.display()));
            uses(tokens)
        })
        .map(|file| file.path.display().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use authentik_codegen::GeneratedFile;

    #[test]
    fn finds_the_keyword_not_the_word() {
        let file = |path: &str, contents: &str| GeneratedFile {
            path: path.into(),
            contents: contents.into(),
        };
        let files = [
            file(
                "src/lib.rs",
                "#![forbid(unsafe_code)]\n/// Never unsafe.\npub fn a() {}",
            ),
            file("src/b.rs", "pub fn b() { let s = \"unsafe\"; }"),
            file("src/c.rs", "impl X { fn c(&self) { unsafe { f() } } }"),
            file("Cargo.toml", "unsafe = 1"),
        ];
        assert_eq!(super::files_using_unsafe(&files), ["src/c.rs"]);
    }
}
