//! Lowering's lookup service: following `$ref`s.
//!
//! The generator reads one self-contained document, so every reference must
//! be local (`#/components/...`). A reference to a component schema stays a
//! reference (it becomes a named type); one into a schema's inside
//! (`#/components/schemas/Tag/allOf/0`) is walked to the schema it names.
//! References to parameters, request bodies and responses are followed to
//! their definitions. Chains of references are followed too, and a chain
//! that loops or runs longer than [`MAX_REF_CHAIN`] is an error. Every
//! failure names the `$ref` and where it sits.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema,
    SchemaKind, Type,
};

use crate::error::{pointer_push, Error, ErrorKind, Location};

/// The longest chain of `$ref`s to `$ref`s followed before giving up: far
/// more than any document needs, few enough that a hostile one stays cheap.
pub const MAX_REF_CHAIN: usize = 64;

/// A schema position: a reference or an inline schema.
#[derive(Debug, Clone, Copy)]
pub enum SchemaRef<'a> {
    /// A `$ref`, as written.
    Ref(&'a str),
    /// A schema written in place.
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(item: &'a ReferenceOr<Schema>) -> Self {
        match item {
            ReferenceOr::Reference { reference } => Self::Ref(reference),
            ReferenceOr::Item(schema) => Self::Inline(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(item: &'a ReferenceOr<Box<Schema>>) -> Self {
        match item {
            ReferenceOr::Reference { reference } => Self::Ref(reference),
            ReferenceOr::Item(schema) => Self::Inline(schema),
        }
    }
}

/// Where a schema `$ref` leads.
#[derive(Debug, Clone)]
pub enum Target<'a> {
    /// A component schema, by its position among [`Resolver::schemas`].
    Component(usize),
    /// A schema inside a component, and its pointer.
    Inside(&'a Schema, String),
}

/// A component schema found by name.
struct Component<'a> {
    index: usize,
    name: &'a str,
    schema: &'a ReferenceOr<Schema>,
}

/// The document with its components indexed for lookup.
pub struct Resolver<'a> {
    /// The document.
    pub api: &'a OpenAPI,
    /// The file name errors should mention.
    pub file: &'a str,
    schemas: IndexMap<&'a str, &'a ReferenceOr<Schema>>,
}

/// The component sections a reference can point into.
#[derive(Clone, Copy)]
enum Section {
    Schemas,
    Parameters,
    RequestBodies,
    Responses,
}

impl Section {
    fn prefix(self) -> &'static str {
        match self {
            Self::Schemas => "#/components/schemas/",
            Self::Parameters => "#/components/parameters/",
            Self::RequestBodies => "#/components/requestBodies/",
            Self::Responses => "#/components/responses/",
        }
    }
}

impl<'a> Resolver<'a> {
    /// Indexes `api`'s components.
    pub fn new(api: &'a OpenAPI, file: &'a str) -> Self {
        let schemas = api
            .components
            .iter()
            .flat_map(|c| c.schemas.iter())
            .map(|(name, schema)| (name.as_str(), schema))
            .collect();
        Self { api, file, schemas }
    }

