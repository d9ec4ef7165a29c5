//! Emit: the IR to Rust tokens.
//!
//! [`plan`] decides the module tree of the generated crate and what goes
//! where; [`piece`] turns one piece of it into `quote!` tokens, which the
//! generator then formats ([`crate::format`]) and assembles
//! ([`tree::assemble`]). Emitters read only the IR and the [`Names`]; they
//! never see `openapiv3`.

pub mod directions;
pub mod docs;
mod errors;
pub mod features;
mod manifest;
pub mod mock;
mod operations;
pub mod optional;
mod runtime;
pub mod rust_type;
pub mod tree;
mod types;

pub use manifest::{manifest, Dependency, DEPENDENCIES};

use crate::ir::{Api, ParamLocation, TypeId};
use crate::naming::{Identifier, Names};
use tree::{Cfg, Module, Piece};

/// Which parts of the API to emit.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Per type: emit it?
    pub types: Vec<bool>,
    /// Per operation: emit it?
    pub operations: Vec<bool>,
    /// Gate tags and the types they reach behind cargo features.
    pub features: Option<features::TagFeatures>,
    /// The serde halves each type implements.
    pub directions: directions::Directions,
    /// Whether calls are traced.
    pub tracing: optional::Switch,
    /// Whether requests can go through reqwest-middleware's client.
    pub middleware: optional::Switch,
    /// Whether the crate has the `mock` feature (a crate whose response
    /// types can get `Serialize` from `round-trip`).
    pub mock: bool,
}

impl Selection {
    /// Everything.
    pub fn all(api: &Api) -> Self {
        Self {
            types: vec![true; api.types.len()],
            operations: vec![true; api.operations.len()],
            features: None,
            directions: directions::Directions::both(api),
            tracing: optional::Switch::Off,
            middleware: optional::Switch::Off,
            mock: false,
        }
    }
}

