//! The naming rules: the identifier each kind of thing wants before
//! collisions are resolved.

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::{Identifier, UNKNOWN_VARIANT};
use crate::ir::{Shape, TypeDef};

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
pub fn method_name(operation_id: &str, tag: Option<&str>) -> Identifier {
    let id = ascii_words(operation_id).to_snake_case();
    let stripped = tag
        .map(|tag| format!("{}_", ascii_words(tag).to_snake_case()))
        .and_then(|prefix| id.strip_prefix(&prefix).map(str::to_string))
        .filter(|rest| !rest.is_empty());
    let name = stripped.unwrap_or(id);
    Identifier::keyword_safe(if name.is_empty() {
        "call".into()
    } else {
        fix_snake(name)
    })
}

/// A `snake_case` identifier for a wire name; `fallback` when nothing of the
/// name survives.
pub fn snake_name(wire: &str, fallback: &str) -> Identifier {
    let snake = ascii_words(wire).to_snake_case();
    let snake = if snake.is_empty() {
        fallback.to_string()
    } else {
        fix_snake(snake)
    };
    Identifier::keyword_safe(snake)
}

/// An `UpperCamelCase` variant for an enum value or union tag.
pub fn variant_name(value: &str) -> String {
    if value.is_empty() {
        return "Empty".into();
    }
    // `-1` is not `1`: a leading minus before a digit is a word.
    let (mut out, value) = match value.strip_prefix('-') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => ("Minus".to_string(), rest),
        _ => (String::new(), value),
    };
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

pub(crate) fn shape_word(shape: &Shape) -> &'static str {
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

pub(crate) fn camel_name(name: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::TypeKind;

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
            snake_name("created_by__username", "f").to_string(),
            "created_by_username"
        );
        assert_eq!(snake_name("type", "f").to_string(), "r#type");
        assert_eq!(snake_name("self", "f").to_string(), "self_");
        assert_eq!(
            snake_name("nonFieldErrors", "f").to_string(),
            "non_field_errors"
        );
        assert_eq!(snake_name("2fa", "f").to_string(), "n2fa");
        assert_eq!(snake_name("***", "f").to_string(), "f");
    }

    #[test]
    fn enum_values_become_variants() {
        assert_eq!(variant_name("message_continue"), "MessageContinue");
        assert_eq!(variant_name("ak-stage-dummy"), "AkStageDummy");
        assert_eq!(variant_name("6"), "V6");
        assert_eq!(variant_name("1.1"), "V1_1");
        assert_eq!(variant_name("-1"), "Minus1");
        assert_eq!(variant_name("-x"), "X");
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
            )
            .to_string(),
            "invitation_invitations_partial_update"
        );
        assert_eq!(
            method_name("root_config_retrieve", Some("root")).to_string(),
            "config_retrieve"
        );
        assert_eq!(method_name("stages", Some("stages")).to_string(), "stages");
        assert_eq!(
            method_name("other_thing", Some("stages")).to_string(),
            "other_thing"
        );
    }
}
