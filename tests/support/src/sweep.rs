//! Writing a test, inside a generated crate, that calls GET operations
//! through the generated client: the calls come from the generator's own
//! model of the API, so a new release is swept without edits.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use authentik_codegen::ir::{
    Api, Content, Method, Operation, ParamLocation, Presence, Scalar, Shape, TypeId, TypeKind,
};
use authentik_codegen::naming::Names;
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
}

impl Tally {
    /// The line the test that writes the sweep looks for.
    fn report(&self) {
        println!("sweep: {} operations called, {} failures", self.called.len(), self.failures.len());
        for failure in &self.failures {
            println!("  {failure}");
        }
    }
}

fn record(tally: &mut Tally, operation: &'static str, result: Result<(), authentik_client::Error>) {
    tally.called.insert(operation);
    if let Err(error) = result {
        tally.failures.push(format!("{operation}: {error}"));
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

/// A call of every GET operation for which `skip` gives no reason. Each
/// call's future is boxed: five hundred of them inline would make one future
/// too large for a thread's stack.
pub fn get_calls(model: &Model, skip: impl Fn(&Operation) -> Option<String>) -> Calls {
    let Model { api, names, .. } = model;
    let mut calls = Calls::default();
    for (index, op) in api.operations.iter().enumerate() {
        if op.method != Method::Get {
            continue;
        }
        if let Some(reason) = skip(op) {
            calls.skipped.push((op.id.clone(), reason));
            continue;
        }
        let path_arguments = op
            .parameters
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
            .map(|p| argument(api, &value_of(api, names, &p.shape), &p.shape))
            .collect();
        let call = operation_call(model, index, path_arguments);
        let _ = writeln!(
            calls.code,
            "        record(&mut tally, {:?}, Box::pin({call}).await.map(|_| ()));",
            op.id
        );
        calls.called += 1;
    }
    calls
}

/// How many listed objects each operation is called for.
const PER_LIST: usize = 3;

/// Calls of the GET operations that name one object in their path
/// (`/core/groups/{group_uuid}/`, `/core/groups/{group_uuid}/used_by/`),
/// with the ids of objects the list at the path's prefix returns: the list
/// is called once, then each such operation for its first few objects. The
/// id is the listed object's field named like the path parameter, else its
/// `pk`, when its type is the parameter's. `skipped` holds the GET
/// operations with a path parameter that no list leads to.
pub fn listed_object_calls(model: &Model, skip: impl Fn(&Operation) -> Option<String>) -> Calls {
    let Model { api, names, .. } = model;
    let lists: BTreeMap<&str, (usize, TypeId)> = api
        .operations
        .iter()
        .enumerate()
        .filter(|(_, op)| op.method == Method::Get && callable_without_values(op))
        .filter_map(|(index, op)| Some((op.path.as_str(), (index, listed_item(api, op)?))))
        .collect();
    let mut followers: BTreeMap<usize, Vec<(usize, String)>> = BTreeMap::new();
    let mut calls = Calls::default();
    for (index, op) in api.operations.iter().enumerate() {
        let path_params: Vec<_> = op
            .parameters
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
            .collect();
        if op.method != Method::Get || path_params.is_empty() {
            continue;
        }
        if let Some(reason) = skip(op) {
            calls.skipped.push((op.id.clone(), reason));
            continue;
        }
        let follow = match path_params.as_slice() {
            [param]
                if !op
                    .parameters
                    .iter()
                    .any(|p| p.required && p.location != ParamLocation::Path) =>
            {
                let marker = format!("{{{}}}", param.wire_name);
                op.path
                    .split_once(&marker)
                    .and_then(|(prefix, _)| lists.get(prefix))
                    .and_then(|&(list, item)| {
                        let argument =
                            id_argument(api, names, item, &param.wire_name, &param.shape)?;
                        Some((list, argument))
                    })
            }
            _ => None,
        };
        match follow {
            Some((list, argument)) => {
                let call = operation_call(model, index, vec![argument]);
                followers.entry(list).or_default().push((index, call));
                calls.called += 1;
            }
            None => calls
                .skipped
                .push((op.id.clone(), "no list leads to its path parameters".into())),
        }
    }
    for (list, follows) in followers {
        let list_call = operation_call(model, list, Vec::new());
        let _ = writeln!(calls.code, "        match Box::pin({list_call}).await {{");
        let _ = writeln!(
            calls.code,
            "            Ok(page) => for item in page.results.iter().take({PER_LIST}) {{"
        );
        for (index, call) in follows {
            let _ = writeln!(
                calls.code,
                "                record(&mut tally, {:?}, Box::pin({call}).await.map(|_| ()));",
                api.operations[index].id
            );
        }
        let _ = writeln!(calls.code, "            }},");
        let _ = writeln!(
            calls.code,
            "            Err(error) => tally.failures.push(format!(\"{}: {{error}}\")),",
            api.operations[list].id
        );
        let _ = writeln!(calls.code, "        }}");
    }
    calls
}

/// Whether the operation needs no value the sweep would have to invent.
fn callable_without_values(op: &Operation) -> bool {
    !op.parameters
        .iter()
        .any(|p| p.required || p.location == ParamLocation::Path)
}

/// The type of the items of a paginated list operation's `results`.
fn listed_item(api: &Api, op: &Operation) -> Option<TypeId> {
    let response = op.responses.iter().find(|r| r.status.is_success())?;
    let Content::Json(Shape::Named(page)) = &response.content else {
        return None;
    };
    let TypeKind::Struct(page) = &api.ty(*page).kind else {
        return None;
    };
    let results = page.fields.iter().find(|f| f.wire_name == "results")?;
    match &results.shape {
        Shape::List(item) => match item.shape {
            Shape::Named(id) if matches!(api.ty(id).kind, TypeKind::Struct(_)) => Some(id),
            _ => None,
        },
        _ => None,
    }
}

/// `item.<field>` as an argument for a path parameter of `shape`: the
/// field named `wire_name`, else `pk`, if it is always there with that type.
fn id_argument(
    api: &Api,
    names: &Names,
    item: TypeId,
    wire_name: &str,
    shape: &Shape,
) -> Option<String> {
    let TypeKind::Struct(object) = &api.ty(item).kind else {
        return None;
    };
    let usable = |name: &str| {
        object.fields.iter().position(|f| {
            f.wire_name == name
                && f.presence == Presence::Required
                && !f.nullable
                && unalias(api, &f.shape) == unalias(api, shape)
        })
    };
    let field = usable(wire_name).or_else(|| usable("pk"))?;
    let access = format!("item.{}", names.fields[item.0][field]);
    Some(argument(api, &access, shape))
}

/// `value` as a path argument of `shape`: `&str` for strings, by value for
/// other scalars, by reference otherwise.
fn argument(api: &Api, value: &str, shape: &Shape) -> String {
    match unalias(api, shape) {
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

fn unalias<'a>(api: &'a Api, shape: &'a Shape) -> &'a Shape {
    match shape {
        Shape::Named(id) => match &api.ty(*id).kind {
            TypeKind::Alias(inner) => unalias(api, inner),
            _ => shape,
        },
        _ => shape,
    }
}
