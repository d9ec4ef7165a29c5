//! Every Rust identifier the generator writes is decided here.
//!
//! The rules, in order of precedence:
//! - Schema names users know from authentik's docs are kept when they are
//!   already valid `UpperCamelCase` (`OAuth2ProviderRequest`, `SAMLProvider`);
//!   others are converted (`modelRequest` becomes `ModelRequest`).
//! - Inline schemas are named after where they sit: the enclosing type and
//!   the property (`AuthenticatedSession` + `user_agent` gives
//!   `AuthenticatedSessionUserAgent`), or the operation and the parameter.
//! - Fields, parameters and methods are `snake_case`; Rust keywords become raw
//!   identifiers (`r#type`), and the four that cannot (`self`, `Self`,
//!   `super`, `crate`) get a trailing underscore.
//! - Enum values become `UpperCamelCase` variants: `ak-stage-dummy` gives
//!   `AkStageDummy`, a leading digit gets a `V` (`"6"` gives `V6`, `"1.1"`
//!   gives `V1_1`), the empty string gives `Empty`.
//! - Only ASCII letters and digits survive; everything else separates words.
//! - Collisions are resolved by appending `2`, `3`, ... in document order
//!   (after a digit, `_2`), and each one is reported.
//!
//! The wire name is never lost: the emitters keep it for `serde(rename)`.

mod identifier;
mod words;

pub use identifier::Identifier;
pub use words::{method_name, snake_name, type_name, variant_name};

use crate::error::{Diagnostic, ErrorKind, Location};
use crate::ir::{Api, ErrorBody, ParamLocation, Shape, Status, TypeId, TypeKind};
use identifier::Taken;
use words::{camel_name, shape_word};

/// The name the catch-all variant of enums and tagged unions takes.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// The variants of the generated `Error` that every crate has; typed error
/// bodies get variants named after their types, beside these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixedErrorVariant {
    /// A status the operation does not declare.
    Status,
    /// A body that does not decode.
    Decode,
    /// A body over the size limit.
    TooLarge,
    /// No response in time.
    Timeout,
    /// No response.
    Transport,
    /// A request that cannot be built.
    Request,
}

impl FixedErrorVariant {
    /// Every one, in the order the `Error` enum lists them.
    pub const ALL: [Self; 6] = [
        Self::Status,
        Self::Decode,
        Self::TooLarge,
        Self::Timeout,
        Self::Transport,
        Self::Request,
    ];

    /// The variant's identifier.
    pub fn name(self) -> &'static str {
        match self {
            Self::Status => "Status",
            Self::Decode => "Decode",
            Self::TooLarge => "TooLarge",
            Self::Timeout => "Timeout",
            Self::Transport => "Transport",
            Self::Request => "Request",
        }
    }
}

/// Names an API module imports or takes from the prelude; its own types
/// (the tag's struct, parameter structs) avoid them.
pub const MODULE_RESERVED: [&str; 13] = [
    "Error", "Result", "Option", "Some", "None", "Ok", "Err", "String", "Vec", "Box", "Unpin",
    "Send", "ToOwned",
];

/// Methods the runtime's `Client` has already; tag accessors avoid them.
const CLIENT_METHODS: [&str; 6] = ["new", "builder", "base_url", "execute", "clone", "fmt"];

/// Identifiers for everything in an [`Api`], by the same indices as the IR.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Per type: its identifier.
    pub types: Vec<String>,
    /// Per type: its fields' identifiers (structs only).
    pub fields: Vec<Vec<Identifier>>,
    /// Per type: the identifier of the field that collects unnamed
    /// properties (structs with `additionalProperties` only).
    pub additional: Vec<Option<Identifier>>,
    /// Per type: the identifier of the field that holds the alternative
    /// (structs with `oneOf`/`anyOf` beside their properties only).
    pub alternatives: Vec<Option<Identifier>>,
    /// Per type: enum or union variant identifiers.
    pub variants: Vec<Vec<String>>,
    /// Per operation: the module, method and parameter identifiers.
    pub operations: Vec<OperationNames>,
    /// Per tag module, in order of first appearance.
    pub tags: Vec<TagNames>,
    /// The generated `Error`'s variant for each type an error response
    /// carries, in the order of [`Api::error_types`].
    pub error_variants: Vec<(TypeId, String)>,
    /// Per error table ([`Api::error_tables`]): the function of the `error`
    /// module that decodes responses by it.
    pub error_fns: Vec<String>,
}

