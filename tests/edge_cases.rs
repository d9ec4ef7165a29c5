//! The crate generated from `tests/fixtures/edge-cases.yml`, which holds one of
//! every construct the generator handles (its files are pinned in
//! `tests/golden/edge-cases`, see `tests/golden.rs`): its collisions are
//! reported, and the crate is built, linted, documented and tested with
//! `tests/fixtures/edge_cases_round_trip.rs`.

use authentik_codegen::{ErrorKind, Generator};
use test_support::crates;

fn schema() -> std::path::PathBuf {
    test_support::workspace().join("tests/fixtures/edge-cases.yml")
}

#[test]
fn collisions_are_resolved_and_reported() {
    let generated = Generator::new(schema()).generate().expect("generates");
    let messages: Vec<String> = generated
        .diagnostics
        .iter()
        .filter(|d| d.kind == ErrorKind::NameCollision)
        .map(ToString::to_string)
        .collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(
        messages[0].contains("#/components/schemas/Everything"),
        "{}",
        messages[0]
    );
    assert!(messages[0].contains("`foo_bar_2`"), "{}", messages[0]);
    let strict = Generator::new(schema())
        .strict(true)
        .generate()
        .expect_err("strict fails");
    assert_eq!(strict.kind, ErrorKind::NameCollision);
    assert!(strict.message.contains("and 2 more"), "{strict}");
}

#[test]
#[ignore = "builds a crate; run with --include-ignored (the README's test command does)"]
fn edge_case_crate_builds_lints_documents_and_round_trips() {
    let dir = crates::scratch_dir("edge-cases");
    Generator::new(schema()).write_to(&dir).expect("writes");
    crates::add_test_dependencies(&dir);
    for (fixture, test) in [
        (
            "tests/fixtures/edge_cases_round_trip.rs",
            "tests/round_trip.rs",
        ),
        ("tests/fixtures/edge_cases_requests.rs", "tests/requests.rs"),
        ("tests/support/src/recorder.rs", "tests/support/recorder.rs"),
    ] {
        crates::copy_into(&dir, fixture, test);
    }
    // The library as users get it; then the round trips, which need both
    // serde halves.
    crates::cargo(
        &dir,
        &["clippy", "--quiet", "--lib", "--", "-D", "warnings"],
    );
    crates::cargo(
        &dir,
        &[
            "clippy",
            "--quiet",
            "--all-targets",
            "--features",
            "round-trip",
            "--",
            "-D",
            "warnings",
        ],
    );
    crates::cargo_with_env(
        &dir,
        &["doc", "--quiet", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    );
    let output = crates::cargo(&dir, &["test", "--quiet", "--features", "round-trip"]);
    // The round trips, then the requests: whole counts, so a test that
    // stops being copied or compiled is noticed.
    assert!(output.contains("ok. 11 passed;"), "{output}");
    assert!(output.contains("ok. 8 passed;"), "{output}");
}
