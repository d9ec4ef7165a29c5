//! Against a real authentik (2025.6.4, from `../shared/authentik-server`,
//! started by `scripts/live-server`): the client generated from the schema
//! the server itself serves at `/api/v3/schema/`, as a user would make it,
//! runs the seed operations end to end, then sweeps the GET operations:
//! those that need no input, then those that name an object, with the ids
//! of the objects the lists return. Every answer must decode.
//!
//! The schema is authentik's claim; the server is the truth. A decode
//! failure here is a mismatch the built-in overrides must correct.

use authentik_codegen::ir::{Operation, ParamLocation};
use authentik_codegen::Generator;
use test_support::{crates, live, sweep};

/// GET operations the sweep must not call, and why: a side effect, or a
/// server error no correction of the schema can avoid yet.
const LEFT_OUT: &[(&str, &str)] = &[
    (
        "core_users_impersonate_end_retrieve",
        "ends the caller's impersonation: a GET with a side effect",
    ),
    (
        "outposts_ldap_access_check",
        "answers 500 without `app_slug`, which the schema marks optional (the view reads \
         request.query_params[\"app_slug\"], authentik/providers/ldap/api.py); the override \
         language corrects schemas, not parameters, so far",
    ),
];

#[test]
#[ignore = "needs the live authentik (scripts/live-server) and builds a full client; run with --include-ignored (the README's test command does)"]
fn the_client_from_the_served_schema_works_against_the_real_server() {
    let Some(server) = live::Server::find() else {
        return;
    };
    let dir = crates::scratch_dir("live");
    let (status, schema) = server.get("/api/v3/schema/").expect("the schema downloads");
    assert_eq!(status, 200, "GET /api/v3/schema/");
    let schema_path = dir.join("served-schema.yml");
    std::fs::write(&schema_path, &schema).expect("save the schema");

    let generator = Generator::new(&schema_path);
    let model = generator.model().expect("the served schema models");
    generator
        .write_to(&dir.join("client"))
        .expect("the client generates");
    let client = dir.join("client");
    crates::add_test_dependencies(&client);
    crates::copy_into(
        &client,
        "tests/fixtures/live_operations.rs",
        "tests/operations.rs",
    );
    let direct = sweep::get_calls(&model, skip_reason);
    let listed = sweep::listed_object_calls(&model, left_out);
    let code = format!("{}{}", direct.code, listed.code);
    std::fs::write(client.join("tests/sweep.rs"), sweep_test(&code)).expect("write the sweep");
    crates::cargo(&client, &["test", "--quiet", "--no-run", "--tests"]);

    let env = [
        ("AUTHENTIK_URL", server.url.as_str()),
        ("AUTHENTIK_TOKEN", server.token.as_str()),
    ];
    // The operations first: they leave objects (a user_write stage, an
    // uploaded icon) for the sweep to read.
    let output =
        crates::cargo_with_env(&client, &["test", "--quiet", "--test", "operations"], &env);
    assert!(output.contains("test result: ok. 7 passed"), "{output}");
    let output = crates::cargo_with_env(
        &client,
        &["test", "--quiet", "--test", "sweep", "--", "--nocapture"],
        &env,
    );
    // What ran, from the sweep's own count: an operation that follows a
    // list is only called when the list returns objects.
    let called: usize = output
        .lines()
        .find_map(|line| {
            line.strip_prefix("sweep: ")?
                .split(' ')
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no sweep line in:\n{output}"));
    let unused_lists = direct.called + listed.called - called;
    let skipped: Vec<_> = direct
        .skipped
        .iter()
        .filter(|(_, reason)| reason != PATH)
        .chain(&listed.skipped)
        .collect();
    let gets = direct.called + listed.called + skipped.len();
    eprintln!(
        "live sweep of authentik {}: {called} of {gets} GET operations called and decoded ({} directly, {} with the ids of listed objects; {unused_lists} more found no object in their list; {} operations in the schema)",
        model.api.info.version,
        direct.called,
        called - direct.called,
        model.api.operations.len()
    );
    let mut by_reason: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for (id, reason) in skipped {
        by_reason.entry(reason).or_default().push(id);
    }
    for (reason, ids) in by_reason {
        eprintln!("  skipped {} ({reason}): {}", ids.len(), ids.join(", "));
    }
    assert!(
        output.contains(" operations called, 0 failures"),
        "{output}"
    );
    // Every operation that needs no id ran; objects of the kinds the seed
    // made were retrieved (a floor below today's 117, so losing the
    // list-to-retrieve path fails here).
    assert!(called >= direct.called + 100, "{called} of {gets} called");
}

/// Why the direct calls leave out an operation with path parameters: the
/// listed-object calls take it.
const PATH: &str = "has path parameters";

/// Why the sweep must not call `op`, if it must not.
fn left_out(op: &Operation) -> Option<String> {
    LEFT_OUT
        .iter()
        .find(|(id, _)| *id == op.id)
        .map(|(_, why)| (*why).to_string())
}

/// Why the direct calls leave `op` out, if they do.
fn skip_reason(op: &Operation) -> Option<String> {
    if op
        .parameters
        .iter()
        .any(|p| p.location == ParamLocation::Path)
    {
        return Some(PATH.into());
    }
    if let Some(why) = left_out(op) {
        return Some(why);
    }
    op.parameters
        .iter()
        .find(|p| p.required)
        .map(|p| format!("needs the required query parameter `{}`", p.wire_name))
}

fn sweep_test(calls: &str) -> String {
    let helpers = sweep::HELPERS;
    format!(
        r#"//! Written by the authentik-rs test `live`: calls the GET operations of
//! the real server, those that name an object with the ids of listed ones.
#![allow(clippy::all)]

use authentik_client::Client;
{helpers}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sweep() {{
    let url = std::env::var("AUTHENTIK_URL").expect("AUTHENTIK_URL");
    let token = std::env::var("AUTHENTIK_TOKEN").expect("AUTHENTIK_TOKEN");
    let client = Client::builder(url).token(token).build().expect("client");
    let mut tally = Tally::default();
{calls}
    tally.report();
    assert!(tally.failures.is_empty());
}}
"#
    )
}
