//! Against a real authentik (2025.6.4, from `../shared/authentik-server`,
//! started by `scripts/live-server`): the client generated from the schema
//! the server itself serves at `/api/v3/schema/`, as a user would make it,
//! runs the seed operations end to end, then sweeps the GET operations:
//! those that need no input, then those that name an object, with the ids
//! of the objects the lists return. Every answer must decode.
//!
//! The schema is authentik's claim; the server is the truth. A decode
//! failure here is a mismatch the built-in overrides must correct.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use authentik_codegen::probe::plan::Plan;
use authentik_codegen::{Generator, Model};
use test_support::{crates, live, replay, sweep, workspace};

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
    let plan = Plan::new(&model.api);
    let calls = sweep::plan_calls(&model, &plan);
    std::fs::write(client.join("tests/sweep.rs"), sweep_test(&calls.code, ""))
        .expect("write the sweep");
    // The operations test writes its request bodies as JSON and decodes
    // them into the request types, which takes the `round-trip` feature;
    // the sweep of the client without overrides below uses the default build.
    let features = ["--features", "round-trip"];
    crates::cargo(
        &client,
        &[&["test", "--quiet", "--no-run", "--tests"][..], &features].concat(),
    );

    let env = [
        ("AUTHENTIK_URL", server.url.as_str()),
        ("AUTHENTIK_TOKEN", server.token.as_str()),
    ];
    // The operations first: they leave objects (a user_write stage, an
    // uploaded icon) for the sweep to read.
    let output = crates::cargo_with_env(
        &client,
        &[&["test", "--quiet", "--test", "operations"][..], &features].concat(),
        &env,
    );
    assert!(output.contains("test result: ok. 9 passed"), "{output}");
    let output = crates::cargo_with_env(
        &client,
        &[
            &["test", "--quiet", "--test", "sweep"][..],
            &features,
            &["--", "--nocapture"],
        ]
        .concat(),
        &env,
    );
    let swept = Swept::read(&output);
    let called = swept.called.len();
    let gets = plan.gets();
    eprintln!(
        "live sweep of authentik {}: {called} of {gets} GET operations called and decoded ({} directly, {} with the ids of listed objects; {} more found no object in their list; {} operations in the schema)",
        model.api.info.version,
        plan.direct.len(),
        called - plan.direct.len(),
        plan.planned() - called,
        model.api.operations.len()
    );
    let mut by_reason: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, reason) in &calls.skipped {
        by_reason.entry(reason).or_default().push(id);
    }
    for (reason, ids) in by_reason {
        eprintln!("  skipped {} ({reason}): {}", ids.len(), ids.join(", "));
    }
    if !swept.gone.is_empty() {
        let gone: Vec<_> = swept.gone.iter().map(String::as_str).collect();
        eprintln!(
            "  a listed object was gone by the time it was retrieved: {}",
            gone.join(", ")
        );
    }
    assert!(swept.failed.is_empty(), "{output}");
    // Every operation that needs no id ran; objects of the kinds the seed
    // made were retrieved (a floor below today's 117, so losing the
    // list-to-retrieve path fails here).
    assert!(
        called >= plan.direct.len() + 100,
        "{called} of {gets} called"
    );

    check_server_agrees_with_the_client(&server, &schema_path, &dir);
}

