//! Format: emitted code to source text.
//!
//! Each piece is parsed with `syn` and printed with `prettyplease` on its
//! own, item by item, so the generator can format pieces on every core
//! (see [`crate::parallel`]); the output is the same as formatting whole
//! files.

use proc_macro2::TokenStream;
use syn::parse::Parser;

use crate::emit::Emitted;
use crate::error::{Error, ErrorKind};

/// The source text of one emitted piece: code formatted, text as is.
pub fn piece(emitted: Emitted<'_>) -> Result<String, Error> {
    match emitted {
        Emitted::Code(code) => format_tokens(code.tokens, &code.what, code.cfg),
        Emitted::Text(text) => Ok(text.to_string()),
    }
}

/// Formats generated items as Rust source, a blank line between items.
/// `cfg`, an attribute such as `#[cfg(feature = "stages")]`, is put on every
/// item: a type and all its impls are compiled together or not at all.
pub fn format_tokens(
    tokens: TokenStream,
    what: &str,
    cfg: Option<TokenStream>,
) -> Result<String, Error> {
    let internal = |e: syn::Error| {
        Error::general(
            ErrorKind::Internal,
            format!("the code generated for {what} does not parse ({e}); this is a bug in authentik-codegen"),
        )
    };
    let mut file: syn::File = syn::parse2(tokens).map_err(internal)?;
    if let Some(cfg) = cfg {
        let attributes = syn::Attribute::parse_outer.parse2(cfg).map_err(internal)?;
        for item in &mut file.items {
            // An item that cannot carry the `cfg` would escape its feature.
            let attrs = item_attributes(item).ok_or_else(|| {
                Error::general(
                    ErrorKind::Internal,
                    format!("an item generated for {what} cannot carry its feature's #[cfg]; this is a bug in authentik-codegen"),
                )
            })?;
            // After the item's documentation, before its other attributes.
            let at = attrs
                .iter()
                .take_while(|a| a.path().is_ident("doc"))
                .count();
            attrs.splice(at..at, attributes.iter().cloned());
        }
    }
    let mut out = String::new();
    for item in std::mem::take(&mut file.items) {
        if !out.is_empty() {
            out.push('\n');
        }
        file.items = vec![item];
        separate_members(&prettyplease::unparse(&file), &mut out);
    }
    Ok(out)
}

/// A Rust type as a reader sees it in reports: formatted as in the
/// generated code, with the paths of dependencies and the runtime left off
/// (`Option<DateTime<Utc>>`, `FilePart`).
pub fn type_text(ty: TokenStream) -> String {
    let text = syn::parse2::<syn::Type>(ty.clone()).map_or_else(
        |_| ty.to_string(),
        |ty| {
            let file: syn::File = syn::parse_quote! { type T = #ty; };
            let printed = prettyplease::unparse(&file);
            printed
                .trim()
                .trim_start_matches("type T = ")
                .trim_end_matches(';')
                .to_string()
        },
    );
    let mut short = text;
    for prefix in [
        "super::runtime::",
        "::std::collections::",
        "::serde_json::",
        "::chrono::",
        "::uuid::",
    ] {
        short = short.replace(prefix, "");
    }
    short
}

/// The attributes of an item; `None` for raw tokens, which have none.
fn item_attributes(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Const(item) => Some(&mut item.attrs),
        syn::Item::Enum(item) => Some(&mut item.attrs),
        syn::Item::ExternCrate(item) => Some(&mut item.attrs),
        syn::Item::Fn(item) => Some(&mut item.attrs),
        syn::Item::ForeignMod(item) => Some(&mut item.attrs),
        syn::Item::Impl(item) => Some(&mut item.attrs),
        syn::Item::Macro(item) => Some(&mut item.attrs),
        syn::Item::Mod(item) => Some(&mut item.attrs),
        syn::Item::Static(item) => Some(&mut item.attrs),
        syn::Item::Struct(item) => Some(&mut item.attrs),
        syn::Item::Trait(item) => Some(&mut item.attrs),
        syn::Item::TraitAlias(item) => Some(&mut item.attrs),
        syn::Item::Type(item) => Some(&mut item.attrs),
        syn::Item::Union(item) => Some(&mut item.attrs),
        syn::Item::Use(item) => Some(&mut item.attrs),
        _ => None,
    }
}

/// Puts a blank line between the members of an `impl` block (prettyplease
/// writes them back to back): after a line that closes a member at the
/// first indentation level, when another member follows.
fn separate_members(text: &str, out: &mut String) {
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let closes_member = line == "    }";
        let member_follows = lines.peek().is_some_and(|next| {
            next.starts_with("    ") && !next.starts_with("     ") && !next.starts_with("    }")
        });
        if closes_member && member_follows {
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn impl_members_are_separated() {
        let text = format_tokens(
            quote! { impl A { fn a() {} fn b() { let x = 1; } const C: u8 = 1; } },
            "a test",
            None,
        )
        .expect("parses");
        assert_eq!(text, "impl A {\n    fn a() {}\n    fn b() {\n        let x = 1;\n    }\n\n    const C: u8 = 1;\n}\n");
    }

    #[test]
    fn types_read_as_in_the_code_without_dependency_paths() {
        assert_eq!(
            type_text(
                quote! { super::runtime::Nullable<Vec<::chrono::DateTime<::chrono::Utc> > > }
            ),
            "Nullable<Vec<DateTime<Utc>>>"
        );
        assert_eq!(
            type_text(quote! { ::std::collections::BTreeMap<String, ::uuid::Uuid> }),
            "BTreeMap<String, Uuid>"
        );
    }

    #[test]
    fn unparsable_output_is_an_internal_error() {
        let error = format_tokens(quote! { struct }, "a test", None).expect_err("must fail");
        assert_eq!(error.kind, ErrorKind::Internal);
        let text = format_tokens(quote! { struct A { x: u8 } }, "a test", None).expect("parses");
        assert_eq!(text, "struct A {\n    x: u8,\n}\n");
    }

    #[test]
    fn every_kind_of_item_gets_the_cfg() {
        let text = format_tokens(
            quote! { static S: u8 = 1; trait T {} macro_rules! m { () => {} } union U { a: u8 } },
            "a test",
            Some(quote! { #[cfg(feature = "x")] }),
        )
        .expect("parses");
        assert_eq!(text.matches("#[cfg(feature = \"x\")]").count(), 4, "{text}");
    }

    #[test]
    fn a_cfg_gates_every_item() {
        let text = format_tokens(
            quote! { #[doc = " A."] #[derive(Debug)] struct A; impl A {} },
            "a test",
            Some(quote! { #[cfg(feature = "x")] }),
        )
        .expect("parses");
        assert_eq!(
            text,
            "/// A.\n#[cfg(feature = \"x\")]\n#[derive(Debug)]\nstruct A;\n\n#[cfg(feature = \"x\")]\nimpl A {}\n"
        );
    }
}
