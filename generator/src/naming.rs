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

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::error::{Diagnostic, ErrorKind, Location};
use crate::ir::{Api, ErrorBody, ParamLocation, Shape, TypeDef, TypeId, TypeKind};

/// Words Rust reserves (2021 and 2024 editions, strict and reserved).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate"];

/// The name the catch-all variant of enums and tagged unions takes.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// The variants of the generated `Error` that every crate has; typed error
/// bodies get variants named after their types, beside these.
pub const FIXED_ERROR_VARIANTS: [&str; 5] = ["Status", "Decode", "Timeout", "Transport", "Request"];

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
    pub fields: Vec<Vec<String>>,
    /// Per type: the identifier of the field that collects unnamed
    /// properties (structs with `additionalProperties` only).
    pub additional: Vec<Option<String>>,
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
    pub module: String,
    /// The method on `Client` that reaches it (`stages`).
    pub accessor: String,
    /// The struct holding the operations (`Stages`).
    pub api: String,
}

/// The identifiers of one operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperationNames {
    /// The index of its tag in [`Names::tags`].
    pub tag: usize,
    /// The method name.
    pub method: String,
    /// One identifier per parameter, in IR order.
    pub parameters: Vec<String>,
    /// The struct of its query, header and cookie parameters, if it has any.
    pub params_struct: Option<String>,
    /// For a paginated list: the method that streams every item.
    pub stream: Option<String>,
    /// For a paginated list: the function that builds the request.
    pub request_fn: Option<String>,
}

