//! Corrections to the schema's facts, applied to the document before the IR.
//!
//! Where authentik's schema and its server disagree, the server wins: an
//! overrides file says so, entry by entry, each with its reason. The project
//! ships the corrections known today ([`Overrides::builtin`], from
//! `generator/overrides/authentik.yml`); users add their own files.
//!
//! ```yaml
//! overrides:
//!   - schemas: "*"                           # glob over component schema names
//!     properties: "assigned_*application_*"  # glob over their properties
//!     nullable: true                         # and/or required, type
//!     reason: provider serializers send null when no application is assigned
//!     reference: https://github.com/goauthentik/authentik/issues/12164
//! ```
//!
//! - `nullable: true|false` marks the value nullable (or not);
//! - `required: true|false` adds the property to (or removes it from) the
//!   schema's `required` list;
//! - `type: integer|number|string|boolean` changes a scalar's type and
//!   drops the old type's format, so `type: integer` on a `date-time`
//!   string makes it a plain integer.
//!
//! An entry can correct operations' parameters instead, where the server
//! needs one the schema calls optional:
//!
//! ```yaml
//!   - operations: outposts_ldap_access_check  # glob over operation ids
//!     parameters: app_slug                    # glob over their query, header and cookie parameters
//!     required: true
//!     reason: the view reads the parameter unconditionally
//! ```
//!
//! Without `properties`, an entry applies to the matched schemas
//! themselves (only `nullable` makes sense there). An entry that matches
//! nothing is reported as a warning: a newer authentik may have fixed it.
//! The built-in entries are the exception where the schema they name is
//! not in the document at all: they cover several releases, and a release
//! without that type has nothing to correct. Every changed property says so
//! in its documentation.

use std::path::Path;

use openapiv3::{
    IntegerType, NumberType, OpenAPI, ReferenceOr, Schema, SchemaData, SchemaKind, StringType, Type,
};
use serde::Deserialize;

use crate::error::{pointer_push, Diagnostic, Error, ErrorKind, Location};

/// The corrections this project ships, with a reference for each.
pub const BUILTIN: &str = include_str!("../overrides/authentik.yml");

/// A set of corrections, from one file.
#[derive(Debug, Clone)]
pub struct Overrides {
    name: String,
    entries: Vec<Override>,
    /// Whether an entry whose schemas are all absent goes unreported: true
    /// for the built-in set, which spans releases.
    quiet_when_schema_absent: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    overrides: Vec<Override>,
}

/// One correction.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Override {
    #[serde(default)]
    schemas: Option<String>,
    /// A glob over operation ids, for a correction of their parameters.
    #[serde(default)]
    operations: Option<String>,
    /// A glob over the operations' query, header and cookie parameters.
    #[serde(default)]
    parameters: Option<String>,
    #[serde(default)]
    properties: Option<String>,
    #[serde(default)]
    nullable: Option<bool>,
    #[serde(default)]
    required: Option<bool>,
    #[serde(default, rename = "type")]
    scalar: Option<ScalarType>,
    reason: String,
    #[serde(default)]
    reference: Option<String>,
}

/// The scalar types a `type:` correction can give a property.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum ScalarType {
    /// `integer`, without a format: 64 bits.
    Integer,
    /// `number`, without a format: a double.
    Number,
    /// `string`, without a format.
    String,
    /// `boolean`.
    Boolean,
}

impl ScalarType {
    /// The name an overrides file writes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Integer => "integer",
            Self::Number => "number",
            Self::String => "string",
            Self::Boolean => "boolean",
        }
    }
}

impl Overrides {
    /// The corrections shipped with the generator.
    pub fn builtin() -> Result<Self, Error> {
        Ok(Self {
            quiet_when_schema_absent: true,
            ..Self::parse("authentik-codegen built-in overrides", BUILTIN)?
        })
    }

