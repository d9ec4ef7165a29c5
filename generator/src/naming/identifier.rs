//! Identifiers that know whether they are raw, and the scopes that hand
//! them out without collisions.

use std::collections::HashSet;
use std::fmt;

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate"];

/// Words Rust reserves (2021 and 2024 editions, strict and reserved).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// A Rust identifier that knows whether it is written raw: the field for
/// the property `type` is the identifier `type`, written `r#type`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identifier {
    name: String,
    raw: bool,
}

impl Identifier {
    /// An identifier the naming rules already made safe (no keyword).
    pub(crate) fn plain(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            raw: false,
        }
    }

    /// `name`, raw when it is a keyword; the keywords that cannot be raw
    /// (`self`, `Self`, `super`, `crate`) get a trailing underscore.
    pub(crate) fn keyword_safe(name: String) -> Self {
        if NOT_RAW.contains(&name.as_str()) {
            Self::plain(format!("{name}_"))
        } else {
            Self {
                raw: KEYWORDS.contains(&name.as_str()),
                name,
            }
        }
    }

    /// The identifier without the raw prefix (`type` for `r#type`): what
    /// derived names, file names, features and wire names compare with.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether it is written with the `r#` prefix.
    pub fn is_raw(&self) -> bool {
        self.raw
    }
}

/// Writes the identifier as Rust source spells it (`r#type`).
impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.raw {
            f.write_str("r#")?;
        }
        f.write_str(&self.name)
    }
}

/// Names already used in one scope.
#[derive(Debug, Default)]
pub(crate) struct Taken(HashSet<String>);

impl Taken {
    /// `wanted`, or the first free `wanted2`, `wanted3`, ... (after a
    /// digit, an underscore or in `snake_case`: `wanted_2`).
    pub(crate) fn claim(&mut self, wanted: Identifier) -> Identifier {
        if self.0.insert(wanted.name.clone()) {
            return wanted;
        }
        let bare = &wanted.name;
        let joiner = if bare.ends_with(|c: char| c.is_ascii_digit())
            || bare.contains('_')
            || bare.starts_with(|c: char| c.is_ascii_lowercase())
        {
            "_"
        } else {
            ""
        };
        let mut n = 2;
        loop {
            // A keyword followed by a number is no keyword.
            let candidate = format!("{bare}{joiner}{n}");
            if self.0.insert(candidate.clone()) {
                return Identifier::plain(candidate);
            }
            n += 1;
        }
    }

    /// [`Taken::claim`] for names that are never keywords (types,
    /// variants), as text.
    pub(crate) fn claim_text(&mut self, wanted: &str) -> String {
        self.claim(Identifier::plain(wanted)).name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_raw_or_suffixed() {
        let id = Identifier::keyword_safe("type".into());
        assert!(id.is_raw());
        assert_eq!((id.name(), id.to_string().as_str()), ("type", "r#type"));
        let id = Identifier::keyword_safe("self".into());
        assert!(!id.is_raw());
        assert_eq!(id.to_string(), "self_");
        assert_eq!(Identifier::keyword_safe("name".into()).to_string(), "name");
    }

    #[test]
    fn collisions_get_numbered() {
        let mut taken = Taken::default();
        assert_eq!(taken.claim_text("FooBar"), "FooBar");
        assert_eq!(taken.claim_text("FooBar"), "FooBar2");
        assert_eq!(taken.claim_text("V1"), "V1");
        assert_eq!(taken.claim_text("V1"), "V1_2");
        let raw = Identifier::keyword_safe("type".into());
        assert_eq!(taken.claim(raw.clone()), raw);
        let again = taken.claim(raw);
        assert_eq!(
            (again.to_string(), again.is_raw()),
            ("type_2".into(), false)
        );
        assert_eq!(taken.claim_text("name"), "name");
        assert_eq!(taken.claim_text("name"), "name_2");
    }
}