/// The module tree of a generated crate.
pub fn plan(api: &Api, names: &Names, selection: &Selection, schema_label: &str) -> Module {
    let types = Module {
        name: Identifier::plain("types"),
        public: true,
        doc: vec![
            "Models, enums and unions of the schema.".into(),
            String::new(),
            "One item per component schema, named as in authentik's own documentation where that is a valid Rust name, plus the inline schemas that needed a name.".into(),
        ],
        pieces: type_order(api)
            .into_iter()
            .filter(|id| selection.types[id.0])
            .map(Piece::Type)
            .collect(),
        children: Vec::new(),
        cfg: None,
        file: None,
    };
    let runtime = Module {
        name: Identifier::plain("runtime"),
        public: true,
        doc: vec![runtime::RUNTIME_DOC.into()],
        pieces: vec![Piece::Text(runtime::RUNTIME_ROOT.into())],
        children: runtime::RUNTIME_FILES
            .iter()
            .map(|file| Module {
                name: Identifier::plain(file.name),
                public: file.public,
                doc: vec![file.doc.into()],
                pieces: vec![Piece::Text(file.source.into())],
                children: Vec::new(),
                cfg: None,
                file: None,
            })
            .chain(optional::TRACING.runtime_modules(selection.tracing))
            .chain(optional::MIDDLEWARE.runtime_modules(selection.middleware))
            .chain(selection.mock.then(mock::runtime_module))
            .collect(),
        cfg: None,
        file: None,
    };
    let tags: Vec<Module> = names
        .tags
        .iter()
        .enumerate()
        .filter(|(index, _)| {
            names
                .operations
                .iter()
                .zip(&selection.operations)
                .any(|(op, selected)| *selected && op.tag == *index)
        })
        .map(|(index, tag)| Module {
            name: tag.module.clone(),
            public: true,
            doc: vec![match &tag.tag {
                Some(label) => format!(
                    "Operations tagged {}: `client.{}()`.",
                    docs::code(label),
                    tag.accessor
                ),
                None => format!("Operations without a tag: `client.{}()`.", tag.accessor),
            }],
            pieces: vec![Piece::Tag(index)],
            children: Vec::new(),
            cfg: selection
                .features
                .as_ref()
                .map(|features| Cfg::Feature(features.names[index].clone())),
            file: None,
        })
        .collect();
    let apis = Module {
        name: Identifier::plain("apis"),
        public: true,
        doc: vec![
            "The operations, one module per tag.".into(),
            String::new(),
            example_call(api, names, selection),
        ],
        pieces: Vec::new(),
        children: tags,
        cfg: None,
        file: None,
    };
    let error = Module {
        name: Identifier::plain("error"),
        public: true,
        doc: vec!["The error every operation returns.".into()],
        pieces: vec![Piece::Error],
        children: Vec::new(),
        cfg: None,
        file: None,
    };
    let mut doc = vec![
        format!(
            "Client for the {} API, release {}.",
            docs::prose(&api.info.title).join(" "),
            docs::prose(&api.info.version).join(" ")
        ),
        String::new(),
        format!(
            "Generated by authentik-codegen from {}; regenerate it rather than editing it.",
            docs::code(schema_label)
        ),
    ];
    if selection.directions.needs_feature() {
        doc.push(String::new());
        doc.push(format!(
            "Each type implements the serde half it travels by: `Serialize` if the client sends it, `Deserialize` if it receives it. The `{}` feature gives every type both, to cache responses or replay requests.",
            directions::ROUND_TRIP_FEATURE
        ));
    }
    if let Some(description) = &api.info.description {
        doc.push(String::new());
        doc.extend(docs::prose(description));
    }
    Module {
        name: Identifier::default(),
        public: true,
        doc,
        pieces: vec![Piece::Text(format!(
            "pub use self::error::Error;\n#[rustfmt::skip]\npub use self::runtime::{{http_client_builder, Client, ClientBuilder, FilePart, Nullable, RetryPolicy}};\n\n/// The path prefix of every operation, from the schema's `servers`.\npub const API_PREFIX: &str = {:?};\n",
            api.base_path
        ))],
        children: vec![apis, error, types, runtime],
        cfg: None,
        file: None,
    }
}

/// Components in schema order, each followed by the inline types found
/// inside it; then the inline types of operations.
fn type_order(api: &Api) -> Vec<TypeId> {
    let mut owned: Vec<Vec<TypeId>> = vec![Vec::new(); api.types.len()];
    let mut order = Vec::with_capacity(api.types.len());
    let mut loose = Vec::new();
    for (index, def) in api.types.iter().enumerate() {
        match def.owner {
            Some(owner) => owned[owner.0].push(TypeId(index)),
            None if def.schema_name.is_none() => loose.push(TypeId(index)),
            None => {}
        }
    }
    for (index, def) in api.types.iter().enumerate() {
        if def.owner.is_none() && def.schema_name.is_some() {
            order.push(TypeId(index));
            order.append(&mut owned[index]);
        }
    }
    order.extend(loose);
    order
}

/// Code emitted for one piece, before formatting.
pub struct Code {
    /// The items.
    pub tokens: proc_macro2::TokenStream,
    /// What they are, for messages.
    pub what: String,
    /// The `#[cfg]` every item gets.
    pub cfg: Option<proc_macro2::TokenStream>,
}

/// What one piece emits: code to format, or text copied as is.
pub enum Emitted<'p> {
    /// Code, to be formatted.
    Code(Code),
    /// A [`Piece::Text`]'s text.
    Text(&'p str),
}

/// Every piece of a planned tree, in the order [`tree::assemble`] takes
/// their text.
pub fn pieces(root: &Module) -> Vec<Piece> {
    let mut jobs = Vec::new();
    collect_jobs(root, &mut jobs);
    jobs
}