    /// The component schemas, in document order.
    pub fn schemas(&self) -> impl Iterator<Item = (&'a str, &'a ReferenceOr<Schema>)> + '_ {
        self.schemas.iter().map(|(name, schema)| (*name, *schema))
    }

    /// The component schema at a position among [`Resolver::schemas`].
    pub fn schema_at(&self, index: usize) -> Option<(&'a str, &'a ReferenceOr<Schema>)> {
        self.schemas
            .get_index(index)
            .map(|(name, schema)| (*name, *schema))
    }

    /// The position of the component schema `reference` names, among
    /// [`Resolver::schemas`]. `at` is the pointer of the `$ref` itself.
    /// For places that need a named type (a discriminator's members).
    pub fn schema_index(&self, reference: &str, at: &str) -> Result<usize, Error> {
        match self.schema_target(reference, at)? {
            Target::Component(index) => Ok(index),
            Target::Inside(_, pointer) => Err(self.error(
                ErrorKind::Unsupported,
                at,
                format!("`$ref: {reference}` must name a schema of its own here, not one inside another (#{pointer})"),
            )),
        }
    }

    /// Where a schema `reference` leads: a component, or a schema inside
    /// one, after following any chain of references. `at` is the pointer
    /// of the `$ref` itself.
    pub fn schema_target(&self, reference: &'a str, at: &str) -> Result<Target<'a>, Error> {
        let mut reference = reference;
        let mut seen: Vec<&'a str> = Vec::new();
        loop {
            let (component, steps) = self.split_schema_ref(reference, at)?;
            if steps.is_empty() {
                return Ok(Target::Component(component.index));
            }
            if seen.contains(&reference) {
                return Err(self.error(
                    ErrorKind::RefCycle,
                    at,
                    format!(
                        "`$ref: {reference}` never reaches a schema ({} -> {reference})",
                        seen.join(" -> ")
                    ),
                ));
            }
            if seen.len() >= MAX_REF_CHAIN {
                return Err(self.error(
                    ErrorKind::RefCycle,
                    at,
                    format!(
                        "`$ref: {}` starts a chain of more than {MAX_REF_CHAIN} references to references",
                        seen[0]
                    ),
                ));
            }
            seen.push(reference);
            let mut node = SchemaRef::from(component.schema);
            let mut pointer = pointer_push("/components/schemas", component.name);
            let mut rest = &steps[..];
            while !rest.is_empty() {
                let schema = match node {
                    SchemaRef::Inline(schema) => schema,
                    SchemaRef::Ref(inner) => {
                        return Err(self.error(
                            ErrorKind::UnresolvedRef,
                            at,
                            format!("`$ref: {reference}` passes through `#{pointer}`, which is itself `$ref: {inner}`; point at the schema that reference names instead"),
                        ))
                    }
                };
                let Some((child, used)) = child_schema(schema, rest) else {
                    return Err(self.error(
                        ErrorKind::UnresolvedRef,
                        at,
                        format!("`$ref: {reference}` points at nothing: the schema at `#{pointer}` has no `{}`", rest[0]),
                    ));
                };
                for step in &rest[..used] {
                    pointer = pointer_push(&pointer, step);
                }
                rest = &rest[used..];
                node = child;
            }
            match node {
                SchemaRef::Inline(schema) => return Ok(Target::Inside(schema, pointer)),
                SchemaRef::Ref(next) => reference = next,
            }
        }
    }

    /// The schema a reference leads to, and its pointer, following
    /// components that are only references themselves (`A: {$ref: B}`)
    /// as far as [`MAX_REF_CHAIN`]. For lowering that reads the schema's
    /// keywords rather than naming its type.
    pub fn schema_behind(&self, start: &'a str, at: &str) -> Result<(&'a Schema, String), Error> {
        let mut reference = start;
        for _ in 0..MAX_REF_CHAIN {
            let index = match self.schema_target(reference, at)? {
                Target::Inside(schema, pointer) => return Ok((schema, pointer)),
                Target::Component(index) => index,
            };
            let (name, schema) = self
                .schemas
                .get_index(index)
                .map(|(n, s)| (*n, *s))
                .ok_or_else(|| {
                    self.error(
                        ErrorKind::UnresolvedRef,
                        at,
                        format!("`$ref: {reference}` points at nothing"),
                    )
                })?;
            match schema {
                ReferenceOr::Item(schema) => {
                    return Ok((schema, pointer_push("/components/schemas", name)))
                }
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        Err(self.error(
            ErrorKind::RefCycle,
            at,
            format!("`$ref: {start}` starts a chain of more than {MAX_REF_CHAIN} references to references"),
        ))
    }

    /// The component a schema reference starts at (its position, name and
    /// schema), and the unescaped steps into it after the component's name.
    fn split_schema_ref(
        &self,
        reference: &str,
        at: &str,
    ) -> Result<(Component<'a>, Vec<String>), Error> {
        let Some(rest) = reference
            .strip_prefix(Section::Schemas.prefix())
            .filter(|rest| !rest.is_empty())
        else {
            return Err(self.misplaced(reference, Section::Schemas, at));
        };
        let mut tokens = rest.split('/').map(unescape);
        let name = tokens.next().unwrap_or_default();
        let (index, &name, &schema) = self.schemas.get_full(name.as_str()).ok_or_else(|| {
            self.error(
                ErrorKind::UnresolvedRef,
                at,
                format!("`$ref: {reference}` names no schema in components/schemas"),
            )
        })?;
        let component = Component {
            index,
            name,
            schema,
        };
        Ok((component, tokens.collect()))
    }

    /// Follows a parameter reference to its definition.
    pub fn parameter(
        &self,
        item: &'a ReferenceOr<Parameter>,
        at: &str,
    ) -> Result<(&'a Parameter, String), Error> {
        self.follow(item, at, Section::Parameters, |c, name| {
            c.parameters.get(name)
        })
    }

    /// Follows a request body reference to its definition.
    pub fn request_body(
        &self,
        item: &'a ReferenceOr<RequestBody>,
        at: &str,
    ) -> Result<(&'a RequestBody, String), Error> {
        self.follow(item, at, Section::RequestBodies, |c, name| {
            c.request_bodies.get(name)
        })
    }

    /// Follows a response reference to its definition.
    pub fn response(
        &self,
        item: &'a ReferenceOr<Response>,
        at: &str,
    ) -> Result<(&'a Response, String), Error> {
        self.follow(item, at, Section::Responses, |c, name| {
            c.responses.get(name)
        })
    }

    /// An error located at `pointer` in this document.
    pub fn error(&self, kind: ErrorKind, pointer: &str, message: impl Into<String>) -> Error {
        Error::at(kind, Location::new(self.file, pointer), message)
    }

    fn follow<T>(
        &self,
        mut item: &'a ReferenceOr<T>,
        at: &str,
        section: Section,
        lookup: impl Fn(&'a openapiv3::Components, &str) -> Option<&'a ReferenceOr<T>>,
    ) -> Result<(&'a T, String), Error> {
        let mut pointer = at.to_string();
        let mut seen: Vec<String> = Vec::new();
        loop {
            match item {
                ReferenceOr::Item(value) => return Ok((value, pointer)),
                ReferenceOr::Reference { reference } => {
                    let name = self.local_name(reference, section, &pointer)?;
                    if seen.contains(&name) {
                        return Err(self.error(
                            ErrorKind::RefCycle,
                            at,
                            format!(
                                "`$ref: {reference}` leads back to itself ({} -> {name})",
                                seen.join(" -> ")
                            ),
                        ));
                    }
                    let next = self
                        .api
                        .components
                        .as_ref()
                        .and_then(|c| lookup(c, &name))
                        .ok_or_else(|| {
                            self.error(
                                ErrorKind::UnresolvedRef,
                                &pointer,
                                format!("`$ref: {reference}` points at nothing"),
                            )
                        })?;
                    let section_pointer = &section.prefix()[1..section.prefix().len() - 1];
                    pointer = pointer_push(section_pointer, &name);
                    seen.push(name);
                    item = next;
                }
            }
        }
    }

    /// The component name a local reference ends in, unescaped.
    fn local_name(&self, reference: &str, section: Section, at: &str) -> Result<String, Error> {
        match reference.strip_prefix(section.prefix()) {
            Some(rest) if !rest.is_empty() && !rest.contains('/') => Ok(unescape(rest)),
            _ => Err(self.misplaced(reference, section, at)),
        }
    }

    /// The error for a reference that does not point into `section`.
    fn misplaced(&self, reference: &str, section: Section, at: &str) -> Error {
        let prefix = section.prefix();
        let message = if reference.starts_with('#') {
            format!("`$ref: {reference}` must point at `{prefix}<name>` here")
        } else {
            format!("`$ref: {reference}` points outside the document; only local references (`{prefix}...`) are supported")
        };
        self.error(ErrorKind::UnresolvedRef, at, message)
    }
}

/// The schema one or two pointer steps below `schema` (`items`, or
/// `properties` and a name, or `allOf` and an index, ...), and how many
/// steps it took; `None` when the schema has nothing there.
fn child_schema<'a>(schema: &'a Schema, steps: &[String]) -> Option<(SchemaRef<'a>, usize)> {
    let second = steps.get(1).map(String::as_str);
    let index = || second.and_then(|s| s.parse::<usize>().ok());
    let member =
        |members: &'a [ReferenceOr<Schema>]| members.get(index()?).map(|m| (SchemaRef::from(m), 2));
    let property = |properties: &'a IndexMap<String, ReferenceOr<Box<Schema>>>| {
        properties.get(second?).map(|p| (SchemaRef::from(p), 2))
    };
    let additional = |additional: Option<&'a AdditionalProperties>| match additional? {
        AdditionalProperties::Schema(schema) => Some((SchemaRef::from(&**schema), 1)),
        AdditionalProperties::Any(_) => None,
    };
    match (&schema.schema_kind, steps[0].as_str()) {
        (SchemaKind::AllOf { all_of: m }, "allOf")
        | (SchemaKind::OneOf { one_of: m }, "oneOf")
        | (SchemaKind::AnyOf { any_of: m }, "anyOf") => member(m),
        (SchemaKind::Not { not }, "not") => Some((SchemaRef::from(&**not), 1)),
        (SchemaKind::Type(Type::Object(o)), "properties") => property(&o.properties),
        (SchemaKind::Type(Type::Object(o)), "additionalProperties") => {
            additional(o.additional_properties.as_ref())
        }
        (SchemaKind::Type(Type::Array(a)), "items") => {
            a.items.as_ref().map(|i| (SchemaRef::from(i), 1))
        }
        (SchemaKind::Any(any), "allOf") => member(&any.all_of),
        (SchemaKind::Any(any), "oneOf") => member(&any.one_of),
        (SchemaKind::Any(any), "anyOf") => member(&any.any_of),
        (SchemaKind::Any(any), "not") => any.not.as_ref().map(|n| (SchemaRef::from(&**n), 1)),
        (SchemaKind::Any(any), "properties") => property(&any.properties),
        (SchemaKind::Any(any), "additionalProperties") => {
            additional(any.additional_properties.as_ref())
        }
        (SchemaKind::Any(any), "items") => any.items.as_ref().map(|i| (SchemaRef::from(i), 1)),
        _ => None,
    }
}

