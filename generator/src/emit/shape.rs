//! Rust types for IR shapes.
//!
//! Standard-library and dependency types are written with absolute paths
//! (`::std::string::String`, `::uuid::Uuid`) so a schema type that happens
//! to be called `String`, `Option` or `Box` cannot shadow them.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Api, Item, Scalar, Shape, TypeKind};
use crate::naming::Names;

/// An identifier token, raw (`r#type`) where the name says so.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Writes shapes as Rust types from one module's point of view.
#[derive(Clone, Copy)]
pub struct TypeWriter<'a> {
    api: Option<&'a Api>,
    names: &'a Names,
    /// How this module reaches the `types` module (`` for `types` itself,
    /// `super::super::types::` from an API module).
    types_path: &'a TokenStream,
}

impl<'a> TypeWriter<'a> {
    /// A writer for a module that reaches named types through `types_path`.
    pub fn new(names: &'a Names, types_path: &'a TokenStream) -> Self {
        Self {
            api: None,
            names,
            types_path,
        }
    }

    /// A writer that can also answer questions about the types it names.
    pub fn with_api(api: &'a Api, names: &'a Names, types_path: &'a TokenStream) -> Self {
        Self {
            api: Some(api),
            names,
            types_path,
        }
    }

    /// Whether a shape names an enum (through aliases).
    pub fn is_enum(&self, shape: &Shape) -> bool {
        let Some(api) = self.api else {
            return false;
        };
        let mut shape = shape;
        for _ in 0..=api.types.len() {
            let Shape::Named(id) = shape else {
                return false;
            };
            match &api.ty(*id).kind {
                TypeKind::Enum(_) => return true,
                TypeKind::Alias(next) => shape = next,
                _ => return false,
            }
        }
        false
    }

    /// The Rust type of a shape.
    pub fn shape(&self, shape: &Shape) -> TokenStream {
        match shape {
            Shape::Named(id) => {
                let name = ident(&self.names.types[id.0]);
                let path = self.types_path;
                quote! { #path #name }
            }
            Shape::Scalar(scalar) => scalar_type(*scalar),
            Shape::List(item) => {
                let item = self.item(item);
                quote! { ::std::vec::Vec<#item> }
            }
            Shape::Map(item) if item.shape == Shape::Any => {
                quote! { ::serde_json::Map<::std::string::String, ::serde_json::Value> }
            }
            Shape::Map(item) => {
                let item = self.item(item);
                quote! { ::std::collections::BTreeMap<::std::string::String, #item> }
            }
            Shape::Any => quote! { ::serde_json::Value },
        }
    }

    /// The type of a list element or map value.
    pub fn item(&self, item: &Item) -> TokenStream {
        let shape = self.shape(&item.shape);
        if item.nullable && item.shape != Shape::Any {
            quote! { ::core::option::Option<#shape> }
        } else {
            shape
        }
    }
}

/// The Rust type of a scalar.
pub fn scalar_type(scalar: Scalar) -> TokenStream {
    match scalar {
        Scalar::String => quote! { ::std::string::String },
        Scalar::Boolean => quote! { bool },
        Scalar::Int32 => quote! { i32 },
        Scalar::Int64 => quote! { i64 },
        Scalar::Float => quote! { f32 },
        Scalar::Double => quote! { f64 },
        Scalar::Uuid => quote! { ::uuid::Uuid },
        Scalar::DateTime => quote! { ::chrono::DateTime<::chrono::Utc> },
        Scalar::Date => quote! { ::chrono::NaiveDate },
        Scalar::Binary => quote! { ::std::vec::Vec<u8> },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_identifiers_are_raw_tokens() {
        assert_eq!(ident("r#type").to_string(), "r#type");
        assert_eq!(ident("name").to_string(), "name");
    }

    #[test]
    fn containers_nest() {
        let names = Names::default();
        let none = TokenStream::new();
        let writer = TypeWriter::new(&names, &none);
        let shape = Shape::list(Shape::map(Shape::Scalar(Scalar::Uuid), true), false);
        assert_eq!(
            writer.shape(&shape).to_string(),
            quote! { ::std::vec::Vec<::std::collections::BTreeMap<::std::string::String, ::core::option::Option<::uuid::Uuid> > > }.to_string()
        );
    }
}
