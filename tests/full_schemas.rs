//! The real test: a client generated from each full authentik schema in
//! `../shared/schemas` compiles with no warnings, passes `clippy -D warnings`,
//! documents without warnings and uses no `unsafe`. The oldest, the release
//! the seed pages describe, also runs a smoke test inside the generated crate
//! (`tests/fixtures/full_schema_smoke.rs`); the newest runs against Prism in
//! `wire_full`.

use authentik_codegen::Generator;
use test_support::{crates, shared};

fn check_release(release: &str, run_smoke_test: bool) {
    let Some(schema) = shared::shared_file(&format!("schemas/authentik-{}.yml", release)) else {
        return;
    };
    let dir = crates::scratch_dir(&format!("full-{release}"));
    // The lint below is of the crate as users get it: no smoke test from an
    // earlier run, which needs a feature.
    let _ = std::fs::remove_dir_all(dir.join("tests"));
    let written = Generator::new(&schema)
        .write_to(&dir)
        .unwrap_or_else(|e| panic!("{release}: {e}"));
    let stats = written.generated.stats;
    eprintln!(
        "{release}: {} types, {} operations, {} left out, {} lines",
        stats.types, stats.operations, stats.left_out, stats.lines
    );
    assert_eq!(
        stats.left_out, 0,
        "{release}: {:#?}",
        written.generated.left_out
    );
    assert!(
        written.generated.diagnostics.is_empty(),
        "{release}: {:#?}",
        written.generated.diagnostics
    );
    // No unsafe code, and the crate says so to the compiler.
    assert_eq!(
        crates::files_using_unsafe(&written.generated.files),
        Vec::<String>::new()
    );
    let lib = std::fs::read_to_string(dir.join("src/lib.rs")).expect("lib.rs");
    assert!(lib.contains("#![forbid(unsafe_code)]"), "{release}");
    crates::cargo(
        &dir,
        &["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"],
    );
    crates::cargo_with_env(
        &dir,
        &["doc", "--quiet", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    );
    if run_smoke_test {
        crates::copy_into(
            &dir,
            "tests/fixtures/full_schema_smoke.rs",
            "tests/smoke.rs",
        );
        // The smoke test round-trips response types: both serde halves.
        let output = crates::cargo(
            &dir,
            &[
                "test",
                "--quiet",
                "--features",
                "round-trip",
                "--test",
                "smoke",
            ],
        );
        assert!(output.contains("test result: ok"), "{output}");
    }
}

#[test]
#[ignore = "builds a full client; run with --include-ignored (the README's test command does)"]
fn authentik_2024_8_3_compiles_clean_and_decodes() {
    check_release("2024.8.3", true);
}

#[test]
#[ignore = "builds a full client; run with --include-ignored (the README's test command does)"]
fn authentik_2025_6_4_compiles_clean() {
    check_release("2025.6.4", false);
}

#[test]
#[ignore = "builds a full client; run with --include-ignored (the README's test command does)"]
fn authentik_2026_5_6_compiles_clean() {
    check_release("2026.5.6", false);
}

#[test]
#[ignore = "builds a full client; run with --include-ignored (the README's test command does)"]
fn authentik_2026_11_0_rc1_compiles_clean_whole_and_stages_only() {
    check_release("2026.11.0-rc1", false);
    // Per-tag features: the stages tag alone, and no tag at all, build clean too.
    let dir = crates::scratch_dir("full-2026.11.0-rc1");
    for features in [
        &["--no-default-features", "--features", "stages"][..],
        &["--no-default-features"][..],
    ] {
        let mut args = vec!["clippy", "--quiet"];
        args.extend_from_slice(features);
        args.extend_from_slice(&["--", "-D", "warnings"]);
        crates::cargo(&dir, &args);
    }
}
