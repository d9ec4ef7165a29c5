//! The root package's build script: `AUTHENTIK_SCHEMA` swaps in another
//! schema, a broken schema fails the build with a readable message, and a
//! rebuild with nothing changed does not run the generator again.

use std::path::Path;
use std::process::{Command, Output};

use test_support::{shared, workspace};

/// `cargo check` of the root library alone, in its own target directory.
fn check_root(schema: &Path, target: &str) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    Command::new(cargo)
        .args([
            "check",
            "--quiet",
            "--lib",
            "-p",
            "authentik",
            "--message-format=json",
        ])
        .current_dir(workspace())
        .env("AUTHENTIK_SCHEMA", schema)
        .env("CARGO_TARGET_DIR", workspace().join("target").join(target))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs")
}

/// The `out_dir` the build script of `authentik` reported, from cargo's JSON
/// messages (its build directory is `build/authentik-<hash>`; no other
/// package of that name prefix has a build script).
fn out_dir(stdout: &str) -> Option<String> {
    stdout
        .lines()
        .filter(|line| line.contains("\"reason\":\"build-script-executed\""))
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|message| message["out_dir"].as_str().map(str::to_string))
        .find(|dir| dir.contains("/build/authentik-"))
}

#[test]
#[ignore = "builds the root package against a full schema; run with --include-ignored (the README's test command does)"]
fn authentik_schema_swaps_in_a_full_schema() {
    let Some(schema) = shared::shared_file("schemas/authentik-2026.11.0-rc1.yml") else {
        return;
    };
    let output = check_root(&schema, "build-script-full");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let out_dir = out_dir(&stdout).expect("the build script ran");
    let generated = std::fs::read_to_string(Path::new(&out_dir).join("lib.rs")).expect("generated");
    for api in [
        "pub fn providers(&self)",
        "pub struct OAuth2Provider {",
        "pub enum ChallengeTypes {",
    ] {
        assert!(generated.contains(api), "`{api}` is generated");
    }
    assert!(generated.contains("(authentik 2026.11.0-rc1)"));

    // Nothing changed: the build script does not run again.
    let again = check_root(&schema, "build-script-full");
    assert!(again.status.success());
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(library_was_fresh(&stdout), "no rerun expected:\n{stdout}");
}

/// Whether cargo reused the root library as it was (so the build script
/// did not run again).
fn library_was_fresh(stdout: &str) -> bool {
    stdout.lines().any(|line| {
        line.contains("\"reason\":\"compiler-artifact\"")
            && line.contains("\"fresh\":true")
            && line.contains("\"name\":\"authentik\"")
    })
}

#[test]
#[ignore = "builds the root package; run with --include-ignored (the README's test command does)"]
fn a_broken_schema_fails_the_build_with_file_and_pointer() {
    let broken = std::env::temp_dir().join(format!("authentik-broken-{}.yml", std::process::id()));
    std::fs::write(
        &broken,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Invitation:\n      type: object\n      properties:\n        flow: {$ref: '#/components/schemas/Flw'}\n",
    )
    .expect("write");
    let output = check_root(&broken, "build-script-broken");
    assert!(
        !output.status.success(),
        "a broken schema must fail the build"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("authentik client generation failed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("#/components/schemas/Invitation/properties/flow/$ref"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    std::fs::remove_file(broken).expect("cleanup");
}
