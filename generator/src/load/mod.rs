//! Load: the schema file to an [`openapiv3::OpenAPI`] document.
//!
//! JSON and YAML are told apart by content, not by file name: a document
//! whose first non-blank character is `{` is JSON (which parses about three
//! times faster), anything else is YAML. Errors carry the file, the line and
//! column where the parser has them, and a JSON pointer to the node at fault.

mod limits;
mod locate;
mod strict;

use std::path::Path;

use openapiv3::OpenAPI;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::{pointer_push, Error, ErrorKind, Location};

pub use limits::MAX_SCHEMA_BYTES;
use limits::{check_flow_depth, check_size};
use strict::Strict;

/// A schema document as text, with the name errors should call it by.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path or label shown in messages.
    pub name: String,
    /// The document text.
    pub text: String,
}

impl Source {
    /// Wraps in-memory text; `name` is what messages call it.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
        }
    }

    /// Reads a schema file, rejecting unreadable files and non-UTF-8 content.
    pub fn read(path: &Path) -> Result<Self, Error> {
        use std::io::Read;
        let name = path.display().to_string();
        let io_error = |e: std::io::Error| {
            Error::at(
                ErrorKind::Io,
                Location::new(&name, ""),
                format!("cannot read the schema: {e}"),
            )
        };
        // Read one byte past the limit rather than trusting the file's
        // metadata: a pipe or a device has no size.
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|file| {
                file.take(MAX_SCHEMA_BYTES as u64 + 1)
                    .read_to_end(&mut bytes)
            })
            .map_err(io_error)?;
        check_size(&name, bytes.len())?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::at(
                ErrorKind::Syntax,
                Location::new(&name, ""),
                format!(
                    "the schema is not UTF-8 (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        Ok(Self { name, text })
    }

    /// Whether the text is JSON (by its first non-blank character).
    pub fn is_json(&self) -> bool {
        self.text.trim_start().starts_with('{')
    }
}

/// Parses a source into an OpenAPI 3.0 document.
pub fn parse(source: &Source) -> Result<OpenAPI, Error> {
    check_size(&source.name, source.text.len())?;
    let parsed: Result<OpenAPI, Error> = if source.is_json() {
        from_json(&source.text).map_err(|e| json_error(source, &e))
    } else {
        check_flow_depth(source)?;
        from_yaml(&source.text).map_err(|e| yaml_error(source, &e))
    };
    match parsed {
        Ok(api) => {
            check_version(source, Some(&api.openapi), None)?;
            Ok(api)
        }
        Err(error) => {
            // A Swagger 2.0 or OpenAPI 3.1 document fails the 3.0 structure in
            // confusing places; say what the real problem is instead.
            if let Some(probe) = probe_version(source) {
                check_version(source, probe.openapi.as_deref(), probe.swagger.as_deref())?;
            }
            Err(error)
        }
    }
}

/// The one place YAML is parsed, so the YAML crate can be swapped alone.
/// Duplicate keys are refused, and so are numbers JSON cannot hold
/// (see [`strict`]).
fn from_yaml<T: DeserializeOwned>(text: &str) -> Result<T, yaml_serde::Error> {
    T::deserialize(Strict::new(yaml_serde::Deserializer::from_str(text)))
}

/// JSON's counterpart of [`from_yaml`]: duplicate keys and trailing text
/// are refused.
fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(Strict::new(&mut de))?;
    de.end()?;
    Ok(value)
}

#[derive(Deserialize)]
struct VersionProbe {
    openapi: Option<String>,
    swagger: Option<String>,
}

fn probe_version(source: &Source) -> Option<VersionProbe> {
    if source.is_json() {
        from_json(&source.text).ok()
    } else {
        from_yaml(&source.text).ok()
    }
}

fn check_version(
    source: &Source,
    openapi: Option<&str>,
    swagger: Option<&str>,
) -> Result<(), Error> {
    let location = || Location::new(&source.name, "/openapi");
    match (openapi, swagger) {
        (Some(v), _) if v.starts_with("3.0.") || v == "3.0" => Ok(()),
        (Some(v), _) => Err(Error::at(
            ErrorKind::Version,
            location(),
            format!("this is OpenAPI {v}; the generator reads OpenAPI 3.0.x, which is what authentik serves"),
        )),
        (None, Some(v)) => Err(Error::at(
            ErrorKind::Version,
            Location::new(&source.name, "/swagger"),
            format!("this is Swagger {v}; the generator reads OpenAPI 3.0.x"),
        )),
        (None, None) => Err(Error::at(
            ErrorKind::Version,
            location(),
            "the document has no `openapi` version field; is this an OpenAPI document?",
        )),
    }
}

/// Gives an error found after parsing (a dangling `$ref`, say) the line
/// and column of the node its pointer names, where the text shows it. A
/// key written in flow style (`flow: {$ref: ...}`) has no line of its own:
/// it is placed at the node that holds it, which starts on its line.
pub fn place(mut error: Error, text: &str) -> Error {
    if let Some(location) = error.location.as_mut() {
        if location.line_column.is_none() && !location.pointer.is_empty() {
            let parent = location.pointer.rsplit_once('/').map(|(parent, _)| parent);
            location.line_column = locate::yaml_line_of(text, &location.pointer).or_else(|| {
                parent
                    .filter(|parent| !parent.is_empty())
                    .and_then(|parent| locate::yaml_line_of(text, parent))
            });
        }
    }
    error
}

