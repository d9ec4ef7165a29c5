//! Passes over the finished IR: checks that need the whole type graph, and
//! facts the emitters need but no single schema states.
//!
//! - [`check_aliases`]: a chain of aliases that loops names no type at all.
//! - [`check_inhabited`]: a cycle of required, non-nullable references can
//!   never be satisfied by finite JSON.
//! - [`indirection`]: which references close a containment cycle and must be
//!   stored behind a pointer (boxed only where a cycle needs it).
//!
//! Containment means "holds by value": a struct field or union variant that
//! names a type. Lists and maps keep their items on the heap already.
//! - [`reachable`]: which types a set of operations needs.
//! - [`directions`]: which of those the client sends, and which it receives,
//!   so each type derives only the serde half it uses.
//! - [`facts`]: per operation, whether it returns one page of a list and
//!   how to reach the next, and which typed bodies its errors carry; per
//!   API, every error body type. The emitters, naming and `diff` read these
//!   from the IR instead of deciding them again.

use crate::error::{Error, ErrorKind, Location};
use crate::ir::{
    Alternatives, Api, Content, ErrorBody, ErrorType, Operation, Paging, ParamLocation, Presence,
    Returns, Scalar, Shape, Struct, TypeId, TypeKind,
};

/// Rejects aliases that lead back to themselves (`A: {$ref: B}`, `B: {$ref: A}`).
pub fn check_aliases(api: &Api, file: &str) -> Result<(), Error> {
    for (start, def) in api.types.iter().enumerate() {
        let mut path = vec![start];
        let mut current = &def.kind;
        while let TypeKind::Alias(Shape::Named(next)) = current {
            if next.0 == start {
                let names: Vec<String> = path.iter().map(|i| display_name(api, *i)).collect();
                return Err(Error::at(
                    ErrorKind::RefCycle,
                    Location::new(file, &def.pointer),
                    format!(
                        "the schema is only a reference, and the references loop without reaching a definition: {} -> {}",
                        names.join(" -> "),
                        display_name(api, start)
                    ),
                ));
            }
            if path.contains(&next.0) {
                // A loop that does not pass through `start`; reported when
                // the walk starts inside it.
                break;
            }
            path.push(next.0);
            current = &api.types[next.0].kind;
        }
    }
    Ok(())
}

/// Rejects types that contain themselves through required, non-nullable
/// fields: `A` requires a `B`, which requires an `A`, forever.
pub fn check_inhabited(api: &Api, file: &str) -> Result<(), Error> {
    let graph = edges(api, |edge| edge.mandatory);
    for component in strongly_connected(&graph) {
        let cyclic =
            component.len() > 1 || graph[component[0]].iter().any(|e| e.to == component[0]);
        if !cyclic {
            continue;
        }
        let first = component[0];
        let names: Vec<String> = component.iter().map(|i| display_name(api, *i)).collect();
        return Err(Error::at(
            ErrorKind::Uninhabitable,
            Location::new(file, &api.types[first].pointer),
            format!(
                "these schemas require each other through required, non-nullable properties, so no finite value satisfies them: {}",
                names.join(", ")
            ),
        ));
    }
    Ok(())
}

