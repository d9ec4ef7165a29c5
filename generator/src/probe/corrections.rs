//! The overrides file that corrects what a probe found: one commented entry
//! per property, ready for `generate --overrides`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::decode::{Change, Fix};
use crate::overrides::ScalarType;

/// One property's corrections, merged from every mismatch that named it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Entry {
    nullable: bool,
    optional: bool,
    scalar: Option<ScalarType>,
    /// Where it was seen first: operation, JSON path, what arrived.
    seen: Option<(String, String, String)>,
    /// How many responses needed it.
    count: usize,
}

/// The corrections of a probe, by component schema and property.
#[derive(Debug, Clone, Default)]
pub struct Corrections {
    entries: BTreeMap<(String, String), Entry>,
    /// Properties that arrived as two scalar types no one type covers.
    conflicts: Vec<String>,
}

impl Corrections {
    /// Adds a fix seen in the response of `operation` at `path`, where
    /// `found` arrived.
    pub fn add(&mut self, fix: &Fix, operation: &str, path: &str, found: &str) {
        let entry = self
            .entries
            .entry((fix.schema.clone(), fix.property.clone()))
            .or_default();
        entry.count += 1;
        if entry.seen.is_none() {
            entry.seen = Some((operation.into(), path.into(), found.into()));
        }
        match fix.change {
            Change::Nullable => entry.nullable = true,
            Change::Optional => entry.optional = true,
            Change::Type(scalar) => {
                entry.scalar = match (entry.scalar, scalar) {
                    (None, new) => Some(new),
                    (Some(old), new) if old == new => Some(old),
                    // Integers are numbers: one type covers both.
                    (
                        Some(ScalarType::Integer | ScalarType::Number),
                        ScalarType::Integer | ScalarType::Number,
                    ) => Some(ScalarType::Number),
                    (Some(old), new) => {
                        self.conflicts.push(format!(
                            "{}.{} arrived as both {} and {}; no one type covers both",
                            fix.schema,
                            fix.property,
                            old.as_str(),
                            new.as_str()
                        ));
                        Some(old)
                    }
                }
            }
        }
    }

    /// Whether nothing needs correcting.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many properties the file corrects.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Properties whose corrections could not be merged into one type.
    pub fn conflicts(&self) -> &[String] {
        &self.conflicts
    }

    /// The overrides file; `source` says where the responses came from
    /// (a URL and a release), for its header.
    pub fn to_yaml(&self, source: &str) -> String {
        let mut out = format!(
            "# Corrections written by `authentik-codegen check-server` from the responses of\n\
             # {source}.\n\
             # Each entry makes the client decode what that server sent: read each before\n\
             # you keep it, then pass the file to `generate --overrides`.\n"
        );
        if self.entries.is_empty() {
            out.push_str("overrides: []\n");
            return out;
        }
        out.push_str("overrides:\n");
        for ((schema, property), entry) in &self.entries {
            let (operation, path, found) = entry.seen.clone().unwrap_or_default();
            let mut changes = Vec::new();
            if entry.nullable {
                changes.push("sends null".to_string());
            }
            if entry.optional {
                changes.push("leaves it out".to_string());
            }
            if let Some(scalar) = entry.scalar {
                let article = if scalar == ScalarType::Integer {
                    "an"
                } else {
                    "a"
                };
                changes.push(format!("sends {article} {}", scalar.as_str()));
            }
            let times = match entry.count {
                1 => "once".to_string(),
                n => format!("{n} times"),
            };
            let reason = format!(
                "the server {} ({operation} at {path}: {found}; seen {times})",
                changes.join(" and "),
            );
            let _ = writeln!(out, "  # {schema}.{property}: {}", changes.join(", "));
            let _ = writeln!(out, "  - schemas: {}", quoted(schema));
            let _ = writeln!(out, "    properties: {}", quoted(property));
            if entry.nullable {
                out.push_str("    nullable: true\n");
            }
            if entry.optional {
                out.push_str("    required: false\n");
            }
            if let Some(scalar) = entry.scalar {
                let _ = writeln!(out, "    type: {}", scalar.as_str());
            }
            let _ = writeln!(out, "    reason: {}", quoted(&reason));
        }
        out
    }
}

/// A YAML double-quoted scalar: JSON's string syntax is a subset of it.
fn quoted(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Overrides;

    fn fix(schema: &str, property: &str, change: Change) -> Fix {
        Fix {
            schema: schema.into(),
            property: property.into(),
            change,
        }
    }

    #[test]
    fn one_entry_per_property_that_the_overrides_parser_reads() {
        let mut corrections = Corrections::default();
        corrections.add(
            &fix("PolicyBinding", "group_obj", Change::Nullable),
            "policies_bindings_list",
            "results[0].group_obj",
            "null",
        );
        corrections.add(
            &fix("PolicyBinding", "group_obj", Change::Optional),
            "policies_bindings_list",
            "results[1]",
            "an object without `group_obj`",
        );
        corrections.add(
            &fix("Coordinate", "x_cord", Change::Type(ScalarType::Integer)),
            "a",
            "[0].x_cord",
            "1",
        );
        corrections.add(
            &fix("Coordinate", "x_cord", Change::Type(ScalarType::Number)),
            "a",
            "[1].x_cord",
            "1.5",
        );
        let yaml = corrections.to_yaml("http://127.0.0.1:9000 (authentik 2025.6.4)");
        assert_eq!(corrections.len(), 2);
        assert!(corrections.conflicts().is_empty());
        assert!(
            yaml.contains(
                "  - schemas: \"Coordinate\"\n    properties: \"x_cord\"\n    type: number\n"
            ),
            "{yaml}"
        );
        assert!(
            yaml.contains(
                "    properties: \"group_obj\"\n    nullable: true\n    required: false\n"
            ),
            "{yaml}"
        );
        assert!(
            yaml.contains("(policies_bindings_list at results[0].group_obj: null; seen 2 times)")
        );
        Overrides::parse("written", &yaml).expect("the written file parses as overrides");
    }

    #[test]
    fn two_unrelated_types_are_a_conflict() {
        let mut corrections = Corrections::default();
        corrections.add(
            &fix("A", "b", Change::Type(ScalarType::String)),
            "o",
            ".",
            "\"x\"",
        );
        corrections.add(
            &fix("A", "b", Change::Type(ScalarType::Boolean)),
            "o",
            ".",
            "true",
        );
        assert_eq!(corrections.conflicts().len(), 1);
    }

    #[test]
    fn nothing_to_correct_is_still_a_valid_file() {
        let yaml = Corrections::default().to_yaml("x");
        Overrides::parse("empty", &yaml).expect("an empty list parses");
    }
}
