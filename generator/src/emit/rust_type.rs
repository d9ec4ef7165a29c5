//! Rust types for IR shapes.
//!
//! Dependency types are written with absolute paths (`::uuid::Uuid`). The
//! standard library's prelude names (`Option`, `String`, `Vec`, `Box`,
//! `Result`, `From`) are written short, unless the module defines a type of
//! the same name (a schema type called `Option` or `Box`): then that one
//! name is written as its absolute path everywhere in the module, so it
//! cannot be shadowed.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Api, Content, Enum, Field, Item, Presence, Returns, Scalar, Shape, TypeKind};
use crate::naming::{Identifier, Names};

/// A name the emitters write as one identifier token.
pub trait ToIdent {
    /// The token.
    fn to_ident(&self) -> Ident;
}

/// Type and variant names, which the naming rules keep clear of keywords.
impl ToIdent for str {
    fn to_ident(&self) -> Ident {
        Ident::new(self, Span::call_site())
    }
}

impl ToIdent for String {
    fn to_ident(&self) -> Ident {
        self.as_str().to_ident()
    }
}

impl<T: ToIdent + ?Sized> ToIdent for &T {
    fn to_ident(&self) -> Ident {
        (**self).to_ident()
    }
}

/// Raw (`r#type`) where the identifier is.
impl ToIdent for Identifier {
    fn to_ident(&self) -> Ident {
        if self.is_raw() {
            Ident::new_raw(self.name(), Span::call_site())
        } else {
            Ident::new(self.name(), Span::call_site())
        }
    }
}

/// The identifier token of a name.
pub fn ident(name: &(impl ToIdent + ?Sized)) -> Ident {
    name.to_ident()
}

/// The prelude names a module writes, short where nothing shadows them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Std {
    option: bool,
    string: bool,
    vec: bool,
    boxed: bool,
    result: bool,
    from: bool,
}

impl Std {
    /// For a module that defines items with these names.
    pub fn shadowed_by<'n>(names: impl IntoIterator<Item = &'n str>) -> Self {
        let mut std = Self::default();
        for name in names {
            match name {
                "Option" | "Some" | "None" => std.option = true,
                "String" => std.string = true,
                "Vec" => std.vec = true,
                "Box" => std.boxed = true,
                "Result" | "Ok" | "Err" => std.result = true,
                "From" => std.from = true,
                _ => {}
            }
        }
        std
    }

    /// `Option`.
    pub fn option(self) -> TokenStream {
        if self.option {
            quote! { ::core::option::Option }
        } else {
            quote! { Option }
        }
    }

    /// `Option::Some`.
    pub fn some(self) -> TokenStream {
        if self.option {
            quote! { ::core::option::Option::Some }
        } else {
            quote! { Some }
        }
    }

    /// `Option::None`.
    pub fn none(self) -> TokenStream {
        if self.option {
            quote! { ::core::option::Option::None }
        } else {
            quote! { None }
        }
    }

    /// `Option::is_none`, as the string `skip_serializing_if` takes.
    pub fn is_none(self) -> &'static str {
        if self.option {
            "::core::option::Option::is_none"
        } else {
            "Option::is_none"
        }
    }

    /// `String`.
    pub fn string(self) -> TokenStream {
        if self.string {
            quote! { ::std::string::String }
        } else {
            quote! { String }
        }
    }

    /// `Vec`.
    pub fn vec(self) -> TokenStream {
        if self.vec {
            quote! { ::std::vec::Vec }
        } else {
            quote! { Vec }
        }
    }

    /// `Box`.
    pub fn boxed(self) -> TokenStream {
        if self.boxed {
            quote! { ::std::boxed::Box }
        } else {
            quote! { Box }
        }
    }

    /// `Result`.
    pub fn result(self) -> TokenStream {
        if self.result {
            quote! { ::core::result::Result }
        } else {
            quote! { Result }
        }
    }

    /// `Result::Ok`.
    pub fn ok(self) -> TokenStream {
        if self.result {
            quote! { ::core::result::Result::Ok }
        } else {
            quote! { Ok }
        }
    }

    /// `From`.
    pub fn from(self) -> TokenStream {
        if self.from {
            quote! { ::core::convert::From }
        } else {
            quote! { From }
        }
    }
}

/// Writes shapes as Rust types from one module's point of view.
#[derive(Clone, Copy)]
pub struct TypeWriter<'a> {
    api: Option<&'a Api>,
    /// Set when a named type is written, so a module imports `types` only
    /// when it uses it.
    named_used: Option<&'a std::cell::Cell<bool>>,
    names: &'a Names,
    std: Std,
    /// How this module reaches the `types` module (`` for `types` itself,
    /// `super::super::types::` from an API module).
    types_path: &'a TokenStream,
}

impl<'a> TypeWriter<'a> {
    /// A writer for a module that reaches named types through `types_path`.
    pub fn new(names: &'a Names, types_path: &'a TokenStream) -> Self {
        Self {
            api: None,
            named_used: None,
            names,
            types_path,
            std: Std::default(),
        }
    }

    /// A writer that records in `used` whether it wrote a named type.
    pub fn recording(
        names: &'a Names,
        types_path: &'a TokenStream,
        used: &'a std::cell::Cell<bool>,
    ) -> Self {
        Self {
            named_used: Some(used),
            ..Self::new(names, types_path)
        }
    }

    /// A writer for the `types` module itself, which can also answer
    /// questions about the types it names; prelude names a schema type
    /// shadows are written in full.
    pub fn with_api(api: &'a Api, names: &'a Names, types_path: &'a TokenStream) -> Self {
        Self {
            api: Some(api),
            std: Std::shadowed_by(names.types.iter().map(String::as_str)),
            ..Self::new(names, types_path)
        }
    }