    /// Reads an overrides file.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::at(
                ErrorKind::Io,
                Location::new(&name, ""),
                format!("cannot read the overrides file: {e}"),
            )
        })?;
        Self::parse(name, &text)
    }

    /// Parses overrides from text; `name` is what messages call it.
    pub fn parse(name: impl Into<String>, text: &str) -> Result<Self, Error> {
        let name = name.into();
        let de = yaml_serde::Deserializer::from_str(text);
        let file: File = serde_path_to_error::deserialize(de).map_err(|e| {
            let pointer = e
                .path()
                .iter()
                .filter_map(|segment| match segment {
                    serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                    serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                    _ => None,
                })
                .fold(String::new(), |pointer, token| {
                    pointer_push(&pointer, &token)
                });
            Error::at(
                ErrorKind::Overrides,
                Location::new(&name, pointer),
                e.inner().to_string(),
            )
        })?;
        for (index, entry) in file.overrides.iter().enumerate() {
            let location = || Location::new(&name, format!("/overrides/{index}"));
            match (&entry.schemas, &entry.operations) {
                (Some(_), None) if entry.parameters.is_none() => {}
                (None, Some(_)) if entry.parameters.is_some() => {
                    if entry.nullable.is_some() || entry.scalar.is_some() || entry.properties.is_some() {
                        return Err(Error::at(
                            ErrorKind::Overrides,
                            location(),
                            "an entry for `operations` corrects `parameters`, and only whether they are `required`",
                        ));
                    }
                }
                _ => {
                    return Err(Error::at(
                        ErrorKind::Overrides,
                        location(),
                        "give either `schemas` (with `properties` or not) or `operations` with `parameters`",
                    ))
                }
            }
            if entry.nullable.is_none() && entry.required.is_none() && entry.scalar.is_none() {
                return Err(Error::at(
                    ErrorKind::Overrides,
                    location(),
                    "the entry changes nothing: give `nullable`, `required` or `type`",
                ));
            }
            if entry.schemas.is_some()
                && entry.properties.is_none()
                && (entry.required.is_some() || entry.scalar.is_some())
            {
                return Err(Error::at(
                    ErrorKind::Overrides,
                    location(),
                    "`required` and `type` apply to properties: add `properties`",
                ));
            }
        }
        Ok(Self {
            name,
            entries: file.overrides,
            quiet_when_schema_absent: false,
        })
    }

    /// Applies every entry to `api`, in order; `file` names the schema in
    /// warnings about entries that matched nothing.
    pub fn apply(&self, api: &mut OpenAPI, file: &str) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        for (index, entry) in self.entries.iter().enumerate() {
            let (Some(operations), Some(parameters)) = (&entry.operations, &entry.parameters)
            else {
                continue;
            };
            let (matched, operations_seen) = entry.apply_to_parameters(api, operations, parameters);
            if matched == 0 && !(operations_seen == 0 && self.quiet_when_schema_absent) {
                diagnostics.push(Diagnostic {
                    kind: ErrorKind::Overrides,
                    location: Location::new(file, "/paths"),
                    message: format!(
                        "override {index} of {} (operations `{operations}`, parameters `{parameters}`) matched nothing; the schema may have been fixed",
                        self.name,
                    ),
                });
            }
        }
        let Some(components) = api.components.as_mut() else {
            return diagnostics;
        };
        for (index, entry) in self.entries.iter().enumerate() {
            let Some(schemas) = &entry.schemas else {
                continue;
            };
            let mut matched = 0;
            let mut schemas_seen = 0;
            for (name, schema) in components.schemas.iter_mut() {
                if !glob(schemas, name) {
                    continue;
                }
                schemas_seen += 1;
                let ReferenceOr::Item(schema) = schema else {
                    continue;
                };
                matched += match &entry.properties {
                    None => {
                        entry.apply_to_schema(schema);
                        1
                    }
                    Some(pattern) => entry.apply_to_properties(schema, pattern),
                };
            }
            if matched == 0 && !(schemas_seen == 0 && self.quiet_when_schema_absent) {
                diagnostics.push(Diagnostic {
                    kind: ErrorKind::Overrides,
                    location: Location::new(file, "/components/schemas"),
                    message: format!(
                        "override {index} of {} (schemas `{schemas}`{}) matched nothing; the schema may have been fixed",
                        self.name,
                        entry
                            .properties
                            .as_ref()
                            .map(|p| format!(", properties `{p}`"))
                            .unwrap_or_default()
                    ),
                });
            }
        }
        diagnostics
    }
}

