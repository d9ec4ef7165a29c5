//! Writing a test, inside a generated crate, that calls GET operations
//! through the generated client: the calls come from the generator's own
//! model of the API, so a new release is swept without edits.

use std::fmt::Write as _;

use authentik_codegen::ir::{Api, Method, ParamLocation, Scalar, Shape, TypeKind};
use authentik_codegen::naming::Names;
use authentik_codegen::probe::plan::{Plan, PER_LIST};
use authentik_codegen::Model;

/// The calls of a sweep, ready to paste into an async test body that has
/// `client` and `tally: Tally` in scope and [`HELPERS`] at the top of its
/// file; `tally.report()` prints `sweep: N operations called, M failures`.
#[derive(Default)]
pub struct Calls {
    /// One `record(...)` statement per called operation.
    pub code: String,
    /// How many GET operations the code may call (one that follows a list
    /// is only called when the list returns objects).
    pub called: usize,
    /// The GET operations left out, each with the reason `skip` gave.
    pub skipped: Vec<(String, String)>,
}

/// Functions the calls use: `record` and valid values for parameters.
pub const HELPERS: &str = r#"
/// Which operations were called, and what failed.
#[derive(Default)]
struct Tally {
    called: std::collections::BTreeSet<&'static str>,
    failures: Vec<String>,
    /// Operations that named a listed object the server had deleted by
    /// the time it was retrieved (authentik replaces some objects, such as
    /// the embedded outpost's permissions, in the background).
    gone: std::collections::BTreeSet<&'static str>,
}

impl Tally {
    /// The lines the test that writes the sweep reads: the counts, the
    /// operations called, and each failure as `  <operation>: <error>`.
    fn report(&self) {
        println!("sweep: {} operations called, {} failures", self.called.len(), self.failures.len());
        println!("sweep called: {}", self.called.iter().copied().collect::<Vec<_>>().join(" "));
        println!("sweep gone: {}", self.gone.iter().copied().collect::<Vec<_>>().join(" "));
        // One line each, so a reader can take them apart again.
        for failure in &self.failures {
            println!("  {}", failure.replace('\n', " "));
        }
    }
}

fn record(tally: &mut Tally, operation: &'static str, result: Result<(), authentik_client::Error>) {
    tally.called.insert(operation);
    if let Err(error) = result {
        tally.failures.push(format!("{operation}: {error}"));
    }
}

/// [`record`] for a call with the id of a listed object: a 404 means the
/// object went away after it was listed, which is no failure of the client.
#[allow(dead_code)]
fn record_listed(tally: &mut Tally, operation: &'static str, result: Result<(), authentik_client::Error>) {
    match result {
        Err(authentik_client::Error::Status(status)) if status.status() == 404 => {
            tally.called.insert(operation);
            tally.gone.insert(operation);
        }
        other => record(tally, operation, other),
    }
}

#[allow(dead_code)]
fn uuid() -> uuid::Uuid {
    "3fa85f64-5717-4562-b3fc-2c963f66afa6".parse().expect("uuid")
}

#[allow(dead_code)]
fn at() -> chrono::DateTime<chrono::Utc> {
    "2030-01-01T00:00:00Z".parse().expect("timestamp")
}

#[allow(dead_code)]
fn day() -> chrono::NaiveDate {
    "2030-01-01".parse().expect("date")
}
"#;

/// A call of every GET operation, with made-up values for its path and
/// required parameters (for a mock server that answers any).
pub fn get_calls(model: &Model) -> Calls {
    let Model { api, names, .. } = model;
    let mut calls = Calls::default();
    for (index, op) in api.operations.iter().enumerate() {
        if op.method != Method::Get {
            continue;
        }
        let path_arguments = op
            .parameters
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
            .map(|p| argument(api, &value_of(api, names, &p.shape), &p.shape))
            .collect();
        let call = operation_call(model, index, path_arguments);
        record_statement(&mut calls.code, 8, "record", &op.id, &call);
        calls.called += 1;
    }
    calls
}