/// Decides every identifier, reporting each collision it had to resolve.
pub fn assign(api: &Api, file: &str) -> (Names, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut warn = |pointer: &str, message: String| {
        diagnostics.push(Diagnostic {
            kind: ErrorKind::NameCollision,
            location: Location::new(file, pointer),
            message,
        });
    };

    let mut names = Names::default();
    let mut taken = Taken::default();
    for def in &api.types {
        let wanted = type_name(def);
        let name = taken.claim(&wanted);
        if name != wanted {
            warn(
                &def.pointer,
                format!("the Rust name `{wanted}` is already taken; this type is called `{name}`"),
            );
        }
        names.types.push(name);
    }

    for (index, def) in api.types.iter().enumerate() {
        let mut fields = Vec::new();
        let mut additional = None;
        let mut variants = Vec::new();
        match &def.kind {
            TypeKind::Struct(s) => {
                let mut taken = Taken::default();
                for field in &s.fields {
                    let wanted = snake_name(&field.wire_name, "field");
                    let name = taken.claim(&wanted);
                    if name != wanted {
                        warn(
                            &def.pointer,
                            format!("property `{}` would be `{wanted}` like an earlier one; it is called `{name}`", field.wire_name),
                        );
                    }
                    fields.push(name);
                }
                if s.additional.is_some() {
                    additional = Some(taken.claim("additional_properties"));
                }
            }
            TypeKind::Enum(e) => {
                let mut taken = Taken::default();
                taken.claim(UNKNOWN_VARIANT);
                for variant in &e.variants {
                    let wanted = variant_name(&variant.value);
                    let name = taken.claim(&wanted);
                    if name != wanted {
                        warn(
                            &def.pointer,
                            format!("enum value `{}` would be `{wanted}` like an earlier one; it is called `{name}`", variant.value),
                        );
                    }
                    variants.push(name);
                }
            }
            TypeKind::Union(u) => {
                let mut taken = Taken::default();
                if u.discriminator.is_some() {
                    taken.claim(UNKNOWN_VARIANT);
                }
                let repeated =
                    |shape: &Shape| u.variants.iter().filter(|v| &v.shape == shape).count() > 1;
                for variant in &u.variants {
                    let wanted = match (&variant.shape, &variant.tag) {
                        (shape, Some(tag)) if repeated(shape) => variant_name(tag),
                        (Shape::Named(id), _) => names.types[id.0].clone(),
                        (shape, _) => shape_word(shape).to_string(),
                    };
                    variants.push(taken.claim(&wanted));
                }
            }
            TypeKind::Alias(_) => {}
        }
        debug_assert_eq!(names.fields.len(), index);
        names.fields.push(fields);
        names.additional.push(additional);
        names.variants.push(variants);
    }

    let mut modules = Taken::default();
    let mut accessors = Taken::default();
    for method in CLIENT_METHODS {
        accessors.claim(method);
    }
    // Per tag: the functions of its API struct, and the types of its module.
    let mut scopes: Vec<(Taken, Taken)> = Vec::new();
    for op in &api.operations {
        let tag = op.tag.as_deref();
        let tag_index = match names.tags.iter().position(|t| t.tag.as_deref() == tag) {
            Some(index) => index,
            None => {
                let word = tag.unwrap_or("other");
                let module = modules.claim(&snake_name(word, "other"));
                let accessor = accessors.claim(&snake_name(word, "other"));
                let mut types = Taken::default();
                // The module imports `Error` and writes prelude names short.
                for reserved in MODULE_RESERVED {
                    types.claim(reserved);
                }
                let api_struct = types.claim(&camel_name(word));
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
        let wanted = method_name(&op.id, tag);
        let method = functions.claim(&wanted);
        if method != wanted {
            warn(
                &op.pointer,
                format!("operation `{}` would be `{wanted}` like an earlier one; it is called `{method}`", op.id),
            );
        }
        let bare = method.strip_prefix("r#").unwrap_or(&method).to_string();
        let (stream, request_fn) = match op.paging {
            Some(_) => (
                Some(functions.claim(&format!("{bare}_stream"))),
                Some(functions.claim(&format!("{bare}_request"))),
            ),
            None => (None, None),
        };
        let params_struct = op
            .parameters
            .iter()
            .any(|p| p.location != ParamLocation::Path)
            .then(|| types.claim(&format!("{}Params", camel_name(&bare))));
        let mut taken = Taken::default();
        // `body` and `params` are the names of the other arguments.
        taken.claim("body");
        taken.claim("params");
        let parameters = op
            .parameters
            .iter()
            .map(|p| taken.claim(&snake_name(&p.wire_name, "param")))
            .collect();
        names.operations.push(OperationNames {
            tag: tag_index,
            method,
            parameters,
            params_struct,
            stream,
            request_fn,
        });
    }

    let mut variants = Taken::default();
    for fixed in FIXED_ERROR_VARIANTS {
        variants.claim(fixed);
    }
    for error_type in &api.error_types {
        let name = variants.claim(&names.types[error_type.id.0]);
        names.error_variants.push((error_type.id, name));
    }
    name_error_fns(api, &mut names);
    (names, diagnostics)
}

/// Names the function that decodes each error table after the statuses it
/// declares (`status_400_403`), with the types only when two tables declare
/// the same statuses. A name depends only on the tables that share its
/// statuses, so operations coming and going elsewhere do not rename it.
fn name_error_fns(api: &Api, names: &mut Names) {
    let statuses_of =
        |table: &[ErrorBody]| -> Vec<u16> { table.iter().map(|error| error.status).collect() };
    let mut sharing: std::collections::BTreeMap<Vec<u16>, usize> = Default::default();
    for table in &api.error_tables {
        *sharing.entry(statuses_of(table)).or_default() += 1;
    }
    for table in &api.error_tables {
        let statuses = statuses_of(table);
        let name = if table.is_empty() {
            "unexpected_status".to_string()
        } else if sharing[&statuses] == 1 {
            let codes: Vec<String> = statuses.iter().map(u16::to_string).collect();
            format!("status_{}", codes.join("_"))
        } else {
            let mut name = String::from("status");
            for error in table {
                name.push_str(&format!(
                    "_{}_{}",
                    error.status,
                    snake_name(&names.types[error.body.0], "body")
                ));
            }
            name
        };
        names.error_fns.push(name);
    }
}

/// The identifier a type wants before collisions are resolved.
pub fn type_name(def: &TypeDef) -> String {
    match &def.schema_name {
        Some(name) if is_upper_camel(name) => name.clone(),
        Some(name) => camel_name(name),
        None => {
            let mut out = String::new();
            for (i, part) in def.hint.iter().enumerate() {
                if i == 0 && is_upper_camel(part) {
                    out.push_str(part);
                } else {
                    out.push_str(&upper_camel(part));
                }
            }
            fix_camel(out)
        }
    }
}

/// A method name for an operation: its `operationId` in `snake_case`, less
/// the tag prefix the client's tag accessor already says.
/// `stages_invitation_invitations_partial_update` under tag `stages` is
/// called as `client.stages().invitation_invitations_partial_update(..)`.
pub fn method_name(operation_id: &str, tag: Option<&str>) -> String {
    let id = ascii_words(operation_id).to_snake_case();
    let stripped = tag
        .map(|tag| format!("{}_", ascii_words(tag).to_snake_case()))
        .and_then(|prefix| id.strip_prefix(&prefix).map(str::to_string))
        .filter(|rest| !rest.is_empty());
    let name = stripped.unwrap_or(id);
    keyword_safe(if name.is_empty() {
        "call".into()
    } else {
        fix_snake(name)
    })
}

/// A `snake_case` identifier for a wire name; `fallback` when nothing of the
/// name survives.
pub fn snake_name(wire: &str, fallback: &str) -> String {
    let snake = ascii_words(wire).to_snake_case();
    let snake = if snake.is_empty() {
        fallback.to_string()
    } else {
        fix_snake(snake)
    };
    keyword_safe(snake)
}

/// An `UpperCamelCase` variant for an enum value or union tag.
pub fn variant_name(value: &str) -> String {
    if value.is_empty() {
        return "Empty".into();
    }
    let mut out = String::new();
    for word in value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_upper_camel_case();
        let after_digit = out.ends_with(|c: char| c.is_ascii_digit());
        if after_digit && word.starts_with(|c: char| c.is_ascii_digit()) {
            out.push('_');
        }
        out.push_str(&word);
    }
    if out.is_empty() {
        return "Value".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    match out.as_str() {
        "Self" => "SelfValue".into(),
        UNKNOWN_VARIANT => "UnknownValue".into(),
        _ => out,
    }
}

fn shape_word(shape: &Shape) -> &'static str {
    match shape {
        Shape::Named(_) => "Named",
        Shape::Scalar(scalar) => match scalar {
            crate::ir::Scalar::String => "String",
            crate::ir::Scalar::Boolean => "Boolean",
            crate::ir::Scalar::Int32 | crate::ir::Scalar::Int64 => "Integer",
            crate::ir::Scalar::Float | crate::ir::Scalar::Double => "Number",
            crate::ir::Scalar::Uuid => "Uuid",
            crate::ir::Scalar::DateTime => "DateTime",
            crate::ir::Scalar::Date => "Date",
            crate::ir::Scalar::Binary => "Bytes",
        },
        Shape::List(_) => "List",
        Shape::Map(_) => "Map",
        Shape::Any => "Value",
    }
}

fn is_upper_camel(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && name != "Self"
}

/// Keeps ASCII letters and digits; everything else becomes a word break.
fn ascii_words(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

fn upper_camel(name: &str) -> String {
    ascii_words(name).to_upper_camel_case()
}

fn camel_name(name: &str) -> String {
    fix_camel(upper_camel(name))
}

/// Makes an `UpperCamelCase` candidate a valid, lint-clean type name.
fn fix_camel(name: String) -> String {
    if name.is_empty() {
        "Type".into()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("Schema{name}")
    } else if name == "Self" {
        "SelfType".into()
    } else {
        name
    }
}

fn fix_snake(name: String) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{name}")
    } else {
        name
    }
}