impl Override {
    /// Corrects the matching parameters of the matching operations;
    /// returns how many parameters changed and how many operations matched.
    fn apply_to_parameters(
        &self,
        api: &mut OpenAPI,
        operations: &str,
        parameters: &str,
    ) -> (usize, usize) {
        let (mut changed, mut seen) = (0, 0);
        for (_, item) in api.paths.paths.iter_mut() {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            let methods = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ];
            for operation in methods.into_iter().flatten() {
                if !operation
                    .operation_id
                    .as_deref()
                    .is_some_and(|id| glob(operations, id))
                {
                    continue;
                }
                seen += 1;
                for parameter in &mut operation.parameters {
                    let ReferenceOr::Item(parameter) = parameter else {
                        continue;
                    };
                    let data = match parameter {
                        openapiv3::Parameter::Query { parameter_data, .. }
                        | openapiv3::Parameter::Header { parameter_data, .. }
                        | openapiv3::Parameter::Cookie { parameter_data, .. } => parameter_data,
                        // A path parameter is always required.
                        openapiv3::Parameter::Path { .. } => continue,
                    };
                    if !glob(parameters, &data.name) {
                        continue;
                    }
                    if let Some(required) = self.required {
                        data.required = required;
                    }
                    data.description = Some(self.noted(data.description.take()));
                    changed += 1;
                }
            }
        }
        (changed, seen)
    }

    fn apply_to_schema(&self, schema: &mut Schema) {
        if let Some(nullable) = self.nullable {
            schema.schema_data.nullable = nullable;
        }
        self.note(&mut schema.schema_data);
    }

    /// Returns how many properties it changed.
    fn apply_to_properties(&self, schema: &mut Schema, pattern: &str) -> usize {
        let (properties, required) = match &mut schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (&mut o.properties, &mut o.required),
            SchemaKind::Any(any) => (&mut any.properties, &mut any.required),
            _ => return 0,
        };
        let mut changed = 0;
        for (name, property) in properties.iter_mut() {
            if !glob(pattern, name) {
                continue;
            }
            changed += 1;
            match self.required {
                Some(true) if !required.contains(name) => required.push(name.clone()),
                Some(false) => required.retain(|r| r != name),
                _ => {}
            }
            if let ReferenceOr::Reference { reference } = property {
                // A bare `$ref` takes no siblings in OpenAPI 3.0: wrap it the
                // way authentik does, in a one-member `allOf`.
                let wrapped = Schema {
                    schema_data: SchemaData::default(),
                    schema_kind: SchemaKind::AllOf {
                        all_of: vec![ReferenceOr::Reference {
                            reference: reference.clone(),
                        }],
                    },
                };
                *property = ReferenceOr::Item(Box::new(wrapped));
            }
            if let ReferenceOr::Item(property) = property {
                if let Some(nullable) = self.nullable {
                    property.schema_data.nullable = nullable;
                }
                if let Some(scalar) = self.scalar {
                    retype(property, scalar);
                }
                self.note(&mut property.schema_data);
            }
        }
        changed
    }

    /// Records the correction in the documentation of what it changed.
    fn note(&self, data: &mut SchemaData) {
        data.description = Some(self.noted(data.description.take()));
    }

    /// `description` with a note of the correction appended.
    fn noted(&self, description: Option<String>) -> String {
        let mut what = Vec::new();
        if let Some(nullable) = self.nullable {
            what.push(if nullable { "nullable" } else { "not nullable" });
        }
        if let Some(required) = self.required {
            what.push(if required { "required" } else { "optional" });
        }
        let retyped;
        if let Some(scalar) = self.scalar {
            retyped = format!("{scalar:?}").to_lowercase();
            what.push(&retyped);
        }
        let mut note = format!(
            "Corrected by an override ({}): {}",
            what.join(", "),
            self.reason
        );
        if let Some(reference) = &self.reference {
            note.push_str(&format!(" ({reference})"));
        }
        if !note.ends_with('.') {
            note.push('.');
        }
        match description {
            Some(description) => format!("{description}\n\n{note}"),
            None => note,
        }
    }
}