/// Marks the fields and union variants that close a containment cycle; the
/// emitter stores exactly those behind a pointer.
///
/// A depth-first walk in type order marks each edge that returns to a type
/// still on the walk's stack. Those back edges break every cycle, and only
/// they are boxed: in `A { b: B }`, `B { a: A }` only `B.a` is.
pub fn indirection(api: &mut Api) {
    let graph = edges(api, |_| true);
    let mut state = vec![Visit::New; graph.len()];
    let mut back_edges = Vec::new();
    for root in 0..graph.len() {
        if state[root] != Visit::New {
            continue;
        }
        state[root] = Visit::OnStack;
        let mut stack = vec![(root, 0usize)];
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let Some(edge) = graph[node].get(*next) else {
                state[node] = Visit::Done;
                stack.pop();
                continue;
            };
            *next += 1;
            match state[edge.to] {
                Visit::New => {
                    state[edge.to] = Visit::OnStack;
                    stack.push((edge.to, 0));
                }
                Visit::OnStack => back_edges.push((node, edge.via)),
                Visit::Done => {}
            }
        }
    }
    for (from, via) in back_edges {
        match (&mut api.types[from].kind, via) {
            (TypeKind::Struct(s), Via::Field(i)) => s.fields[i].indirect = true,
            (TypeKind::Union(u), Via::Variant(i)) => u.variants[i].indirect = true,
            (TypeKind::Struct(s), Via::Alternatives) => {
                if let Some(alternatives) = &mut s.alternatives {
                    alternatives.indirect = true;
                }
            }
            _ => {}
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    New,
    OnStack,
    Done,
}

/// The types the given operations need, directly or through other types.
pub fn reachable<'a>(api: &Api, operations: impl IntoIterator<Item = &'a Operation>) -> Vec<bool> {
    let mut roots = Vec::new();
    for operation in operations {
        for_each_operation_shape(operation, &mut |shape| {
            shape.for_each_named(&mut |id| roots.push(id));
        });
        if let Some(body) = &operation.body {
            if let Content::Multipart(id) | Content::Form(id) = body.content {
                roots.push(id);
            }
        }
    }
    closure(api, roots)
}

/// Which ways a type travels between the client and the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Travel {
    /// Part of a parameter or request body: the client encodes it.
    pub sent: bool,
    /// Part of a response body: the client decodes it.
    pub received: bool,
}

/// Per type, which ways it travels for the given operations.
///
/// Sent: reachable from a parameter or a request body (JSON, multipart or
/// form). Received: reachable from a response body. Error bodies count as
/// both, since `Error`'s `Display` writes the decoded body back as JSON.
/// A type no operation reaches is both: nothing says how it is used, so it
/// keeps everything.
pub fn directions<'a>(
    api: &Api,
    operations: impl IntoIterator<Item = &'a Operation>,
) -> Vec<Travel> {
    let mut sent = Vec::new();
    let mut received = Vec::new();
    for operation in operations {
        let mut push_sent = |shape: &Shape| shape.for_each_named(&mut |id| sent.push(id));
        for parameter in &operation.parameters {
            push_sent(&parameter.shape);
        }
        match operation.body.as_ref().map(|body| &body.content) {
            Some(Content::Json(shape)) => push_sent(shape),
            Some(Content::Multipart(id) | Content::Form(id)) => sent.push(*id),
            _ => {}
        }
        for response in &operation.responses {
            if let Content::Json(shape) = &response.content {
                shape.for_each_named(&mut |id| received.push(id));
            }
        }
        sent.extend(error_bodies(operation).into_iter().map(|error| error.body));
    }
    // A type no operation reaches keeps both halves, and so must every
    // type it holds: they are roots of both closures.
    let reached = closure(api, sent.iter().chain(&received).copied().collect());
    let unused = reached
        .iter()
        .enumerate()
        .filter(|(_, reached)| !**reached)
        .map(|(index, _)| TypeId(index));
    sent.extend(unused.clone());
    received.extend(unused);
    let sent = closure(api, sent);
    let received = closure(api, received);
    sent.into_iter()
        .zip(received)
        .map(|(sent, received)| Travel { sent, received })
        .collect()
}

/// The types `roots` name, directly or through other types.
fn closure(api: &Api, mut stack: Vec<TypeId>) -> Vec<bool> {
    let mut seen = vec![false; api.types.len()];
    while let Some(TypeId(index)) = stack.pop() {
        if std::mem::replace(&mut seen[index], true) {
            continue;
        }
        for_each_type_shape(&api.types[index].kind, &mut |shape| {
            shape.for_each_named(&mut |id| stack.push(id));
        });
    }
    seen
}

/// Calls `f` on every shape an operation mentions.
pub fn for_each_operation_shape(operation: &Operation, f: &mut impl FnMut(&Shape)) {
    for parameter in &operation.parameters {
        f(&parameter.shape);
    }
    if let Some(body) = &operation.body {
        if let Content::Json(shape) = &body.content {
            f(shape);
        }
    }
    for response in &operation.responses {
        if let Content::Json(shape) = &response.content {
            f(shape);
        }
    }
}