/// The calls of a probe [`Plan`]: the direct ones, then each list once and
/// its followers for the first [`PER_LIST`] objects it returns, with the
/// ids of those objects, as `check-server` calls them.
pub fn plan_calls(model: &Model, plan: &Plan) -> Calls {
    let Model { api, names, .. } = model;
    let mut calls = Calls {
        skipped: plan
            .skipped
            .iter()
            .map(|(op, why)| (api.operations[*op].id.clone(), why.clone()))
            .collect(),
        ..Calls::default()
    };
    for &index in &plan.direct {
        let call = operation_call(model, index, Vec::new());
        record_statement(
            &mut calls.code,
            8,
            "record",
            &api.operations[index].id,
            &call,
        );
        calls.called += 1;
    }
    for follow in &plan.follows {
        let list_call = operation_call(model, follow.list, Vec::new());
        let _ = writeln!(calls.code, "        match {list_call}.await {{");
        let _ = writeln!(
            calls.code,
            "            Ok(page) => for item in page.results.iter().take({PER_LIST}) {{"
        );
        for follower in &follow.followers {
            let op = &api.operations[follower.operation];
            let param = &op.parameters[follower.param];
            let access = format!("item.{}", names.fields[follow.item.0][follower.field]);
            let call = operation_call(
                model,
                follower.operation,
                vec![argument(api, &access, &param.shape)],
            );
            record_statement(&mut calls.code, 16, "record_listed", &op.id, &call);
            calls.called += 1;
        }
        let _ = writeln!(calls.code, "            }},");
        let _ = writeln!(
            calls.code,
            "            Err(error) => tally.failures.push(format!(\"{}: {{error}}\")),",
            api.operations[follow.list].id
        );
        let _ = writeln!(calls.code, "        }}");
    }
    calls
}

/// One statement that makes `call` and records its outcome for `id` with
/// the helper `recorder`. Awaiting a `Call` boxes its future, so five
/// hundred of them do not make the sweep's own future too large for a
/// thread's stack.
fn record_statement(code: &mut String, indent: usize, recorder: &str, id: &str, call: &str) {
    let _ = writeln!(
        code,
        "{:indent$}{recorder}(&mut tally, {id:?}, {call}.await.map(|_| ()));",
        ""
    );
}

/// `value` as a path argument of `shape`: `&str` for strings, by value for
/// other scalars, by reference otherwise.
fn argument(api: &Api, value: &str, shape: &Shape) -> String {
    match api.unalias(shape) {
        Shape::Scalar(Scalar::String) => format!("{value}.as_str()"),
        Shape::Scalar(_) => value.to_string(),
        _ => format!("&{value}"),
    }
}

/// `client.<tag>().<method>(<path arguments>, &<Params> { .. })`, with
/// `arguments` for the path, a valid value for each required parameter and
/// `None` for every optional one.
fn operation_call(model: &Model, index: usize, mut arguments: Vec<String>) -> String {
    let Model { api, names, .. } = model;
    let op = &api.operations[index];
    let op_names = &names.operations[index];
    let accessor = &names.tags[op_names.tag].accessor;
    let module = &names.tags[op_names.tag].module;
    if let Some(params) = &op_names.params_struct {
        let fields: String = op
            .parameters
            .iter()
            .zip(&op_names.parameters)
            .filter(|(p, _)| p.location != ParamLocation::Path)
            .map(|(p, field)| {
                let value = if p.required {
                    value_of(api, names, &p.shape)
                } else {
                    "None".to_string()
                };
                format!("{field}: {value}, ")
            })
            .collect();
        arguments.push(format!(
            "&authentik_client::apis::{module}::{params} {{ {fields} }}"
        ));
    }
    format!(
        "client.{accessor}().{}({})",
        op_names.method,
        arguments.join(", ")
    )
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