    /// How this module writes prelude names.
    pub fn std(&self) -> Std {
        self.std
    }

    /// Whether a shape names an enum (through aliases).
    pub fn is_enum(&self, shape: &Shape) -> bool {
        self.enum_of(shape).is_some()
    }

    /// The enum a shape names (through aliases).
    pub fn enum_of(&self, shape: &Shape) -> Option<&'a Enum> {
        match self.api?.kind_of(shape) {
            Some((_, TypeKind::Enum(e))) => Some(e),
            _ => None,
        }
    }

    /// The Rust type of a shape.
    pub fn shape(&self, shape: &Shape) -> TokenStream {
        match shape {
            Shape::Named(id) => {
                if let Some(used) = self.named_used {
                    used.set(true);
                }
                let name = ident(&self.names.types[id.0]);
                let path = self.types_path;
                quote! { #path #name }
            }
            Shape::Scalar(scalar) => scalar_type(*scalar, self.std),
            Shape::List(item) => {
                let item = self.item(item);
                let vec = self.std.vec();
                quote! { #vec<#item> }
            }
            Shape::Map(item) if item.shape == Shape::Any => {
                let string = self.std.string();
                quote! { ::serde_json::Map<#string, ::serde_json::Value> }
            }
            Shape::Map(item) => {
                let item = self.item(item);
                let string = self.std.string();
                quote! { ::std::collections::BTreeMap<#string, #item> }
            }
            Shape::Any => quote! { ::serde_json::Value },
        }
    }

    /// The type of a list element or map value.
    pub fn item(&self, item: &Item) -> TokenStream {
        let shape = self.shape(&item.shape);
        if item.nullable && item.shape != Shape::Any {
            let option = self.std.option();
            quote! { #option<#shape> }
        } else {
            shape
        }
    }
}

impl TypeWriter<'_> {
    /// The type a successful call returns; `response_enum` names the enum
    /// of an operation that returns by status.
    pub fn returns(&self, returns: Returns<'_>, response_enum: Option<&str>) -> TokenStream {
        match returns {
            // Naming names the enum of every such operation; were it missing,
            // the empty type would fail the build, not mislead it.
            Returns::ByStatus => {
                let name = response_enum.map(ident);
                quote! { #name }
            }
            Returns::Nothing => quote! { () },
            Returns::Json(shape) => self.shape(shape),
            Returns::JsonIfAny(shape) => {
                let (option, ty) = (self.std.option(), self.shape(shape));
                quote! { #option<#ty> }
            }
            Returns::Text(_) => self.std.string(),
            Returns::Bytes(_) => {
                let vec = self.std.vec();
                quote! { #vec<u8> }
            }
        }
    }

    /// The type a request body is given as (the operation may borrow it).
    pub fn body(&self, content: &Content) -> TokenStream {
        match content {
            Content::Json(shape) => self.shape(shape),
            Content::Multipart(id) | Content::Form(id) => self.shape(&Shape::Named(*id)),
            Content::Text => self.std.string(),
            Content::Binary | Content::Empty => {
                let vec = self.std.vec();
                quote! { #vec<u8> }
            }
        }
    }

    /// The type of a struct field, and the function serde skips it with
    /// when it is absent (none for a required field). Fields of a
    /// multipart form (`form`) hold their files as `FilePart`s.
    pub fn field(&self, field: &Field, form: bool) -> (TokenStream, Option<&'static str>) {
        let std = self.std;
        let (option, boxed) = (std.option(), std.boxed());
        let mut ty = match field.shape {
            Shape::Scalar(Scalar::Binary) if form => quote! { super::runtime::FilePart },
            _ => self.shape(&field.shape),
        };
        if field.indirect {
            ty = quote! { #boxed<#ty> };
        }
        match (field.presence, field.nullable) {
            (Presence::Required, false) => (ty, None),
            (Presence::Required, true) => (quote! { #option<#ty> }, None),
            (Presence::Optional, false) => (quote! { #option<#ty> }, Some(std.is_none())),
            (Presence::Optional, true) => (
                quote! { super::runtime::Nullable<#ty> },
                Some("super::runtime::Nullable::is_absent"),
            ),
        }
    }
}

/// The Rust type of a scalar.
pub fn scalar_type(scalar: Scalar, std: Std) -> TokenStream {
    match scalar {
        Scalar::String => std.string(),
        Scalar::Boolean => quote! { bool },
        Scalar::Int32 => quote! { i32 },
        Scalar::Int64 => quote! { i64 },
        Scalar::Float => quote! { f32 },
        Scalar::Double => quote! { f64 },
        Scalar::Uuid => quote! { ::uuid::Uuid },
        Scalar::DateTime => quote! { ::chrono::DateTime<::chrono::Utc> },
        Scalar::Date => quote! { ::chrono::NaiveDate },
        Scalar::Binary => {
            let vec = std.vec();
            quote! { #vec<u8> }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_identifiers_are_raw_tokens() {
        let raw = crate::naming::snake_name("type", "field");
        assert_eq!(ident(&raw).to_string(), "r#type");
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
            quote! { Vec<::std::collections::BTreeMap<String, Option<::uuid::Uuid> > > }
                .to_string()
        );
    }

    #[test]
    fn shadowed_prelude_names_are_written_in_full() {
        let std = Std::shadowed_by(["Option", "Invitation"]);
        assert_eq!(
            std.option().to_string(),
            quote! { ::core::option::Option }.to_string()
        );
        assert_eq!(std.string().to_string(), "String");
        assert_eq!(std.is_none(), "::core::option::Option::is_none");
    }
}
