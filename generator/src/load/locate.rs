//! Finding the node at fault when a document does not parse.
//!
//! `serde_path_to_error` loses the trail at every untagged enum, and
//! openapiv3 has one at each `$ref`-or-value position and in every schema,
//! so a bad response deep in one of authentik's 800 paths would be reported
//! at `#/paths`. This module walks down from there: it re-parses each child
//! of the failing node on its own (as the type that position holds) and
//! follows the child that fails, until the fault is in the node itself.
//! It runs only after a parse has failed.

use openapiv3::{Parameter, PathItem, RequestBody, Response, Schema};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::pointer_push;

/// What a position in an OpenAPI document holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    PathItem,
    Parameter,
    RequestBody,
    Response,
    Schema,
}

/// The most precise pointer to the fault, starting from where serde's path
/// tracking stopped (`pointer`).
pub fn narrow(document: &Value, pointer: &str) -> String {
    let mut pointer = pointer.to_string();
    // Bounded: each round goes at least one level deeper.
    for _ in 0..256 {
        let Some(node) = document.pointer(&pointer) else {
            return pointer;
        };
        let deeper = match kind_at(&pointer) {
            Some(kind) => narrow_node(node, kind),
            None => container_child(node, &pointer),
        };
        match deeper {
            Some(relative) if !relative.is_empty() => pointer.push_str(&relative),
            _ => return pointer,
        }
    }
    pointer
}

/// Inside a map of positions (`/paths`, `/components/schemas`), the first
/// entry that fails on its own.
fn container_child(node: &Value, pointer: &str) -> Option<String> {
    let object = node.as_object()?;
    for (key, child) in object {
        let child_pointer = pointer_push(pointer, key);
        if let Some(kind) = kind_at(&child_pointer) {
            if is_reference(child) {
                continue;
            }
            if fails(child, kind) {
                return Some(pointer_push("", key));
            }
        }
    }
    None
}

/// Where inside a node of `kind` the fault is, relative to the node.
fn narrow_node(node: &Value, kind: Kind) -> Option<String> {
    if is_reference(node) {
        return None;
    }
    match kind {
        Kind::Schema => schema_child(node).or_else(|| schema_keyword(node)),
        Kind::PathItem => traced::<PathItem>(node),
        Kind::Parameter => traced::<Parameter>(node),
        Kind::RequestBody => traced::<RequestBody>(node),
        Kind::Response => traced::<Response>(node),
    }
}

/// The path serde reached inside a node of type `T`, if it fails.
fn traced<T: DeserializeOwned>(node: &Value) -> Option<String> {
    let error = serde_path_to_error::deserialize::<_, T>(node.clone()).err()?;
    let mut pointer = String::new();
    for segment in error.path().iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => {
                pointer = pointer_push(&pointer, &index.to_string())
            }
            serde_path_to_error::Segment::Map { key } => pointer = pointer_push(&pointer, key),
            _ => {}
        }
    }
    Some(pointer)
}

/// A schema's failing sub-schema, if one fails on its own.
fn schema_child(node: &Value) -> Option<String> {
    let object = node.as_object()?;
    let mut children: Vec<(String, &Value)> = Vec::new();
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = object.get(key).filter(|c| c.is_object()) {
            children.push((pointer_push("", key), child));
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = object.get(key).and_then(Value::as_array) {
            for (index, child) in list.iter().enumerate() {
                children.push((
                    pointer_push(&pointer_push("", key), &index.to_string()),
                    child,
                ));
            }
        }
    }
    if let Some(properties) = object.get("properties").and_then(Value::as_object) {
        for (name, child) in properties {
            children.push((pointer_push(&pointer_push("", "properties"), name), child));
        }
    }
    children
        .into_iter()
        .find(|(_, child)| !is_reference(child) && fails(child, Kind::Schema))
        .map(|(pointer, _)| pointer)
}

/// The keyword of a schema whose value is wrong (`required: optional`):
/// openapiv3 reads a schema through untagged enums, which hide it, so the
/// schema is read again as the one kind its `type` says (or as a schema
/// without one), and as the facts every schema has.
fn schema_keyword(node: &Value) -> Option<String> {
    // `Type` is tagged by `type`, which hides the path too: read the one
    // variant the tag names.
    let kind = match node.get("type").and_then(Value::as_str) {
        Some("object") => traced::<openapiv3::ObjectType>(node),
        Some("array") => traced::<openapiv3::ArrayType>(node),
        Some("string") => traced::<openapiv3::StringType>(node),
        Some("integer") => traced::<openapiv3::IntegerType>(node),
        Some("number") => traced::<openapiv3::NumberType>(node),
        Some("boolean") => traced::<openapiv3::BooleanType>(node),
        _ => traced::<openapiv3::AnySchema>(node),
    };
    kind.filter(|path| !path.is_empty())
        .or_else(|| traced::<openapiv3::SchemaData>(node).filter(|path| !path.is_empty()))
}

