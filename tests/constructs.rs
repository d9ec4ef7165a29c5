//! One small fixture per construct class, in `tests/fixtures/constructs/`:
//! `<name>.yml` is generated into a crate called `<name>`, `<name>.rs` is
//! copied into it as its wire test (against the recording server). Every
//! crate must compile, lint clean, document without warnings and pass its
//! test; the warnings each
//! fixture is expected to raise are listed here, and no others may appear.

use authentik_codegen::Generator;
use test_support::crates;

/// Each fixture and the warnings its generation must raise, by substring.
const FIXTURES: &[(&str, &[&str])] = &[
    ("multipart_without_files", &[]),
    ("integer_enums", &[]),
    ("success_by_status", &[]),
    ("scalar_union_params", &[]),
    ("refs_into_schemas", &[]),
    ("properties_beside_union", &[]),
    ("allof_values", &["`allOf` members of different types"]),
    ("errors_by_status", &[]),
    (
        "enum_varnames",
        &[
            "`x-enum-varnames` has 1 names for 2 values",
            "`x-enum-varnames` entry `2bad` is not a Rust identifier",
        ],
    ),
];

fn fixture(name: &str, extension: &str) -> std::path::PathBuf {
    test_support::workspace()
        .join("tests/fixtures/constructs")
        .join(format!("{name}.{extension}"))
}

#[test]
fn each_fixture_raises_exactly_its_warnings() {
    for (name, expected) in FIXTURES {
        let generated = Generator::new(fixture(name, "yml"))
            .crate_name(*name)
            .generate()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let warnings: Vec<String> = generated
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(warnings.len(), expected.len(), "{name}: {warnings:#?}");
        for wanted in *expected {
            assert!(
                warnings.iter().any(|w| w.contains(wanted)),
                "{name}: no `{wanted}` in {warnings:#?}"
            );
        }
        assert!(
            generated.left_out.is_empty(),
            "{name}: {:?}",
            generated.left_out
        );
    }
}

#[test]
fn each_fixture_compiles_lints_documents_and_passes_its_wire_test() {
    let dir = crates::scratch_dir("constructs");
    let mut members = Vec::new();
    for (name, _) in FIXTURES {
        let crate_dir = dir.join(name);
        let _ = std::fs::remove_dir_all(&crate_dir);
        Generator::new(fixture(name, "yml"))
            .crate_name(*name)
            .write_to(&crate_dir)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        crates::add_test_dependencies(&crate_dir);
        crates::copy_into(
            &crate_dir,
            &format!("tests/fixtures/constructs/{name}.rs"),
            "tests/wire.rs",
        );
        crates::copy_into(
            &crate_dir,
            "tests/support/src/recorder.rs",
            "tests/support/recorder.rs",
        );
        members.push(name.to_string());
    }
    crates::write_workspace(&dir, &members);
    // The library as users get it, then everything with both serde halves,
    // which the wire tests use to look at what a value encodes to.
    crates::cargo(
        &dir,
        &[
            "clippy",
            "--quiet",
            "--workspace",
            "--lib",
            "--",
            "-D",
            "warnings",
        ],
    );
    crates::cargo(
        &dir,
        &[
            "clippy",
            "--quiet",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
    );
    crates::cargo_with_env(
        &dir,
        &["doc", "--quiet", "--no-deps", "--workspace"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    );
    let output = crates::cargo(
        &dir,
        &[
            "test",
            "--quiet",
            "--workspace",
            "--all-features",
            "--test",
            "wire",
        ],
    );
    let passed: usize = output
        .lines()
        .filter_map(|line| line.strip_prefix("test result: ok. "))
        .filter_map(|rest| rest.split(' ').next()?.parse::<usize>().ok())
        .sum();
    let written: usize = FIXTURES
        .iter()
        .map(|(name, _)| {
            let text = std::fs::read_to_string(fixture(name, "rs")).expect("wire test");
            text.matches("#[test]").count() + text.matches("#[tokio::test]").count()
        })
        .sum();
    assert_eq!(passed, written, "{output}");
}
