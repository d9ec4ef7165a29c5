//! The sweep: every GET operation of the newest full authentik schema,
//! called through the generated client against Prism, several rounds of
//! randomly generated answers each, and every answer must decode.
//!
//! The calls are written from the generator's own model of the API (so a
//! new release is swept without edits), into a test inside the crate
//! generated from that schema, and run there against a Prism started here.

use test_support::{crates, prism, shared, sweep};

use authentik_codegen::ir::Method;
use authentik_codegen::{Generator, Model};

const RELEASE: &str = "2026.11.0-rc1";
const ROUNDS: usize = 5;

#[test]
#[ignore = "needs Prism and builds a full client; run with --include-ignored (the README's test command does)"]
fn every_get_operation_decodes_prisms_answers() {
    let Some(schema) = shared::shared_file(&format!("schemas/authentik-{RELEASE}.yml")) else {
        return;
    };
    let generator = Generator::new(&schema);
    let model = generator.model().expect("the schema models");
    let dir = crates::scratch_dir(&format!("sweep-{RELEASE}"));
    generator.write_to(&dir).expect("the client generates");
    crates::add_test_dependencies(&dir);
    let (sweep, covered) = sweep_test(&model);
    std::fs::create_dir_all(dir.join("tests")).expect("tests dir");
    std::fs::write(dir.join("tests/sweep.rs"), sweep).expect("write the sweep");
    // Build first, so Prism does not sit idle through a long compile.
    crates::cargo(&dir, &["test", "--quiet", "--test", "sweep", "--no-run"]);

    // Prism generates `ChallengeTypes` answers that match several `oneOf`
    // members, which its own `--errors` check rejects; the requests are
    // checked either way (an invalid one gets a 400, a failure here).
    let corrected = prism::corrected_schema(&schema, "sweep");
    let Some(prism) = prism::Prism::start(&corrected, "sweep", false) else {
        return;
    };
    let output = crates::cargo_with_env(
        &dir,
        &["test", "--quiet", "--test", "sweep", "--", "--nocapture"],
        &[("PRISM_URL", prism.url.as_str())],
    );
    let total = model.api.operations.len() + model.left_out.len();
    let gets = model
        .api
        .operations
        .iter()
        .filter(|op| op.method == Method::Get)
        .count();
    eprintln!(
        "sweep of authentik {RELEASE}: {covered} of {gets} GET operations covered ({total} operations in the schema), {ROUNDS} rounds of dynamic answers each"
    );
    assert!(
        output.contains(" operations called, 0 failures"),
        "{output}"
    );
    assert_eq!(covered, gets, "every GET operation is swept");
}

/// The test file: one call per GET operation, repeated for each round.
fn sweep_test(model: &Model) -> (String, usize) {
    let calls = sweep::get_calls(model);
    let code = calls.code;
    let helpers = [sweep::HELPERS, sweep::VALUES].concat();
    let test = format!(
        r#"//! Written by the authentik-rs test `wire_full`: calls every GET operation.
#![allow(clippy::all)]

use authentik_client::Client;
{helpers}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sweep() {{
    let url = std::env::var("PRISM_URL").expect("PRISM_URL");
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("prefer", reqwest::header::HeaderValue::from_static("dynamic=true"));
    let http = authentik_client::http_client_builder()
        .pool_idle_timeout(std::time::Duration::from_secs(2))
        .default_headers(headers)
        .build()
        .expect("reqwest client");
    let client = Client::builder(url).api_prefix("").token("a-test-token").http_client(http).build().expect("client");
    let mut tally = Tally::default();
    for _round in 0..{ROUNDS} {{
{code}    }}
    tally.report();
    assert!(tally.failures.is_empty());
}}
"#
    );
    (test, calls.called)
}
