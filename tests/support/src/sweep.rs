//! Writing a test, inside a generated crate, that calls GET operations
//! through the generated client: the calls come from the generator's own
//! model of the API, so a new release is swept without edits.

use std::fmt::Write as _;

use authentik_codegen::ir::{
    Api, Content, Method, ParamLocation, Presence, Scalar, Shape, TypeKind,
};
use authentik_codegen::naming::Names;
use authentik_codegen::probe::plan::{Plan, PER_LIST};
use authentik_codegen::Model;

/// The calls of a sweep, ready to paste into an async test body that has
/// `client` and `tally: Tally` in scope and [`HELPERS`] and [`VALUES`] at
/// the top of its file; `tally.report()` prints `sweep: N operations called, M failures`.
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

/// Functions the calls of a sweep use: `record` and `Tally` (with
/// [`VALUES`]).
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
"#;

/// Valid values for parameters, which the calls of every function here use.
pub const VALUES: &str = r#"
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

/// One operation called with made-up arguments.
pub struct OperationCall {
    /// Its operationId.
    pub id: String,
    /// `client.<tag>().<method>(..)`: the operation's `Call`.
    pub call: String,
    /// For a paginated list, `client.<tag>().<method>_stream(..)`: its
    /// `Pages`.
    pub stream: Option<String>,
}

/// Every operation, called with valid values for its path and required
/// parameters and a body made from an example of its schema: JSON and form
/// bodies are decoded from the example, which takes `Deserialize` on
/// request types (`round-trip`); multipart forms are written out with an
/// empty file. For harnesses that answer any request (the response fuzzer),
/// in a file with [`VALUES`] and `serde_json`.
pub fn every_call(model: &Model) -> Vec<OperationCall> {
    let Model { api, names, .. } = model;
    api.operations
        .iter()
        .enumerate()
        .map(|(index, op)| {
            let path_arguments: Vec<String> = op
                .parameters
                .iter()
                .filter(|p| p.location == ParamLocation::Path)
                .map(|p| argument(api, &value_of(api, names, &p.shape), &p.shape))
                .collect();
            let op_names = &names.operations[index];
            let stream = op_names.stream.as_ref().map(|stream| {
                method_call(
                    model,
                    index,
                    &stream.to_string(),
                    path_arguments.clone(),
                    None,
                )
            });
            let body = op
                .body
                .as_ref()
                .map(|body| body_value(model, &body.content, &op.id));
            let call = method_call(
                model,
                index,
                &op_names.method.to_string(),
                path_arguments,
                body,
            );
            OperationCall {
                id: op.id.clone(),
                call,
                stream,
            }
        })
        .collect()
}

/// A Rust expression of a body argument for `content`.
fn body_value(model: &Model, content: &Content, id: &str) -> String {
    let Model { api, names, .. } = model;
    match content {
        Content::Json(shape) => json_body(&example(api, shape, false), id),
        Content::Form(type_id) => json_body(&example(api, &Shape::Named(*type_id), false), id),
        Content::Multipart(type_id) => {
            let TypeKind::Struct(form) = &api.ty(*type_id).kind else {
                panic!("{id}: a multipart body is an object");
            };
            let fields: String = form
                .fields
                .iter()
                .zip(&names.fields[type_id.0])
                .map(|(field, name)| {
                    let file = matches!(field.shape, Shape::Scalar(Scalar::Binary));
                    let value = match (field.presence, file) {
                        (Presence::Optional, _) => "Default::default()".to_string(),
                        (Presence::Required, true) => {
                            "authentik_client::FilePart::bytes(\"upload\", Vec::<u8>::new())"
                                .to_string()
                        }
                        (Presence::Required, false) => value_of(api, names, &field.shape),
                    };
                    let value = if field.presence == Presence::Required && field.nullable {
                        format!("Some({value})")
                    } else {
                        value
                    };
                    format!("{name}: {value}, ")
                })
                .collect();
            format!(
                "authentik_client::types::{} {{ {fields} }}",
                names.types[type_id.0]
            )
        }
        Content::Text => "String::new()".to_string(),
        Content::Binary | Content::Empty => "Vec::new()".to_string(),
    }
}

