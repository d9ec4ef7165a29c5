//! The sweep: every GET operation of the newest full authentik schema,
//! called through the generated client against Prism, several rounds of
//! randomly generated answers each, and every answer must decode.
//!
//! The calls are written from the generator's own model of the API (so a
//! new release is swept without edits), into a test inside the crate
//! generated from that schema, and run there against a Prism started here.

use std::fmt::Write as _;
use test_support::{crates, prism, shared};

use authentik_codegen::ir::{Api, Method, ParamLocation, Scalar, Shape, TypeKind};
use authentik_codegen::naming::Names;
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
    assert!(output.contains("sweep: 0 failures"), "{output}");
    assert_eq!(covered, gets, "every GET operation is swept");
}

/// The test file: one call per GET operation, repeated for each round. Each
/// call's future is boxed: five hundred of them inline would make one
/// future too large for a thread's stack.
fn sweep_test(model: &Model) -> (String, usize) {
    let Model { api, names, .. } = model;
    let mut calls = String::new();
    let mut covered = 0;
    for (index, op) in api.operations.iter().enumerate() {
        if op.method != Method::Get {
            continue;
        }
        let op_names = &names.operations[index];
        let accessor = &names.tags[op_names.tag].accessor;
        let module = &names.tags[op_names.tag].module;
        let mut arguments = Vec::new();
        for (parameter, _) in op.parameters.iter().zip(&op_names.parameters) {
            if parameter.location == ParamLocation::Path {
                let value = value_of(api, names, &parameter.shape);
                arguments.push(match unalias(api, &parameter.shape) {
                    Shape::Scalar(Scalar::String) => format!("{value}.as_str()"),
                    Shape::Scalar(_) => value,
                    _ => format!("&{value}"),
                });
            }
        }
        if let Some(params) = &op_names.params_struct {
            let mut fields = String::new();
            for (parameter, field) in op.parameters.iter().zip(&op_names.parameters) {
                if parameter.location == ParamLocation::Path {
                    continue;
                }
                let value = if parameter.required {
                    value_of(api, names, &parameter.shape)
                } else {
                    "None".to_string()
                };
                let _ = write!(fields, "{field}: {value}, ");
            }
            arguments.push(format!(
                "&authentik_client::apis::{module}::{params} {{ {fields} }}"
            ));
        }
        let _ = writeln!(
            calls,
            "        record(&mut failures, {:?}, Box::pin(client.{accessor}().{}({})).await.map(|_| ()));",
            op.id,
            op_names.method,
            arguments.join(", ")
        );
        covered += 1;
    }
    let test = format!(
        r#"//! Written by the authentik-rs test `wire_full`: calls every GET operation.
#![allow(clippy::all)]

use authentik_client::{{Client, Error}};

fn record(failures: &mut Vec<String>, operation: &str, result: Result<(), Error>) {{
    if let Err(error) = result {{
        failures.push(format!("{{operation}}: {{error}}"));
    }}
}}

fn uuid() -> uuid::Uuid {{
    "3fa85f64-5717-4562-b3fc-2c963f66afa6".parse().expect("uuid")
}}

fn at() -> chrono::DateTime<chrono::Utc> {{
    "2030-01-01T00:00:00Z".parse().expect("timestamp")
}}

fn day() -> chrono::NaiveDate {{
    "2030-01-01".parse().expect("date")
}}

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
    let mut failures = Vec::new();
    for _round in 0..{ROUNDS} {{
{calls}    }}
    println!("sweep: {{}} failures", failures.len());
    for failure in &failures {{
        println!("  {{failure}}");
    }}
    assert!(failures.is_empty());
}}
"#
    );
    (test, covered)
}

/// A Rust expression of a valid value for a parameter of `shape`.
fn value_of(api: &Api, names: &Names, shape: &Shape) -> String {
    match shape {
        Shape::Scalar(scalar) => match scalar {
            Scalar::String => "\"abc\".to_string()".into(),
            Scalar::Boolean => "true".into(),
            Scalar::Int32 | Scalar::Int64 => "1".into(),
            Scalar::Float | Scalar::Double => "1.0".into(),
            Scalar::Uuid => "uuid()".into(),
            Scalar::DateTime => "at()".into(),
            Scalar::Date => "day()".into(),
            Scalar::Binary => "Vec::new()".into(),
        },
        Shape::List(item) => format!("vec![{}]", value_of(api, names, &item.shape)),
        Shape::Named(id) => match &api.ty(*id).kind {
            TypeKind::Enum(_) => format!(
                "authentik_client::types::{}::{}",
                names.types[id.0], names.variants[id.0][0]
            ),
            TypeKind::Alias(inner) => value_of(api, names, inner),
            _ => panic!("parameters are scalars, enums and lists"),
        },
        Shape::Map(_) | Shape::Any => panic!("parameters are scalars, enums and lists"),
    }
}

fn unalias<'a>(api: &'a Api, shape: &'a Shape) -> &'a Shape {
    match shape {
        Shape::Named(id) => match &api.ty(*id).kind {
            TypeKind::Alias(inner) => unalias(api, inner),
            _ => shape,
        },
        _ => shape,
    }
}