impl Names {
    /// The `Error` variant that carries error bodies of type `id`.
    pub fn error_variant(&self, id: TypeId) -> Option<&str> {
        self.error_variants
            .iter()
            .find(|(known, _)| *known == id)
            .map(|(_, variant)| variant.as_str())
    }
}

/// The identifiers of one tag's module.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagNames {
    /// The tag as the schema writes it (`None` for untagged operations).
    pub tag: Option<String>,
    /// The module (`stages`).
    pub module: Identifier,
    /// The method on `Client` that reaches it (`stages`).
    pub accessor: Identifier,
    /// The struct holding the operations (`Stages`).
    pub api: String,
}

/// The identifiers of one operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperationNames {
    /// The index of its tag in [`Names::tags`].
    pub tag: usize,
    /// The method name.
    pub method: Identifier,
    /// One identifier per parameter, in IR order.
    pub parameters: Vec<Identifier>,
    /// The struct of its query, header and cookie parameters, if it has any.
    pub params_struct: Option<String>,
    /// For a paginated list: the method that streams every item.
    pub stream: Option<Identifier>,
    /// For a paginated list: the function that builds the request.
    pub request_fn: Option<Identifier>,
    /// For success responses with different bodies: the enum a call
    /// returns, one variant per success status.
    pub response_enum: Option<String>,
}

/// Decides every identifier, reporting each collision it had to resolve.
pub fn assign(api: &Api, file: &str) -> (Names, Vec<Diagnostic>) {
    let mut namer = Namer {
        file,
        diagnostics: Vec::new(),
    };
    let mut names = Names::default();
    let mut taken = Taken::default();
    for def in &api.types {
        let name = namer.claim_text(&mut taken, &type_name(def), &def.pointer, "this type");
        names.types.push(name);
    }
    for def in &api.types {
        let members = namer.members(&names, def);
        names.fields.push(members.fields);
        names.additional.push(members.additional);
        names.alternatives.push(members.alternatives);
        names.variants.push(members.variants);
    }
    namer.operations(api, &mut names);
    let mut variants = Taken::default();
    for fixed in FixedErrorVariant::ALL {
        variants.claim_text(fixed.name());
    }
    for error_type in &api.error_types {
        let def = api.ty(error_type.id);
        let wanted = &names.types[error_type.id.0];
        let what = "the error variant of this type";
        let name = namer.claim_text(&mut variants, wanted, &def.pointer, what);
        names.error_variants.push((error_type.id, name));
    }
    name_error_fns(api, &mut names);
    (names, namer.diagnostics)
}

/// The identifiers inside one type.
struct Members {
    fields: Vec<Identifier>,
    additional: Option<Identifier>,
    alternatives: Option<Identifier>,
    variants: Vec<String>,
}

/// Claims names and reports each one that had to change.
struct Namer<'f> {
    file: &'f str,
    diagnostics: Vec<Diagnostic>,
}

