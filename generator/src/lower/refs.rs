//! Lowering's lookup service: following `$ref`s.
//!
//! The generator reads one self-contained document, so every reference must
//! be local (`#/components/...`). Schema references stay references (they
//! become named types); references to parameters, request bodies and
//! responses are followed to their definitions, through chains of references
//! if need be, and a chain that loops is an error. Every failure names the
//! `$ref` and where it sits.

use indexmap::IndexMap;
use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};

use crate::error::{pointer_push, Error, ErrorKind, Location};

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
    pub fn schema_index(&self, reference: &str, at: &str) -> Result<usize, Error> {
        let name = self.local_name(reference, Section::Schemas, at)?;
        self.schemas.get_index_of(name.as_str()).ok_or_else(|| {
            self.error(
                ErrorKind::UnresolvedRef,
                at,
                format!("`$ref: {reference}` names no schema in components/schemas"),
            )
        })
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
        let prefix = section.prefix();
        match reference.strip_prefix(prefix) {
            Some(rest) if !rest.is_empty() && !rest.contains('/') => Ok(unescape(rest)),
            _ if !reference.starts_with('#') => Err(self.error(
                ErrorKind::UnresolvedRef,
                at,
                format!("`$ref: {reference}` points outside the document; only local references (`{prefix}...`) are supported"),
            )),
            _ => Err(self.error(
                ErrorKind::UnresolvedRef,
                at,
                format!("`$ref: {reference}` must point at `{prefix}<name>` here"),
            )),
        }
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
    fn percent_and_tilde_escapes_are_undone() {
        assert_eq!(unescape("a%20b~1c~0d"), "a b/c~d");
        assert_eq!(unescape("100%"), "100%");
    }
}