fn retype(schema: &mut Schema, scalar: ScalarType) {
    schema.schema_kind = SchemaKind::Type(match scalar {
        ScalarType::Integer => Type::Integer(IntegerType::default()),
        ScalarType::Number => Type::Number(NumberType::default()),
        ScalarType::String => Type::String(StringType::default()),
        ScalarType::Boolean => Type::Boolean(Default::default()),
    });
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{parse, Source};

    #[test]
    fn globs() {
        assert!(glob("*", "anything"));
        assert!(glob(
            "assigned_*application_*",
            "assigned_backchannel_application_slug"
        ));
        assert!(glob("assigned_*application_*", "assigned_application_name"));
        assert!(!glob("assigned_*application_*", "application_slug"));
        assert!(glob("Invitation", "Invitation"));
        assert!(!glob("Invitation", "InvitationRequest"));
        assert!(glob("*Provider", "SAMLProvider"));
        assert!(!glob("*Provider", "SAMLProviderRequest"));
        assert!(glob("a*b*c", "abc"));
        assert!(!glob("a*b*c", "acb"));
    }

    #[test]
    fn the_builtin_overrides_parse() {
        let builtin = Overrides::builtin().expect("built-in overrides parse");
        assert!(
            builtin.entries.iter().all(|e| e.reference.is_some()),
            "each has a reference"
        );
    }

    fn document() -> OpenAPI {
        let text = concat!(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n",
            "    Invitation:\n      type: object\n      properties:\n",
            "        flow_obj: {$ref: '#/components/schemas/Flow'}\n",
            "        count: {type: number}\n",
            "      required: [flow_obj, count]\n",
            "    Flow: {type: object, properties: {}}\n",
        );
        parse(&Source::new("t.yml", text)).expect("parses")
    }

    #[test]
    fn properties_are_corrected_and_documented() {
        let overrides = Overrides::parse(
            "o.yml",
            concat!(
                "overrides:\n",
                "- {schemas: Invitation, properties: flow_obj, nullable: true, required: false, reason: sent as null, reference: 'https://example.invalid/1'}\n",
                "- {schemas: Invitation, properties: count, type: integer, reason: always whole}\n",
                "- {schemas: Missing, nullable: true, reason: gone}\n",
            ),
        )
        .expect("parses");
        let mut api = document();
        let warnings = overrides.apply(&mut api, "t.yml");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].message.contains("matched nothing"));
        let components = api.components.expect("components");
        let ReferenceOr::Item(invitation) = &components.schemas["Invitation"] else {
            panic!("item");
        };
        let SchemaKind::Type(Type::Object(object)) = &invitation.schema_kind else {
            panic!("object");
        };
        assert_eq!(object.required, vec!["count".to_string()]);
        let ReferenceOr::Item(flow_obj) = &object.properties["flow_obj"] else {
            panic!("wrapped");
        };
        assert!(flow_obj.schema_data.nullable);
        assert!(matches!(flow_obj.schema_kind, SchemaKind::AllOf { .. }));
        let description = flow_obj
            .schema_data
            .description
            .as_deref()
            .unwrap_or_default();
        assert!(
            description.contains("Corrected by an override (nullable, optional): sent as null (https://example.invalid/1)."),
            "{description}"
        );
        let ReferenceOr::Item(count) = &object.properties["count"] else {
            panic!("item");
        };
        assert!(matches!(
            count.schema_kind,
            SchemaKind::Type(Type::Integer(_))
        ));
    }

    #[test]
    fn a_retype_drops_the_old_format() {
        let text = concat!(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n",
            "    BlueprintFile:\n      type: object\n      properties:\n",
            "        last_m: {type: string, format: date-time}\n",
        );
        let mut api = parse(&Source::new("t.yml", text)).expect("parses");
        let overrides = Overrides::parse(
            "o.yml",
            "overrides:\n- {schemas: BlueprintFile, properties: last_m, type: integer, reason: unix time}\n",
        )
        .expect("parses");
        assert!(overrides.apply(&mut api, "t.yml").is_empty());
        let components = api.components.expect("components");
        let ReferenceOr::Item(file) = &components.schemas["BlueprintFile"] else {
            panic!("item");
        };
        let SchemaKind::Type(Type::Object(object)) = &file.schema_kind else {
            panic!("object");
        };
        let ReferenceOr::Item(last_m) = &object.properties["last_m"] else {
            panic!("item");
        };
        let SchemaKind::Type(Type::Integer(integer)) = &last_m.schema_kind else {
            panic!("retyped: {:?}", last_m.schema_kind);
        };
        assert_eq!(integer.format, openapiv3::VariantOrUnknownOrEmpty::Empty);
    }

    #[test]
    fn only_builtin_entries_for_absent_schemas_are_quiet() {
        let text = "overrides:\n- {schemas: Coordinate, properties: x_cord, type: number, reason: floats}\n";
        let user = Overrides::parse("o.yml", text).expect("parses");
        assert_eq!(user.apply(&mut document(), "t.yml").len(), 1);
        let builtin = Overrides {
            quiet_when_schema_absent: true,
            ..user.clone()
        };
        assert!(builtin.apply(&mut document(), "t.yml").is_empty());
        // A schema that is there without the property still warns: the
        // release may have fixed or renamed it.
        let renamed = Overrides::parse(
            "o.yml",
            "overrides:\n- {schemas: Invitation, properties: gone, nullable: true, reason: x}\n",
        )
        .expect("parses");
        let quiet = Overrides {
            quiet_when_schema_absent: true,
            ..renamed
        };
        assert_eq!(quiet.apply(&mut document(), "t.yml").len(), 1);
    }

    #[test]
    fn parameters_of_matched_operations_become_required() {
        let mut api: OpenAPI = yaml_serde::from_str(concat!(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n",
            "  /check/:\n    get:\n      operationId: ldap_access_check\n",
            "      parameters: [{name: app_slug, in: query, schema: {type: string}}]\n",
            "      responses: {'200': {description: ok}}\n",
        ))
        .unwrap();
        let overrides = Overrides::parse(
            "o.yml",
            concat!(
                "overrides:\n",
                "- {operations: ldap_*, parameters: app_slug, required: true, reason: read unconditionally}\n",
                "- {operations: gone, parameters: x, required: true, reason: fixed since}\n",
            ),
        )
        .unwrap();
        let diagnostics = overrides.apply(&mut api, "s.yml");
        let ReferenceOr::Item(item) = &api.paths.paths["/check/"] else {
            panic!("inline path item");
        };
        let ReferenceOr::Item(parameter) = &item.get.as_ref().unwrap().parameters[0] else {
            panic!("inline parameter");
        };
        let data = parameter.parameter_data_ref();
        assert!(data.required);
        assert!(data
            .description
            .as_deref()
            .unwrap()
            .contains("Corrected by an override (required): read unconditionally."));
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert!(diagnostics[0].message.contains("operations `gone`"));
        let error = Overrides::parse(
            "o.yml",
            "overrides:\n- {operations: a, parameters: b, nullable: true, reason: x}\n",
        )
        .unwrap_err();
        assert!(
            error.message.contains("only whether they are `required`"),
            "{error}"
        );
    }

    #[test]
    fn malformed_files_are_located() {
        let error = Overrides::parse(
            "o.yml",
            "overrides:\n- {schemas: A, nullable: maybe, reason: x}\n",
        )
        .expect_err("bad value");
        assert_eq!(error.kind, ErrorKind::Overrides);
        assert_eq!(
            error.location.expect("located").pointer,
            "/overrides/0/nullable"
        );
        let error = Overrides::parse("o.yml", "overrides:\n- {schemas: A, reason: x}\n")
            .expect_err("no effect");
        assert!(error.message.contains("changes nothing"));
        let error = Overrides::parse(
            "o.yml",
            "overrides:\n- {schemas: A, nulable: true, reason: x}\n",
        )
        .expect_err("typo");
        assert!(error.message.contains("nulable"), "{error}");
    }
}
