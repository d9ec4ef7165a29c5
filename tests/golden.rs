//! The generated code, pinned: `tests/golden/` (see its README).
//!
//! Two golden sets. `seeds`: for each endpoint the seed pages document, the
//! client generated from the full authentik 2024.8.3 schema (the release the
//! pages describe) with only that operation. `edge-cases`: the client of
//! `tests/fixtures/edge-cases.yml`, one of every construct the generator
//! handles. Each case pins every file that depends on the schema; the
//! goldens also compile and lint clean, in the normal test run. The seed
//! set needs `../shared/schemas`: without it these tests fail, since a
//! golden test that compared nothing must not pass.
//!
//! Accept an intended change with
//! `UPDATE_GOLDEN=1 cargo test --test golden --test edge_cases`.

use authentik_codegen::{GeneratedFile, Generator};
use test_support::{crates, golden};

const SEED_OPERATIONS: [&str; 4] = [
    "stages_invitation_invitations_list",
    "stages_invitation_invitations_create",
    "stages_invitation_invitations_partial_update",
    "stages_user_write_partial_update",
];

fn seed(operation: &str) -> Vec<GeneratedFile> {
    let path = test_support::shared::shared_dir().join("schemas/authentik-2024.8.3.yml");
    assert!(
        path.is_file(),
        "{} is missing: the seed goldens are generated from it",
        path.display()
    );
    Generator::new(path)
        .only_operations([operation])
        .generate()
        .unwrap_or_else(|e| panic!("generating {operation}: {e}"))
        .files
}

fn seeds() -> Vec<(&'static str, Vec<GeneratedFile>)> {
    SEED_OPERATIONS.iter().map(|op| (*op, seed(op))).collect()
}

fn edge_cases() -> Vec<GeneratedFile> {
    let schema = test_support::workspace().join("tests/fixtures/edge-cases.yml");
    Generator::new(schema).generate().expect("generates").files
}

fn text<'f>(files: &'f [GeneratedFile], path: &str) -> &'f str {
    files
        .iter()
        .find(|f| f.path.to_str() == Some(path))
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| panic!("no {path} generated"))
}

#[test]
fn seed_endpoints_match_their_golden_files() {
    golden::assert_set("seeds", &seeds());
}

#[test]
fn edge_cases_match_their_golden_files() {
    golden::assert_set("edge-cases", &[("edge-cases", edge_cases())]);
}

#[test]
fn seed_endpoints_bring_exactly_the_types_they_use() {
    let files = seed("stages_invitation_invitations_partial_update");
    let types = text(&files, "src/types.rs");
    for name in [
        "pub struct Invitation ",
        "pub struct PatchedInvitationRequest ",
        "pub struct GroupMember ",
        "pub struct Flow ",
        "pub enum FlowDesignationEnum ",
        "pub enum PolicyEngineMode ",
        "pub enum FlowLayoutEnum ",
        "pub enum DeniedActionEnum ",
        "pub enum AuthenticationEnum ",
        "pub struct ValidationError ",
        "pub struct GenericError ",
    ] {
        assert!(types.contains(name), "missing `{name}`");
    }
    for absent in [
        "pub struct UserWriteStage ",
        "pub struct PaginatedInvitationList ",
    ] {
        assert!(
            !types.contains(absent),
            "`{absent}` is not used by this operation"
        );
    }
}

/// The golden crates are not only text: every case compiles, clippy-clean,
/// in one workspace so their dependencies build once.
#[test]
fn golden_crates_compile_without_warnings() {
    let mut cases = seeds();
    cases.push(("edge-cases", edge_cases()));
    let dir = crates::scratch_dir("golden-crates");
    let mut members = Vec::new();
    for (case, files) in &cases {
        let crate_dir = dir.join(case);
        let _ = std::fs::remove_dir_all(&crate_dir);
        for file in files {
            let path = crate_dir.join(&file.path);
            std::fs::create_dir_all(path.parent().expect("in a directory")).expect("mkdir");
            // One workspace cannot hold two packages of the same name.
            let contents = if file.path.to_str() == Some("Cargo.toml") {
                file.contents
                    .replacen("\nname = \"", &format!("\nname = \"golden-{case}-"), 1)
            } else {
                file.contents.clone()
            };
            std::fs::write(path, contents).expect("write");
        }
        members.push(case.to_string());
    }
    crates::write_workspace(&dir, &members);
    crates::cargo(
        &dir,
        &[
            "clippy",
            "--quiet",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    );
}