fn json_error(source: &Source, error: &serde_json::Error) -> Error {
    let mut location = Location::new(&source.name, "");
    if error.line() > 0 {
        location.line_column = Some((error.line(), error.column()));
    }
    if !error.is_syntax() && !error.is_eof() {
        let mut de = serde_json::Deserializer::from_str(&source.text);
        let traced: Result<OpenAPI, _> = serde_path_to_error::deserialize(Strict::new(&mut de));
        if let Err(traced) = traced {
            location.pointer = pointer_of(traced.path());
            if let Ok(document) = serde_json::from_str::<serde_json::Value>(&source.text) {
                location.pointer = locate::narrow(&document, &location.pointer);
            }
        }
    }
    Error::at(ErrorKind::Syntax, location, describe(&error.to_string()))
}

fn yaml_error(source: &Source, error: &yaml_serde::Error) -> Error {
    let mut location = Location::new(&source.name, "");
    if let Some(at) = error.location() {
        location.line_column = Some((at.line(), at.column()));
    }
    // Path tracking costs time, so it only runs once parsing has failed.
    let de = yaml_serde::Deserializer::from_str(&source.text);
    let traced: Result<OpenAPI, _> = serde_path_to_error::deserialize(Strict::new(de));
    if let Err(traced) = traced {
        location.pointer = pointer_of(traced.path());
        if let Ok(document) = from_yaml::<serde_json::Value>(&source.text) {
            let narrowed = locate::narrow(&document, &location.pointer);
            // The parser's position is the end of the node serde gave up in;
            // a node found further down is placed by its own line, or by none.
            if narrowed != location.pointer {
                location.line_column = locate::yaml_line_of(&source.text, &narrowed);
            }
            location.pointer = narrowed;
        }
    }
    Error::at(ErrorKind::Syntax, location, describe(&error.to_string()))
}

/// Makes serde's wording readable: the location is shown separately, so
/// the parser's own path prefix and line suffix go, and openapiv3's
/// internals get a word of explanation.
fn describe(message: &str) -> String {
    let mut message = message.trim();
    if let Some(at) = message.rfind(" at line ") {
        let tail = &message[at + " at line ".len()..];
        if tail
            .split(" column ")
            .all(|n| n.chars().all(|c| c.is_ascii_digit()))
        {
            message = &message[..at];
        }
    }
    if let Some((prefix, rest)) = message.split_once(": ") {
        if !prefix.contains(' ') && !rest.is_empty() {
            message = rest;
        }
    }
    if message.contains("did not match any variant of untagged enum") {
        format!("{message} (the node is neither a `$ref` nor a well-formed object of the kind expected here)")
    } else {
        message.to_string()
    }
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = pointer_push(&pointer, &index.to_string()),
            Segment::Map { key } => pointer = pointer_push(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

    #[test]
    fn yaml_and_json_are_detected_by_content() {
        assert!(parse(&Source::new("a.json", MINIMAL)).is_ok());
        let json = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}"#;
        let source = Source::new("a.yml", json);
        assert!(source.is_json());
        assert!(parse(&source).is_ok());
    }

    #[test]
    fn invalid_yaml_reports_line_and_column() {
        let error = parse(&Source::new("bad.yml", "openapi: 3.0.3\ninfo: [unclosed\n"))
            .expect_err("invalid YAML must fail");
        assert_eq!(error.kind, ErrorKind::Syntax);
        let location = error.location.expect("located");
        assert_eq!(location.file, "bad.yml");
        assert!(location.line_column.is_some(), "{location:?}");
    }

    #[test]
    fn structural_errors_carry_a_pointer() {
        let text = format!(
            "{MINIMAL}components:\n  schemas:\n    Foo:\n      type: object\n      required: 7\n"
        );
        let error = parse(&Source::new("s.yml", text)).expect_err("must fail");
        let location = error.location.expect("located");
        assert!(
            location.pointer.starts_with("/components/schemas/Foo"),
            "{location:?}"
        );
    }

    #[test]
    fn messages_lose_the_parsers_own_location() {
        assert_eq!(
            describe("components.schemas: invalid value: integer `-3`, expected usize at line 6 column 5"),
            "invalid value: integer `-3`, expected usize"
        );
        assert_eq!(
            describe("EOF while parsing a value"),
            "EOF while parsing a value"
        );
    }

    #[test]
    fn other_versions_are_named() {
        let error = parse(&Source::new(
            "s.yml",
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
        ))
        .expect_err("swagger must fail");
        assert_eq!(error.kind, ErrorKind::Version);
        let error = parse(&Source::new(
            "s.yml",
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        ))
        .expect_err("3.1 must fail");
        assert_eq!(error.kind, ErrorKind::Version);
        assert!(error.message.contains("3.1.0"));
    }
}