/// Emits one piece.
pub fn piece<'p>(api: &Api, names: &Names, selection: &Selection, piece: &'p Piece) -> Emitted<'p> {
    match piece {
        Piece::Type(id) => Emitted::Code(Code {
            tokens: types::type_item(api, names, &selection.directions, *id),
            what: format!("type `{}`", names.types[id.0]),
            cfg: selection.features.as_ref().and_then(|f| f.for_type(*id)),
        }),
        Piece::Tag(index) => Emitted::Code(Code {
            tokens: operations::tag_module(api, names, selection, *index),
            what: format!("module `{}`", names.tags[*index].module),
            cfg: None,
        }),
        Piece::Error => Emitted::Code(Code {
            tokens: errors::error_module(api, names, selection),
            what: "the error module".into(),
            cfg: None,
        }),
        Piece::Text(text) => Emitted::Text(text),
    }
}

fn collect_jobs(module: &Module, jobs: &mut Vec<Piece>) {
    jobs.extend(module.pieces.iter().cloned());
    for child in &module.children {
        collect_jobs(child, jobs);
    }
}

/// The marker the first line of every generated file carries; only files
/// with it are ever removed as stale.
pub const MARKER: &str = "@generated by authentik-codegen";

/// The comment that starts every generated file. Everything in it is kept
/// to one line: a line break in the title would end the comment and put
/// the rest of the title into the code.
pub fn header(api: &Api, schema_label: &str) -> String {
    format!(
        "// {MARKER} from {} ({} {}). Do not edit: regenerate.\n",
        docs::one_line(schema_label),
        docs::one_line(&api.info.title),
        docs::one_line(&api.info.version)
    )
}

/// How the `apis` docs say operations are reached, with a call of this
/// crate's first operation (none when it has none).
fn example_call(api: &Api, names: &Names, selection: &Selection) -> String {
    let reach = "Reach them through a [`Client`](super::Client)";
    let rule = "A method's name is its `operationId` in snake case without the tag prefix.";
    let Some(index) = selection.operations.iter().position(|selected| *selected) else {
        return format!("{reach}. {rule}");
    };
    let (op, op_names) = (&api.operations[index], &names.operations[index]);
    let mut arguments: Vec<String> = op
        .parameters
        .iter()
        .zip(&op_names.parameters)
        .filter(|(p, _)| p.location == ParamLocation::Path)
        .map(|(_, name)| name.to_string())
        .collect();
    if op_names.params_struct.is_some() {
        arguments.push("&params".into());
    }
    if let Some(body) = &op.body {
        let borrowed = operations::body_is_borrowed(&body.content);
        arguments.push(if borrowed { "&body" } else { "body" }.into());
    }
    format!(
        "{reach}, as in `client.{}().{}({})`. {rule}",
        names.tags[op_names.tag].accessor,
        op_names.method,
        arguments.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Source;
    use crate::Generator;

    fn apis_doc(yaml: &str) -> String {
        let model = Generator::from_source(Source::new("t.yml", yaml))
            .model()
            .unwrap();
        let selection = Selection::all(&model.api);
        let root = plan(&model.api, &model.names, &selection, "t.yml");
        let apis = root
            .children
            .iter()
            .find(|m| m.name.name() == "apis")
            .unwrap();
        apis.doc.join("\n")
    }

    #[test]
    fn the_apis_docs_call_an_operation_of_this_crate() {
        let doc = apis_doc(concat!(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n",
            "  /core/groups/{group_uuid}/:\n    patch:\n      operationId: core_groups_partial_update\n",
            "      tags: [core]\n",
            "      parameters: [{name: group_uuid, in: path, required: true, schema: {type: string}}]\n",
            "      requestBody: {content: {application/json: {schema: {type: object}}}}\n",
            "      responses: {'204': {description: done}}\n",
        ));
        assert!(
            doc.contains("`client.core().groups_partial_update(group_uuid, &body)`"),
            "{doc}"
        );
        assert!(!doc.contains("invitation"), "{doc}");
    }

    #[test]
    fn a_crate_without_operations_shows_no_call() {
        let doc = apis_doc("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n");
        assert!(!doc.contains("client."), "{doc}");
    }
}