/// Undoes JSON pointer escaping (`~1`, `~0`) and URI percent-encoding.
fn unescape(token: &str) -> String {
    let mut bytes = Vec::with_capacity(token.len());
    let raw = token.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if raw[i] == b'%' && i + 2 < raw.len() {
            if let (Some(h), Some(l)) = (hex(raw[i + 1]), hex(raw[i + 2])) {
                bytes.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        bytes.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&bytes)
        .replace("~1", "/")
        .replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{parse, Source};

    fn doc(components: &str) -> OpenAPI {
        let text = format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n{components}");
        parse(&Source::new("t.yml", text)).expect("test document parses")
    }

    #[test]
    fn schema_refs_resolve_to_positions() {
        let api = doc("  schemas:\n    A: {type: string}\n    B~C: {type: string}\n");
        let r = Resolver::new(&api, "t.yml");
        assert_eq!(r.schema_index("#/components/schemas/A", "/x").ok(), Some(0));
        assert_eq!(
            r.schema_index("#/components/schemas/B~0C", "/x").ok(),
            Some(1)
        );
        let error = r
            .schema_index("#/components/schemas/Missing", "/x")
            .expect_err("dangling");
        assert_eq!(error.kind, ErrorKind::UnresolvedRef);
        assert_eq!(error.location.expect("located").pointer, "/x");
        let error = r
            .schema_index("other.yml#/components/schemas/A", "/x")
            .expect_err("external");
        assert!(error.message.contains("outside the document"));
    }

    #[test]
    fn parameter_ref_chains_are_followed_and_cycles_caught() {
        let api = doc(concat!(
            "  parameters:\n",
            "    A: {$ref: '#/components/parameters/B'}\n",
            "    B: {in: query, name: b, schema: {type: string}}\n",
            "    X: {$ref: '#/components/parameters/Y'}\n",
            "    Y: {$ref: '#/components/parameters/X'}\n",
        ));
        let r = Resolver::new(&api, "t.yml");
        let a = ReferenceOr::ref_("#/components/parameters/A");
        let (param, pointer) = r.parameter(&a, "/p").expect("chain resolves");
        assert_eq!(param.parameter_data_ref().name, "b");
        assert_eq!(pointer, "/components/parameters/B");
        let x = ReferenceOr::ref_("#/components/parameters/X");
        let error = r.parameter(&x, "/p").expect_err("cycle");
        assert_eq!(error.kind, ErrorKind::RefCycle);
    }

    #[test]
    fn refs_into_schemas_are_walked_and_followed() {
        let api = doc(concat!(
            "  schemas:\n",
            "    Tag:\n",
            "      allOf:\n",
            "        - {type: object, properties: {a~1b: {type: array, items: {type: string}}}}\n",
            "    Next: {$ref: '#/components/schemas/Tag/allOf/0/properties/a~01b'}\n",
            "    Loop: {type: object, properties: {x: {$ref: '#/components/schemas/Loop/properties/y'}, y: {$ref: '#/components/schemas/Loop/properties/x'}}}\n",
            "    Via: {type: object, properties: {n: {$ref: '#/components/schemas/Tag'}}}\n",
        ));
        let r = Resolver::new(&api, "t.yml");
        let target = |reference: &'static str| r.schema_target(reference, "/x");
        let Ok(Target::Inside(_, pointer)) =
            target("#/components/schemas/Tag/allOf/0/properties/a~01b/items")
        else {
            panic!("the items schema is found");
        };
        assert_eq!(
            pointer,
            "/components/schemas/Tag/allOf/0/properties/a~01b/items"
        );
        assert!(matches!(
            target("#/components/schemas/Next"),
            Ok(Target::Component(1))
        ));
        let missing = target("#/components/schemas/Tag/allOf/3").expect_err("no fourth member");
        assert_eq!(missing.kind, ErrorKind::UnresolvedRef);
        assert!(
            missing.message.contains("has no `allOf`"),
            "{}",
            missing.message
        );
        let cycle = target("#/components/schemas/Loop/properties/x").expect_err("loop");
        assert_eq!(cycle.kind, ErrorKind::RefCycle);
        let through =
            target("#/components/schemas/Via/properties/n/allOf/0").expect_err("through a ref");
        assert!(
            through
                .message
                .contains("itself `$ref: #/components/schemas/Tag`"),
            "{}",
            through.message
        );
        let error = r
            .schema_index("#/components/schemas/Tag/allOf/0", "/x")
            .expect_err("not a component");
        assert!(
            error.message.contains("not one inside another"),
            "{}",
            error.message
        );
    }

    #[test]
    fn percent_and_tilde_escapes_are_undone() {
        assert_eq!(unescape("a%20b~1c~0d"), "a b/c~d");
        assert_eq!(unescape("100%"), "100%");
    }
}