/// Where the node at `pointer` starts in a YAML document written in block
/// style: its line and column, found by following the keys and list items
/// down the indentation. `None` where the text does not follow that shape
/// (flow style, keys across lines or with escapes), so no line is claimed
/// that is not the node's.
pub fn yaml_line_of(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |line: &str| line.len() - line.trim_start().len();
    let meaningful = |line: &str| {
        let trimmed = line.trim_start();
        !trimmed.is_empty() && !trimmed.starts_with('#')
    };
    // The block being searched: lines after `start` indented more than
    // `parent` (the top level has no parent).
    let (mut start, mut parent): (usize, Option<usize>) = (0, None);
    let mut found = None;
    for token in pointer.split('/').skip(1) {
        let key = token.replace("~1", "/").replace("~0", "~");
        let first = if found.is_none() { start } else { start + 1 };
        let block = (first..lines.len())
            .filter(|i| meaningful(lines[*i]))
            .take_while(|i| parent.is_none_or(|p| indent(lines[*i]) > p));
        let block: Vec<usize> = block.collect();
        let level = block.first().map(|i| indent(lines[*i]))?;
        let mut siblings = block.iter().copied().filter(|i| indent(lines[*i]) == level);
        let hit = match key.parse::<usize>() {
            Ok(index) if lines[*block.first()?].trim_start().starts_with("- ") => siblings
                .filter(|i| lines[*i].trim_start().starts_with("- "))
                .nth(index),
            // Keys are unique: the loader refuses duplicates.
            _ => siblings.find(|i| {
                let trimmed = lines[*i].trim_start().trim_start_matches("- ");
                [key.clone(), format!("\"{key}\""), format!("'{key}'")]
                    .iter()
                    .any(|written| {
                        trimmed
                            .strip_prefix(written.as_str())
                            .is_some_and(|rest| rest.starts_with(':'))
                    })
            }),
        }?;
        found = Some((hit + 1, level + 1));
        start = hit;
        parent = Some(level);
    }
    found
}

fn fails(node: &Value, kind: Kind) -> bool {
    match kind {
        Kind::Schema => serde_json::from_value::<Schema>(node.clone()).is_err(),
        Kind::PathItem => serde_json::from_value::<PathItem>(node.clone()).is_err(),
        Kind::Parameter => serde_json::from_value::<Parameter>(node.clone()).is_err(),
        Kind::RequestBody => serde_json::from_value::<RequestBody>(node.clone()).is_err(),
        Kind::Response => serde_json::from_value::<Response>(node.clone()).is_err(),
    }
}

fn is_reference(node: &Value) -> bool {
    node.get("$ref").is_some()
}

/// What the node at `pointer` holds, from the names on the way to it.
fn kind_at(pointer: &str) -> Option<Kind> {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    match tokens.as_slice() {
        ["paths", _] => Some(Kind::PathItem),
        ["components", "schemas", _] => Some(Kind::Schema),
        ["components", "parameters", _] => Some(Kind::Parameter),
        ["components", "requestBodies", _] => Some(Kind::RequestBody),
        ["components", "responses", _] => Some(Kind::Response),
        [.., "parameters", index] if index.parse::<usize>().is_ok() => Some(Kind::Parameter),
        [.., "requestBody"] => Some(Kind::RequestBody),
        [.., "responses", _] if tokens.first() == Some(&"paths") => Some(Kind::Response),
        [.., "schema"] => Some(Kind::Schema),
        [.., "properties", _] | [.., "allOf" | "oneOf" | "anyOf", _] => Some(Kind::Schema),
        [.., "items" | "additionalProperties" | "not"] => Some(Kind::Schema),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn narrows_into_paths_and_schemas() {
        let document = json!({
            "paths": {
                "/ok/": {"get": {"responses": {"200": {"description": "fine"}}}},
                "/a/": {"get": {"responses": {"200": {"description": "x", "content": {
                    "application/json": {"schema": {"type": "object", "properties": {
                        "good": {"type": "string"},
                        "bad": {"type": "string", "maxLength": -3}
                    }}}
                }}}}}
            }
        });
        assert_eq!(
            narrow(&document, "/paths"),
            "/paths/~1a~1/get/responses/200/content/application~1json/schema/properties/bad/maxLength"
        );
    }

    #[test]
    fn names_the_keyword_inside_a_schema() {
        let document = json!({"components": {"schemas": {"A": {"type": "object", "required": 5}}}});
        assert_eq!(
            narrow(&document, "/components/schemas"),
            "/components/schemas/A/required"
        );
        let document = json!({"components": {"schemas": {"A": {"nullable": "maybe"}}}});
        assert_eq!(
            narrow(&document, "/components/schemas"),
            "/components/schemas/A/nullable"
        );
    }

    #[test]
    fn finds_the_line_of_a_block_style_node() {
        let text = "paths:\n  /a/:\n    get:\n      parameters:\n        - name: x\n          in: query\n        - name: y\n          schema:\n            type: object\n            # a comment\n            required: optional\n";
        assert_eq!(
            yaml_line_of(text, "/paths/~1a~1/get/parameters/1/schema/required"),
            Some((11, 13))
        );
        assert_eq!(yaml_line_of(text, "/paths/~1a~1/get"), Some((3, 5)));
        assert_eq!(
            yaml_line_of("r:\n  '200':\n    x: 1\n", "/r/200/x"),
            Some((3, 5))
        );
        assert_eq!(yaml_line_of(text, "/paths/~1b~1"), None);
        assert_eq!(yaml_line_of("a: {b: 1}\n", "/a/b"), None);
    }
}