/// `&<value decoded from json>`, for a borrowed body of an inferred type.
fn json_body(json: &serde_json::Value, id: &str) -> String {
    format!(
        "&::serde_json::from_str({:?}).expect(\"{id}: the example body decodes\")",
        json.to_string()
    )
}

/// An example JSON value of `shape`: every required property, the first
/// value of an enum, the first alternative of a union, empty lists and maps;
/// with `optional`, near the top also the optional properties, a value for
/// nullable ones and one item in each list (what a server's answer has).
pub fn example(api: &Api, shape: &Shape, optional: bool) -> serde_json::Value {
    example_at(api, shape, optional, 0)
}

fn example_at(api: &Api, shape: &Shape, optional: bool, depth: usize) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    // A required property that leads back to its own type ends in null;
    // optional ones stop sooner, or types that hold several of themselves
    // would grow without end.
    if depth > 12 {
        return Value::Null;
    }
    let example = |shape: &Shape, depth: usize| example_at(api, shape, optional, depth);
    match shape {
        Shape::Scalar(scalar) => match scalar {
            Scalar::String | Scalar::Binary => json!("abc"),
            Scalar::Boolean => json!(true),
            Scalar::Int32 | Scalar::Int64 => json!(1),
            Scalar::Float | Scalar::Double => json!(1.0),
            Scalar::Uuid => json!("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
            Scalar::DateTime => json!("2030-01-01T00:00:00Z"),
            Scalar::Date => json!("2030-01-01"),
        },
        Shape::List(item) if optional && depth < 3 => json!([example(&item.shape, depth + 1)]),
        Shape::List(_) => json!([]),
        Shape::Map(_) | Shape::Any => json!({}),
        Shape::Named(id) => match &api.ty(*id).kind {
            TypeKind::Alias(inner) => example(inner, depth + 1),
            TypeKind::Enum(choice) => match choice.variants.first() {
                Some(first) if choice.integer => json!(first.value.parse::<i64>().unwrap_or(0)),
                Some(first) => json!(first.value),
                None => json!(""),
            },
            TypeKind::Union(union) => {
                let Some(first) = union.variants.first() else {
                    return Value::Null;
                };
                let mut value = example(&first.shape, depth + 1);
                if let (Some(key), Some(tag), Value::Object(object)) =
                    (&union.discriminator, &first.tag, &mut value)
                {
                    object.insert(key.clone(), json!(tag));
                }
                value
            }
            TypeKind::Struct(object) => {
                let mut out = Map::new();
                if let Some(alternatives) = &object.alternatives {
                    if let Value::Object(fields) = example(&alternatives.shape, depth + 1) {
                        out.extend(fields);
                    }
                }
                for field in &object.fields {
                    if field.presence == Presence::Required || (optional && depth < 3) {
                        let value = if field.nullable && !optional {
                            Value::Null
                        } else {
                            example(&field.shape, depth + 1)
                        };
                        out.insert(field.wire_name.clone(), value);
                    }
                }
                Value::Object(out)
            }
        },
    }
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
fn operation_call(model: &Model, index: usize, arguments: Vec<String>) -> String {
    let method = model.names.operations[index].method.to_string();
    method_call(model, index, &method, arguments, None)
}

/// `client.<tag>().<method>(<path arguments>, &<Params> { .. }, <body>)`:
/// [`operation_call`] of another of the operation's methods (its stream),
/// or with a body.
fn method_call(
    model: &Model,
    index: usize,
    method: &str,
    mut arguments: Vec<String>,
    body: Option<String>,
) -> String {
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
    arguments.extend(body);
    format!("client.{accessor}().{method}({})", arguments.join(", "))
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