/// Calls `f` on every shape a type definition mentions.
pub fn for_each_type_shape(kind: &TypeKind, f: &mut impl FnMut(&Shape)) {
    match kind {
        TypeKind::Struct(s) => {
            for field in &s.fields {
                f(&field.shape);
            }
            if let Some(additional) = &s.additional {
                f(&additional.shape);
            }
            if let Some(alternatives) = &s.alternatives {
                f(&alternatives.shape);
            }
        }
        TypeKind::Union(u) => {
            for variant in &u.variants {
                f(&variant.shape);
            }
        }
        TypeKind::Alias(shape) => f(shape),
        TypeKind::Enum(_) => {}
    }
}

/// Records the facts the later stages look up: each operation's paging and
/// error table, the API's distinct error tables and its error body types,
/// and which structs travel as multipart bodies.
pub fn facts(api: &mut Api) {
    let paging: Vec<Option<Paging>> = api.operations.iter().map(|op| paging(api, op)).collect();
    let mut error_types: Vec<ErrorType> = Vec::new();
    let mut error_tables: Vec<Vec<ErrorBody>> = Vec::new();
    for (operation, paging) in api.operations.iter_mut().zip(paging) {
        operation.paging = paging;
        // Types are met in the schema's response order; the table is kept
        // by status.
        let mut errors = error_bodies(operation);
        for error in &errors {
            match error_types.iter_mut().find(|known| known.id == error.body) {
                Some(known) => known.statuses.push(error.status),
                None => error_types.push(ErrorType {
                    id: error.body,
                    statuses: vec![error.status],
                }),
            }
        }
        // A status is a key of the schema's responses: it cannot repeat.
        // Codes sort before classes before `default`, the order in which
        // they must be matched.
        errors.sort_by_key(|error| error.status);
        operation.error_table = match error_tables.iter().position(|known| *known == errors) {
            Some(index) => index,
            None => {
                error_tables.push(errors);
                error_tables.len() - 1
            }
        };
    }
    for error_type in &mut error_types {
        error_type.statuses.sort_unstable();
        error_type.statuses.dedup();
    }
    api.error_types = error_types;
    api.error_tables = error_tables;
    let multipart: Vec<TypeId> = api
        .operations
        .iter()
        .filter_map(|op| match op.body.as_ref().map(|body| &body.content) {
            Some(Content::Multipart(id)) => Some(*id),
            _ => None,
        })
        .collect();
    for id in multipart {
        if let TypeKind::Struct(s) = &mut api.types[id.0].kind {
            s.multipart = true;
        }
    }
}

/// The typed error bodies an operation declares, in schema order: JSON
/// bodies of named types on non-success status codes, status classes
/// (`4XX`) and `default`.
fn error_bodies(operation: &Operation) -> Vec<ErrorBody> {
    operation
        .responses
        .iter()
        .filter_map(|response| match (response.status, &response.content) {
            (status, Content::Json(Shape::Named(body))) if !status.is_success() => {
                Some(ErrorBody {
                    status,
                    body: *body,
                })
            }
            _ => None,
        })
        .collect()
}

/// The paging of an operation whose success response is a page of a list.
fn paging(api: &Api, operation: &Operation) -> Option<Paging> {
    let Returns::Json(shape) = operation.returns() else {
        return None;
    };
    let (page_type, page) = struct_of(api, shape)?;
    let [results, pagination, next] = Paging::WIRE_NAMES;
    let results_field = required_field(page, results)?;
    let Shape::List(item) = &page.fields[results_field].shape else {
        return None;
    };
    if item.nullable {
        return None;
    }
    let pagination_field = required_field(page, pagination)?;
    let (pagination_type, pagination_struct) =
        struct_of(api, &page.fields[pagination_field].shape)?;
    let next_field = required_field(pagination_struct, next)?;
    if !matches!(
        pagination_struct.fields[next_field].shape,
        Shape::Scalar(Scalar::Int64)
    ) {
        return None;
    }
    let page_param = operation.parameters.iter().position(|p| {
        p.wire_name == "page"
            && p.location == ParamLocation::Query
            && p.shape == Shape::Scalar(Scalar::Int64)
    })?;
    Some(Paging {
        page_param,
        page_type,
        results_field,
        item: item.shape.clone(),
        pagination_field,
        pagination_type,
        next_field,
    })
}