/// `check-server` as a user runs it. Without the built-in overrides it
/// finds the known mismatches and writes their corrections; a client
/// generated the same way, fed the very responses it judged, fails on
/// exactly the operations it flagged; with the file it wrote, it finds
/// nothing.
fn check_server_agrees_with_the_client(server: &live::Server, schema: &Path, dir: &Path) {
    let saved = dir.join("responses");
    let written = dir.join("found-overrides.yml");
    let (saved_arg, written_arg) = (saved.display().to_string(), written.display().to_string());
    // Built first, so the time below is the check's, not the compiler's.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(&cargo)
        .args(["build", "--quiet", "--locked", "-p", "authentik-codegen"])
        .current_dir(workspace())
        .status()
        .expect("cargo runs");
    assert!(built.success(), "authentik-codegen builds");
    let started = Instant::now();
    let (code, stdout) = check_server(
        server,
        &[
            "--no-builtin-overrides",
            "--save-responses",
            &saved_arg,
            "--write-overrides",
            &written_arg,
        ],
    );
    let elapsed = started.elapsed();
    assert_eq!(code, Some(1), "mismatches found, exit 1:\n{stdout}");
    assert!(
        elapsed < Duration::from_secs(60),
        "check-server took {elapsed:?}"
    );
    // What the client would fail on: bodies that do not decode, error
    // statuses, calls without an answer; not objects gone since listed.
    let flagged: BTreeSet<String> = stdout
        .lines()
        .filter(|line| {
            !line.starts_with(' ') && !line.ends_with("gone since it was listed (not checked)")
        })
        .filter_map(|line| line.split_once(": "))
        .map(|(id, _)| id.to_string())
        .collect();
    let corrections = std::fs::read_to_string(&written).expect("the overrides file");
    eprintln!(
        "check-server without the built-in overrides, in {:.1} s: {} operations flagged:\n{stdout}\nit wrote:\n{corrections}",
        elapsed.as_secs_f64(),
        flagged.len()
    );
    // The mismatches this suite found first, each now a built-in override.
    for (schema_name, property, change) in [
        ("Coordinate", "x_cord", "type: number"),
        ("BlueprintFile", "last_m", "type: integer"),
        ("Outpost", "service_connection_obj", "nullable: true"),
        ("PolicyBinding", "group_obj", "nullable: true"),
        ("PolicyBinding", "user_obj", "nullable: true"),
    ] {
        let entry = format!(
            "  - schemas: \"{schema_name}\"\n    properties: \"{property}\"\n    {change}\n"
        );
        assert!(
            corrections.contains(&entry),
            "no {entry:?} in:\n{corrections}"
        );
    }

    // The same responses, through the client generated the same way. A
    // crate name of its own keeps its build apart from the first client's
    // in the shared target directory.
    let raw = Generator::new(schema)
        .builtin_overrides(false)
        .crate_name("authentik-client-raw");
    let model: Model = raw.model().expect("the served schema models");
    let client = dir.join("client-without-overrides");
    raw.write_to(&client).expect("the client generates");
    crates::add_test_dependencies(&client);
    let calls = sweep::plan_calls(&model, &Plan::new(&model.api));
    std::fs::create_dir_all(client.join("tests")).expect("a tests directory");
    let sweep = sweep_test(
        &calls.code,
        "extern crate authentik_client_raw as authentik_client;\n",
    );
    std::fs::write(client.join("tests/sweep.rs"), sweep).expect("write the sweep");
    let replayed = replay::serve(&saved);
    let output = crates::cargo_with_env(
        &client,
        &["test", "--quiet", "--test", "sweep", "--", "--nocapture"],
        &[
            ("AUTHENTIK_URL", replayed.as_str()),
            ("AUTHENTIK_TOKEN", server.token.as_str()),
        ],
    );
    let swept = Swept::read(&output);
    assert!(
        !swept.failed.is_empty(),
        "the client decoded everything:\n{output}"
    );
    for id in &swept.called {
        assert_eq!(
            swept.failed.contains_key(id),
            flagged.contains(id),
            "{id}: the client says {:?}; check-server {}",
            swept.failed.get(id),
            if flagged.contains(id) {
                "flags it"
            } else {
                "does not"
            }
        );
    }
    eprintln!(
        "check-server and the generated client agree on all {} operations the client called ({} fail in both)",
        swept.called.len(),
        swept.failed.len()
    );

    let (code, stdout) = check_server(
        server,
        &["--no-builtin-overrides", "--overrides", &written_arg],
    );
    assert_eq!(code, Some(0), "with the corrections it wrote:\n{stdout}");
    assert!(!stdout.contains("does not decode"), "{stdout}");
}

/// Runs `authentik-codegen check-server` on the live server; its exit
/// status and standard output. The token never appears in either stream.
fn check_server(server: &live::Server, args: &[&str]) -> (Option<i32>, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--locked",
            "-p",
            "authentik-codegen",
            "--",
        ])
        .args(["check-server", "--url", &server.url])
        .args(args)
        .current_dir(workspace())
        .env("AUTHENTIK_TOKEN", &server.token)
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !stdout.contains(&server.token) && !stderr.contains(&server.token),
        "the token leaked"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    eprint!("{stderr}");
    (output.status.code(), stdout)
}

/// What a written sweep reported.
struct Swept {
    /// The operations it called.
    called: BTreeSet<String>,
    /// The operations that named a listed object the server had deleted
    /// by the time it was retrieved.
    gone: BTreeSet<String>,
    /// The operations that failed, each with its first error.
    failed: BTreeMap<String, String>,
}

impl Swept {
    fn read(output: &str) -> Self {
        let called = output
            .lines()
            .find_map(|line| line.strip_prefix("sweep called: "))
            .unwrap_or_else(|| panic!("no sweep line in:\n{output}"))
            .split_whitespace()
            .map(String::from)
            .collect();
        let gone = output
            .lines()
            .find_map(|line| line.strip_prefix("sweep gone:"))
            .unwrap_or_else(|| panic!("no sweep line in:\n{output}"))
            .split_whitespace()
            .map(String::from)
            .collect();
        let failures = output
            .lines()
            .skip_while(|line| !line.starts_with("sweep gone:"))
            .skip(1)
            .map_while(|line| line.strip_prefix("  "))
            .filter_map(|line| line.split_once(": "));
        let mut failed = BTreeMap::new();
        for (id, error) in failures {
            failed
                .entry(id.to_string())
                .or_insert_with(|| error.to_string());
        }
        Self {
            called,
            gone,
            failed,
        }
    }
}

/// The sweep's test file; `crate_alias` names the client crate
/// `authentik_client` where it is called something else.
fn sweep_test(calls: &str, crate_alias: &str) -> String {
    let helpers = [sweep::HELPERS, sweep::VALUES].concat();
    format!(
        r#"//! Written by the authentik-rs test `live`: calls the GET operations of
//! the real server, those that name an object with the ids of listed ones.
#![allow(clippy::all)]
{crate_alias}
use authentik_client::Client;
{helpers}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sweep() {{
    let url = std::env::var("AUTHENTIK_URL").expect("AUTHENTIK_URL");
    let token = std::env::var("AUTHENTIK_TOKEN").expect("AUTHENTIK_TOKEN");
    // authentik resets connections when gunicorn replaces a worker: GETs
    // are retried, as a real deployment should have them.
    let client = Client::builder(url)
        .token(token)
        .retry(authentik_client::RetryPolicy::idempotent(3))
        .build()
        .expect("client");
    let mut tally = Tally::default();
{calls}
    tally.report();
}}
"#
    )
}