impl Namer<'_> {
    /// `wanted` in `scope`, reporting a rename of `what` at `pointer`.
    fn claim(
        &mut self,
        scope: &mut Taken,
        wanted: Identifier,
        pointer: &str,
        what: &str,
    ) -> Identifier {
        let name = scope.claim(wanted.clone());
        if name != wanted {
            self.diagnostics.push(Diagnostic {
                kind: ErrorKind::NameCollision,
                location: Location::new(self.file, pointer),
                message: format!(
                    "the Rust name `{wanted}` for {what} is already taken; it is called `{name}`"
                ),
            });
        }
        name
    }

    fn claim_text(&mut self, scope: &mut Taken, wanted: &str, pointer: &str, what: &str) -> String {
        self.claim(scope, Identifier::plain(wanted), pointer, what)
            .name()
            .to_string()
    }

    /// A type's fields, additional-properties field and variants.
    fn members(&mut self, names: &Names, def: &crate::ir::TypeDef) -> Members {
        let mut fields = Vec::new();
        let mut additional = None;
        let mut alternatives = None;
        let mut variants = Vec::new();
        let mut taken = Taken::default();
        match &def.kind {
            TypeKind::Struct(s) => {
                for field in &s.fields {
                    let wanted = snake_name(&field.wire_name, "field");
                    let what = format!("property `{}`", field.wire_name);
                    fields.push(self.claim(&mut taken, wanted, &def.pointer, &what));
                }
                if s.additional.is_some() {
                    let wanted = Identifier::plain("additional_properties");
                    let what = "the field of the properties the schema does not name";
                    additional = Some(self.claim(&mut taken, wanted, &def.pointer, what));
                }
                if s.alternatives.is_some() {
                    let wanted = Identifier::plain("variant");
                    let what = "the field of the `oneOf`/`anyOf` beside the properties";
                    alternatives = Some(self.claim(&mut taken, wanted, &def.pointer, what));
                }
            }
            TypeKind::Enum(e) => {
                taken.claim_text(UNKNOWN_VARIANT);
                for variant in &e.variants {
                    let what = format!("enum value `{}`", variant.value);
                    let wanted = variant_name(variant.name.as_deref().unwrap_or(&variant.value));
                    variants.push(self.claim_text(&mut taken, &wanted, &def.pointer, &what));
                }
            }
            TypeKind::Union(u) => {
                if u.discriminator.is_some() {
                    taken.claim_text(UNKNOWN_VARIANT);
                }
                let repeated =
                    |shape: &Shape| u.variants.iter().filter(|v| &v.shape == shape).count() > 1;
                for (index, variant) in u.variants.iter().enumerate() {
                    let wanted = match (&variant.shape, &variant.tag) {
                        (shape, Some(tag)) if repeated(shape) => variant_name(tag),
                        (Shape::Named(id), _) => names.types[id.0].clone(),
                        (shape, _) => shape_word(shape).to_string(),
                    };
                    let what = format!("union member {index}");
                    variants.push(self.claim_text(&mut taken, &wanted, &def.pointer, &what));
                }
            }
            TypeKind::Alias(_) => {}
        }
        Members {
            fields,
            additional,
            alternatives,
            variants,
        }
    }

    /// Tag modules and accessors, and each operation's names.
    fn operations(&mut self, api: &Api, names: &mut Names) {
        let mut modules = Taken::default();
        let mut accessors = Taken::default();
        for method in CLIENT_METHODS {
            accessors.claim_text(method);
        }
        // Per tag: the functions of its API struct, and the types of its module.
        let mut scopes: Vec<(Taken, Taken)> = Vec::new();
        for op in &api.operations {
            let tag = op.tag.as_deref();
            let tag_index = match names.tags.iter().position(|t| t.tag.as_deref() == tag) {
                Some(index) => index,
                None => {
                    let word = tag.unwrap_or("other");
                    let what = format!("the module of tag `{word}`");
                    let wanted = snake_name(word, "other");
                    let module = self.claim(&mut modules, wanted.clone(), &op.pointer, &what);
                    let what = format!("the client method of tag `{word}`");
                    let accessor = self.claim(&mut accessors, wanted, &op.pointer, &what);
                    let mut types = Taken::default();
                    // The module imports `Error` and writes prelude names short.
                    for reserved in MODULE_RESERVED {
                        types.claim_text(reserved);
                    }
                    let what = format!("the API struct of tag `{word}`");
                    let api_struct =
                        self.claim_text(&mut types, &camel_name(word), &op.pointer, &what);
                    names.tags.push(TagNames {
                        tag: tag.map(str::to_string),
                        module,
                        accessor,
                        api: api_struct,
                    });
                    scopes.push((Taken::default(), types));
                    names.tags.len() - 1
                }
            };
            let (functions, types) = &mut scopes[tag_index];
            let what = format!("operation `{}`", op.id);
            let method = self.claim(functions, method_name(&op.id, tag), &op.pointer, &what);
            let bare = method.name().to_string();
            let (stream, request_fn) = match op.paging {
                Some(_) => {
                    let stream = Identifier::plain(format!("{bare}_stream"));
                    let what = format!("the stream method of operation `{}`", op.id);
                    let stream = self.claim(functions, stream, &op.pointer, &what);
                    let request_fn = Identifier::plain(format!("{bare}_request"));
                    let what = format!("the request function of operation `{}`", op.id);
                    let request_fn = self.claim(functions, request_fn, &op.pointer, &what);
                    (Some(stream), Some(request_fn))
                }
                None => (None, None),
            };
            let params_struct = op
                .parameters
                .iter()
                .any(|p| p.location != ParamLocation::Path)
                .then(|| {
                    let wanted = format!("{}Params", camel_name(&bare));
                    let what = format!("the parameters struct of operation `{}`", op.id);
                    self.claim_text(types, &wanted, &op.pointer, &what)
                });
            let response_enum = op.by_status().then(|| {
                let wanted = format!("{}Response", camel_name(&bare));
                let what = format!("the response enum of operation `{}`", op.id);
                self.claim_text(types, &wanted, &op.pointer, &what)
            });
            // Path parameters are arguments beside `params` and `body`; the
            // others are fields of the params struct.
            let mut arguments = Taken::default();
            arguments.claim_text("body");
            arguments.claim_text("params");
            let mut fields = Taken::default();
            let parameters = op
                .parameters
                .iter()
                .map(|p| {
                    let what = format!("parameter `{}` of operation `{}`", p.wire_name, op.id);
                    let wanted = snake_name(&p.wire_name, "param");
                    let scope = if p.location == ParamLocation::Path {
                        &mut arguments
                    } else {
                        &mut fields
                    };
                    self.claim(scope, wanted, &op.pointer, &what)
                })
                .collect();
            names.operations.push(OperationNames {
                tag: tag_index,
                method,
                parameters,
                params_struct,
                stream,
                request_fn,
                response_enum,
            });
        }
    }
}