/// The struct a shape names, through aliases.
pub fn struct_of<'a>(api: &'a Api, shape: &Shape) -> Option<(TypeId, &'a Struct)> {
    match api.kind_of(shape) {
        Some((id, TypeKind::Struct(s))) => Some((id, s)),
        _ => None,
    }
}

fn required_field(s: &Struct, wire_name: &str) -> Option<usize> {
    s.fields.iter().position(|f| {
        f.wire_name == wire_name && f.presence == Presence::Required && !f.nullable && !f.indirect
    })
}

fn display_name(api: &Api, index: usize) -> String {
    let def = &api.types[index];
    def.schema_name
        .clone()
        .unwrap_or_else(|| def.hint.join("."))
}

/// How one type holds another by value.
#[derive(Clone, Copy)]
enum Via {
    Field(usize),
    Variant(usize),
    Alternatives,
    Alias,
}

#[derive(Clone, Copy)]
struct Edge {
    to: usize,
    via: Via,
    /// The value must exist: a required, non-nullable field or an alias.
    mandatory: bool,
}

/// By-value containment edges (lists and maps hold their items on the heap,
/// so they are not edges), filtered by `keep`.
fn edges(api: &Api, keep: impl Fn(&Edge) -> bool) -> Vec<Vec<Edge>> {
    api.types
        .iter()
        .map(|def| {
            let mut out = Vec::new();
            match &def.kind {
                TypeKind::Struct(s) => {
                    for (i, field) in s.fields.iter().enumerate() {
                        if let Shape::Named(to) = field.shape {
                            out.push(Edge {
                                to: to.0,
                                via: Via::Field(i),
                                mandatory: field.presence == Presence::Required && !field.nullable,
                            });
                        }
                    }
                    if let Some(Alternatives {
                        shape: Shape::Named(to),
                        ..
                    }) = s.alternatives
                    {
                        out.push(Edge {
                            to: to.0,
                            via: Via::Alternatives,
                            mandatory: true,
                        });
                    }
                }
                TypeKind::Union(u) => {
                    for (i, variant) in u.variants.iter().enumerate() {
                        if let Shape::Named(to) = variant.shape {
                            out.push(Edge {
                                to: to.0,
                                via: Via::Variant(i),
                                mandatory: false,
                            });
                        }
                    }
                }
                TypeKind::Alias(Shape::Named(to)) => out.push(Edge {
                    to: to.0,
                    via: Via::Alias,
                    mandatory: true,
                }),
                TypeKind::Alias(_) | TypeKind::Enum(_) => {}
            }
            out.retain(&keep);
            out
        })
        .collect()
}

/// Tarjan's strongly connected components, iteratively (schemas can nest
/// deeper than a comfortable recursion), in a deterministic order.
fn strongly_connected(graph: &[Vec<Edge>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = graph.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut counter = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, next edge to look at)
        let mut work = vec![(root, 0usize)];
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut next)) = work.last_mut() {
            if let Some(edge) = graph[node].get(*next) {
                *next += 1;
                let to = edge.to;
                if index[to] == UNSEEN {
                    index[to] = counter;
                    low[to] = counter;
                    counter += 1;
                    stack.push(to);
                    on_stack[to] = true;
                    work.push((to, 0));
                } else if on_stack[to] {
                    low[node] = low[node].min(index[to]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                component.sort_unstable();
                components.push(component);
            }
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(to: usize) -> Edge {
        Edge {
            to,
            via: Via::Alias,
            mandatory: true,
        }
    }

    #[test]
    fn components_are_found_in_a_small_graph() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 alone.
        let graph = vec![
            vec![edge(1)],
            vec![edge(2)],
            vec![edge(0)],
            vec![edge(3)],
            vec![],
        ];
        let mut components = strongly_connected(&graph);
        components.sort();
        assert_eq!(components, vec![vec![0, 1, 2], vec![3], vec![4]]);
    }
}
