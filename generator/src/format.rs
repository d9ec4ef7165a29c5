//! Stage 5: token streams to formatted source text, in parallel.
//!
//! Each item is parsed with `syn` and printed with `prettyplease` on its
//! own, so the work spreads over every core; the output is the same as
//! formatting whole files, item by item.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use proc_macro2::TokenStream;
use syn::parse::Parser;

use crate::error::{Error, ErrorKind};

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
            if let Some(attrs) = item_attributes(item) {
                // After the item's documentation, before its other attributes.
                let at = attrs
                    .iter()
                    .take_while(|a| a.path().is_ident("doc"))
                    .count();
                attrs.splice(at..at, attributes.iter().cloned());
            }
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

fn item_attributes(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Struct(item) => Some(&mut item.attrs),
        syn::Item::Enum(item) => Some(&mut item.attrs),
        syn::Item::Impl(item) => Some(&mut item.attrs),
        syn::Item::Type(item) => Some(&mut item.attrs),
        syn::Item::Fn(item) => Some(&mut item.attrs),
        syn::Item::Const(item) => Some(&mut item.attrs),
        syn::Item::Mod(item) => Some(&mut item.attrs),
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

/// Maps `f` over `items` on all available cores, keeping the input order.
pub fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut local = Vec::new();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(index) else {
                        break;
                    };
                    local.push((index, f(item)));
                }
                results
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .extend(local);
            });
        }
    });
    let mut results = results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    results.sort_unstable_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn parallel_map_keeps_order() {
        let items: Vec<u32> = (0..1000).collect();
        let doubled = in_parallel(&items, |x| x * 2);
        assert_eq!(doubled, items.iter().map(|x| x * 2).collect::<Vec<_>>());
    }

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
    fn unparsable_output_is_an_internal_error() {
        let error = format_tokens(quote! { struct }, "a test", None).expect_err("must fail");
        assert_eq!(error.kind, ErrorKind::Internal);
        let text = format_tokens(quote! { struct A { x: u8 } }, "a test", None).expect("parses");
        assert_eq!(text, "struct A {\n    x: u8,\n}\n");
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
