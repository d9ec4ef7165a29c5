//! Errors and warnings, each tied to the place in the schema it is about.
//!
//! Every problem the generator reports names the file and a JSON pointer
//! (RFC 6901) into the document, so a user can jump straight to the schema
//! node at fault. Fatal problems are [`Error`]s; problems the generator can
//! work around (an operation it cannot express, a name it had to change) are
//! [`Diagnostic`]s, which `--strict` turns into errors.

use std::fmt;

/// Where in the input a problem sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The schema file as the user named it, or a label for in-memory input.
    pub file: String,
    /// JSON pointer into the document; empty for the document as a whole.
    pub pointer: String,
    /// 1-based line and column, when the parser reported them.
    pub line_column: Option<(usize, usize)>,
}

impl Location {
    /// A location at `pointer` in `file`, without a line number.
    pub fn new(file: impl Into<String>, pointer: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            pointer: pointer.into(),
            line_column: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some((line, column)) = self.line_column {
            write!(f, ":{line}:{column}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " at #{}", self.pointer)?;
        }
        Ok(())
    }
}

/// What kind of problem an [`Error`] or [`Diagnostic`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Reading or writing a file failed.
    Io,
    /// The input is not valid YAML or JSON, or not shaped like an OpenAPI document.
    Syntax,
    /// The document is not OpenAPI 3.0.x.
    Version,
    /// A `$ref` points at nothing, or outside the document.
    UnresolvedRef,
    /// `$ref`s that only point at each other and never reach a definition.
    RefCycle,
    /// A type that contains itself through required, non-nullable fields:
    /// no finite JSON value can satisfy it.
    Uninhabitable,
    /// A construct the generator cannot express in Rust.
    Unsupported,
    /// Two schema names (or property names) map to the same Rust identifier.
    NameCollision,
    /// The document contradicts itself (a path parameter missing from its
    /// template, a discriminator mapping to a non-member, ...).
    Invalid,
    /// The overrides file is malformed or names something that does not exist.
    Overrides,
    /// The input is larger (see [`MAX_SCHEMA_BYTES`](crate::MAX_SCHEMA_BYTES))
    /// or nested deeper than the generator accepts: time and memory stay
    /// bounded whatever file it is given.
    TooLarge,
    /// The generator produced code that does not parse: a bug in the
    /// generator, reported instead of writing broken files.
    Internal,
    /// A server to check could not be reached, refused the token or did
    /// not answer like an authentik.
    Server,
}

impl ErrorKind {
    /// A short, stable label used in messages and machine-readable output.
    pub fn label(self) -> &'static str {
        match self {
            Self::Io => "io",
            Self::Syntax => "syntax",
            Self::Version => "version",
            Self::UnresolvedRef => "unresolved-ref",
            Self::RefCycle => "ref-cycle",
            Self::Uninhabitable => "uninhabitable",
            Self::Unsupported => "unsupported",
            Self::NameCollision => "name-collision",
            Self::Invalid => "invalid",
            Self::Overrides => "overrides",
            Self::TooLarge => "too-large",
            Self::Internal => "internal",
            Self::Server => "server",
        }
    }
}

/// A problem that stops generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What went wrong, in one category.
    pub kind: ErrorKind,
    /// Where it went wrong; `None` only for problems outside any file.
    pub location: Option<Location>,
    /// A sentence a person can act on.
    pub message: String,
}

impl Error {
    /// An error at a known place.
    pub fn at(kind: ErrorKind, location: Location, message: impl Into<String>) -> Self {
        Self {
            kind,
            location: Some(location),
            message: message.into(),
        }
    }

    /// An error that belongs to no place in a document (a missing output
    /// directory, say).
    pub fn general(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            location: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(f, "{location}: {}: {}", self.kind.label(), self.message),
            None => write!(f, "{}: {}", self.kind.label(), self.message),
        }
    }
}

impl std::error::Error for Error {}

/// A problem the generator worked around; reported, never silent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The category, shared with [`Error`] so `--strict` can promote it.
    pub kind: ErrorKind,
    /// Where the problem is.
    pub location: Location,
    /// What the generator did about it.
    pub message: String,
}

impl Diagnostic {
    /// The error this warning becomes under `--strict`.
    pub fn into_error(self) -> Error {
        Error::at(self.kind, self.location, self.message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: warning[{}]: {}",
            self.location,
            self.kind.label(),
            self.message
        )
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/`.
pub fn pointer_push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_are_escaped() {
        let p = pointer_push("/paths", "/stages/{id}/");
        assert_eq!(p, "/paths/~1stages~1{id}~1");
        assert_eq!(pointer_push(&p, "a~b"), "/paths/~1stages~1{id}~1/a~0b");
    }

    #[test]
    fn display_names_file_line_and_pointer() {
        let mut location = Location::new("schema.yml", "/components/schemas/Foo");
        location.line_column = Some((3, 7));
        let error = Error::at(ErrorKind::UnresolvedRef, location, "no schema `Bar`");
        assert_eq!(
            error.to_string(),
            "schema.yml:3:7 at #/components/schemas/Foo: unresolved-ref: no schema `Bar`"
        );
    }
}