/// Names the function that decodes each error table after the statuses it
/// declares (`status_400_403`), with the types only when two tables declare
/// the same statuses. A name depends only on the tables that share its
/// statuses, so operations coming and going elsewhere do not rename it.
fn name_error_fns(api: &Api, names: &mut Names) {
    let statuses_of = |table: &[ErrorBody]| -> Vec<String> {
        table
            .iter()
            .map(|error| status_word(error.status))
            .collect()
    };
    let mut sharing: std::collections::BTreeMap<Vec<String>, usize> = Default::default();
    for table in &api.error_tables {
        *sharing.entry(statuses_of(table)).or_default() += 1;
    }
    for table in &api.error_tables {
        let statuses = statuses_of(table);
        let name = if table.is_empty() {
            "unexpected_status".to_string()
        } else if sharing[&statuses] == 1 {
            format!("status_{}", statuses.join("_"))
        } else {
            let mut name = String::from("status");
            for error in table {
                name.push_str(&format!(
                    "_{}_{}",
                    status_word(error.status),
                    snake_name(&names.types[error.body.0], "body").name()
                ));
            }
            name
        };
        names.error_fns.push(name);
    }
}

/// A status as it appears in a function name: `400`, `4xx`, `default`.
fn status_word(status: Status) -> String {
    match status {
        Status::Code(code) => code.to_string(),
        Status::Range(class) => format!("{class}xx"),
        Status::Default => "default".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use crate::load::Source;
    use crate::Generator;

    /// Every rename is reported, whatever kind of name it is.
    #[test]
    fn every_kind_of_collision_is_reported() {
        let yaml = concat!(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n",
            "  /a/:\n    get:\n      operationId: a_b_list\n      tags: [a-b]\n",
            "      responses: {'400': {description: e, content: {application/json: {schema: {$ref: '#/components/schemas/Status'}}}}}\n",
            "  /b/:\n    get:\n      operationId: a_b_other\n      tags: [a_b]\n",
            "      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Either'}}}}}\n",
            "  /c/:\n    get:\n      operationId: foo_params_foo\n      tags: [foo_params]\n",
            "      parameters: [{name: q, in: query, schema: {type: string}}, {name: Q, in: query, schema: {type: string}}]\n",
            "      responses: {'204': {description: done}}\n",
            "components:\n  schemas:\n",
            "    Status: {type: object, properties: {detail: {type: string}}}\n",
            "    Either: {oneOf: [{type: string}, {type: string, format: byte}]}\n",
        );
        let model = Generator::from_source(Source::new("t.yml", yaml))
            .model()
            .unwrap();
        let messages: Vec<String> = model
            .diagnostics
            .iter()
            .map(|d| d.message.clone())
            .collect();
        for expected in [
            "`Status` for the error variant of this type is already taken; it is called `Status2`",
            "`String` for union member 1 is already taken; it is called `String2`",
            "`a_b` for the module of tag `a_b` is already taken; it is called `a_b_2`",
            "`a_b` for the client method of tag `a_b` is already taken; it is called `a_b_2`",
            "`FooParams` for the parameters struct of operation `foo_params_foo` is already taken; it is called `FooParams2`",
            "`q` for parameter `Q` of operation `foo_params_foo` is already taken; it is called `q_2`",
        ] {
            assert!(
                messages.iter().any(|m| m.contains(expected)),
                "no `{expected}` in {messages:#?}"
            );
        }
        assert_eq!(messages.len(), 6, "{messages:#?}");
    }
}