fn keyword_safe(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Names already used in one scope.
#[derive(Debug, Default)]
struct Taken(std::collections::HashSet<String>);

impl Taken {
    /// `wanted`, or the first free `wanted2`, `wanted3`, ...
    fn claim(&mut self, wanted: &str) -> String {
        let bare = wanted.strip_prefix("r#").unwrap_or(wanted);
        if self.0.insert(bare.to_string()) {
            return wanted.to_string();
        }
        let joiner = if bare.ends_with(|c: char| c.is_ascii_digit())
            || bare.contains('_')
            || bare.starts_with(|c: char| c.is_ascii_lowercase())
        {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{bare}{joiner}{n}"))
            .find(|candidate| self.0.insert(candidate.clone()))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_users_know_are_kept() {
        let def = |name: &str| TypeDef {
            schema_name: Some(name.into()),
            hint: vec![name.into()],
            pointer: String::new(),
            owner: None,
            docs: Default::default(),
            kind: TypeKind::Alias(Shape::Any),
        };
        assert_eq!(type_name(&def("SAMLProvider")), "SAMLProvider");
        assert_eq!(
            type_name(&def("OAuth2ProviderRequest")),
            "OAuth2ProviderRequest"
        );
        assert_eq!(
            type_name(&def("TenantAdminGroupRequestRequest")),
            "TenantAdminGroupRequestRequest"
        );
        assert_eq!(type_name(&def("modelRequest")), "ModelRequest");
        assert_eq!(type_name(&def("foo.bar-baz")), "FooBarBaz");
        assert_eq!(type_name(&def("3ds")), "Schema3ds");
        assert_eq!(type_name(&def("self")), "SelfType");
    }

    #[test]
    fn inline_names_follow_their_position() {
        let def = TypeDef {
            schema_name: None,
            hint: vec![
                "AuthenticatedSession".into(),
                "user_agent".into(),
                "os".into(),
            ],
            pointer: String::new(),
            owner: None,
            docs: Default::default(),
            kind: TypeKind::Alias(Shape::Any),
        };
        assert_eq!(type_name(&def), "AuthenticatedSessionUserAgentOs");
    }

    #[test]
    fn fields_and_keywords() {
        assert_eq!(
            snake_name("created_by__username", "f"),
            "created_by_username"
        );
        assert_eq!(snake_name("type", "f"), "r#type");
        assert_eq!(snake_name("self", "f"), "self_");
        assert_eq!(snake_name("nonFieldErrors", "f"), "non_field_errors");
        assert_eq!(snake_name("2fa", "f"), "n2fa");
        assert_eq!(snake_name("***", "f"), "f");
    }

    #[test]
    fn enum_values_become_variants() {
        assert_eq!(variant_name("message_continue"), "MessageContinue");
        assert_eq!(variant_name("ak-stage-dummy"), "AkStageDummy");
        assert_eq!(variant_name("6"), "V6");
        assert_eq!(variant_name("1.1"), "V1_1");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("None"), "None");
        assert_eq!(variant_name("Unknown"), "UnknownValue");
        assert_eq!(variant_name("self"), "SelfValue");
        assert_eq!(
            variant_name("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"),
            "HttpWwwW3Org2001_04XmldsigMoreRsaSha256"
        );
    }

    #[test]
    fn methods_drop_the_tag_prefix() {
        assert_eq!(
            method_name(
                "stages_invitation_invitations_partial_update",
                Some("stages")
            ),
            "invitation_invitations_partial_update"
        );
        assert_eq!(
            method_name("root_config_retrieve", Some("root")),
            "config_retrieve"
        );
        assert_eq!(method_name("stages", Some("stages")), "stages");
        assert_eq!(method_name("other_thing", Some("stages")), "other_thing");
    }

    #[test]
    fn collisions_get_numbered() {
        let mut taken = Taken::default();
        assert_eq!(taken.claim("FooBar"), "FooBar");
        assert_eq!(taken.claim("FooBar"), "FooBar2");
        assert_eq!(taken.claim("V1"), "V1");
        assert_eq!(taken.claim("V1"), "V1_2");
        assert_eq!(taken.claim("r#type"), "r#type");
        assert_eq!(taken.claim("type"), "type_2");
        assert_eq!(taken.claim("name"), "name");
        assert_eq!(taken.claim("name"), "name_2");
    }
}
