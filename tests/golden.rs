//! The generated code for the seed endpoints, pinned.
//!
//! For each endpoint the seed pages document, the client generated from the
//! full authentik 2024.8.3 schema (the release the pages describe) with only
//! that operation is compared with `tests/golden/<operationId>/`. Accept an
//! intended change with `UPDATE_GOLDEN=1 cargo test --test golden`.

use authentik_codegen::Generator;
use test_support::{crates, golden, shared};

const SEED_OPERATIONS: [&str; 4] = [
    "stages_invitation_invitations_list",
    "stages_invitation_invitations_create",
    "stages_invitation_invitations_partial_update",
    "stages_user_write_partial_update",
];

/// The files of a generated crate that depend on the schema (the runtime
/// and manifest are the same for every operation).
const PINNED: [&str; 3] = ["src/types.rs", "src/apis/stages.rs", "src/error.rs"];

fn generate(operation: &str) -> Option<authentik_codegen::Generated> {
    let schema = shared::shared_file(&format!("schemas/authentik-{}.yml", "2024.8.3"))?;
    let generated = Generator::new(schema)
        .only_operations([operation])
        .generate()
        .unwrap_or_else(|e| panic!("generating {operation}: {e}"));
    Some(generated)
}

#[test]
fn seed_endpoints_match_their_golden_files() {
    for operation in SEED_OPERATIONS {
        let Some(generated) = generate(operation) else {
            return;
        };
        for pinned in PINNED {
            let file = generated
                .files
                .iter()
                .find(|f| f.path.to_str() == Some(pinned))
                .unwrap_or_else(|| panic!("{operation}: no {pinned} generated"));
            let name = pinned.trim_start_matches("src/").replace('/', "-");
            golden::assert_golden(&format!("{operation}/{name}"), &file.contents);
        }
    }
}

#[test]
fn seed_endpoints_bring_exactly_the_types_they_use() {
    let Some(generated) = generate("stages_invitation_invitations_partial_update") else {
        return;
    };
    let types = &generated
        .files
        .iter()
        .find(|f| f.path.to_str() == Some("src/types.rs"))
        .expect("types.rs")
        .contents;
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

/// The golden crates are not only text: each compiles, clippy-clean.
#[test]
#[ignore = "builds four crates; run with --include-ignored (the README's test command does)"]
fn golden_crates_compile_without_warnings() {
    for operation in SEED_OPERATIONS {
        let Some(generated) = generate(operation) else {
            return;
        };
        let dir = crates::scratch_dir(&format!("golden-{operation}"));
        generated.write_to(&dir).expect("write crate");
        crates::cargo(
            &dir,
            &["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"],
        );
    }
}
