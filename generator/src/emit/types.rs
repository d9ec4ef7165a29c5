//! The `types` module: one Rust item per named type.
//!
//! - Structs derive `Debug, Clone, PartialEq` (and `Default` when no field
//!   is required) and the serde halves [`Directions`] gives them: the one
//!   they travel by, the other perhaps behind a feature. Presence and nullability give
//!   four field forms: required `T`; required + nullable `Option<T>` that
//!   writes `null`; optional `Option<T>` omitted when `None`; optional +
//!   nullable `Nullable<T>`, which can say absent, `null` or a value.
//!   `Deserialize` is written by hand ([`struct_deserialize`]) unless a
//!   field is flattened.
//! - Structs with a binary field are multipart forms: no serde, the runtime
//!   writes them part by part.
//! - Enums keep their wire values, with `as_str`, `Display`, `FromStr` and an
//!   `Unknown(String)` variant that keeps values a newer server sends.
//! - Discriminated unions read the tag first and decode the member it names;
//!   an unknown tag is kept whole. Unions without a discriminator try their
//!   members in order.

use proc_macro2::TokenStream;
use quote::quote;

use super::directions::{Directions, Gate, Half};
use super::docs::{self, code, DocBuilder};
use super::rust_type::{ident, Std, TypeWriter};
use crate::ir::{
    Api, Enum, Field, Presence, Scalar, Shape, Struct, TypeDef, TypeId, TypeKind, Union,
};
use crate::naming::{Identifier, Names, UNKNOWN_VARIANT};

/// Emits the item (and its impls) for one named type.
pub fn type_item(api: &Api, names: &Names, directions: &Directions, id: TypeId) -> TokenStream {
    let def = api.ty(id);
    let types_path = TokenStream::new();
    let writer = TypeWriter::with_api(api, names, &types_path);
    let name = ident(&names.types[id.0]);
    let mut doc = DocBuilder::new();
    doc.schema_docs(&def.docs);
    let renamed = def
        .schema_name
        .as_ref()
        .filter(|schema_name| **schema_name != names.types[id.0]);
    if doc.is_empty() || renamed.is_some() {
        doc.line(fallback_doc(def));
    }
    match &def.kind {
        TypeKind::Struct(s) => struct_item(&writer, names, directions, id, &name, doc, s),
        TypeKind::Enum(e) => {
            let serde = SerdeGates::of(directions, id);
            if e.integer {
                integer_enum_item(writer.std(), &name, &names.variants[id.0], doc, e, serde)
            } else {
                enum_item(writer.std(), &name, &names.variants[id.0], doc, e, serde)
            }
        }
        TypeKind::Union(u) => {
            let item = UnionItem {
                writer: &writer,
                directions,
                id,
                variant_names: &names.variants[id.0],
                name: &name,
            };
            union_item(api, &item, doc, u)
        }
        TypeKind::Alias(shape) => {
            let target = writer.shape(shape);
            let doc = doc.to_tokens();
            quote! { #doc pub type #name = #target; }
        }
    }
}

fn fallback_doc(def: &TypeDef) -> String {
    match &def.schema_name {
        Some(name) => format!("The {} schema.", code(name)),
        None => format!("Inline schema at {}.", code(&format!("#{}", def.pointer))),
    }
}

/// How a hand-written type implements each serde half.
#[derive(Clone, Copy)]
struct SerdeGates {
    serialize: Gate,
    deserialize: Gate,
}

impl SerdeGates {
    fn of(directions: &Directions, id: TypeId) -> Self {
        Self {
            serialize: directions.gate(id, Half::Serialize),
            deserialize: directions.gate(id, Half::Deserialize),
        }
    }

    /// Both hand-written impls of `name`, each gated as it should be.
    fn impls(
        self,
        std: Std,
        name: &proc_macro2::Ident,
        serialize: TokenStream,
        deserialize: TokenStream,
    ) -> TokenStream {
        let serialize = self.serialize.item(serialize_impl(std, name, serialize));
        let deserialize = self
            .deserialize
            .item(deserialize_impl(std, name, deserialize));
        quote! { #serialize #deserialize }
    }
}

/// `impl Serialize for #name` around `body`, which writes to `serializer`.
fn serialize_impl(std: Std, name: &proc_macro2::Ident, body: TokenStream) -> TokenStream {
    let result = std.result();
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                #body
            }
        }
    }
}

/// `impl Deserialize for #name` around `body`, which reads `deserializer`.
fn deserialize_impl(std: Std, name: &proc_macro2::Ident, body: TokenStream) -> TokenStream {
    let result = std.result();
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                #body
            }
        }
    }
}

fn struct_item(
    writer: &TypeWriter<'_>,
    names: &Names,
    directions: &Directions,
    id: TypeId,
    name: &proc_macro2::Ident,
    doc: DocBuilder,
    s: &Struct,
) -> TokenStream {
    let std = writer.std();
    let (string, result, ok) = (std.string(), std.result(), std.ok());
    // Files make a struct a form only; a struct some operation sends as
    // multipart without files is also JSON, and gets both.
    let form = s.has_binary();
    let multipart = form || s.multipart;
    // A flattened field needs serde's buffering of the whole object, so
    // only JSON structs without one decode through the lean hand-written
    // impl (a form has no serde at all).
    let lean = !form && s.additional.is_none() && s.alternatives.is_none();
    let attrs = if form {
        FieldAttrs::None
    } else if lean {
        FieldAttrs::Serialize(directions.gate(id, Half::Serialize))
    } else {
        FieldAttrs::Derived
    };
    let fields = s
        .fields
        .iter()
        .zip(&names.fields[id.0])
        .map(|(field, field_name)| struct_field(writer, field, field_name, attrs));
    let additional_name = match &names.additional[id.0] {
        Some(name) => ident(name),
        None => ident("additional_properties"),
    };
    let additional = s.additional.as_ref().map(|item| {
        let field_name = &additional_name;
        let ty = if item.shape == Shape::Any {
            quote! { ::serde_json::Map<#string, ::serde_json::Value> }
        } else {
            let item = writer.item(item);
            quote! { ::std::collections::BTreeMap<#string, #item> }
        };
        quote! {
            /// Properties the schema does not name.
            #[serde(flatten)]
            pub #field_name: #ty,
        }
    });
    let alternatives = s.alternatives.as_ref().map(|alternatives| {
        let field_name = names.alternatives[id.0]
            .as_ref()
            .map_or_else(|| ident("variant"), ident);
        let mut ty = writer.shape(&alternatives.shape);
        if alternatives.indirect {
            let box_path = std.boxed();
            ty = quote! { #box_path<#ty> };
        }
        quote! {
            /// The alternative the rest of the object is: the schema's
            /// `oneOf`/`anyOf`, which shares this object on the wire.
            #[serde(flatten)]
            pub #field_name: #ty,
        }
    });
    let default = s.has_default().then(|| quote! { Default, });
    let (serde, serde_attr) = directions.derives(id, lean.then_some(Half::Deserialize), None);
    let deserialize = lean.then(|| {
        let body = struct_deserialize(writer, name, s, &names.fields[id.0]);
        directions
            .gate(id, Half::Deserialize)
            .item(deserialize_impl(std, name, body))
    });
    let doc = doc.to_tokens();
    let into_multipart = multipart.then(|| {
        let parts = s
            .fields
            .iter()
            .zip(&names.fields[id.0])
            .map(|(field, field_name)| multipart_part(writer, field, field_name));
        // Properties the schema does not name go as parts of their own.
        let additional_parts = s.additional.as_ref().map(|_| {
            quote! {
                for (name, value) in &self.#additional_name {
                    form.value(name, value).map_err(super::runtime::RequestError::new)?;
                }
            }
        });
        quote! {
            impl #name {
                /// The `multipart/form-data` body this value is sent as.
                pub fn into_multipart(self) -> #result<super::runtime::Multipart, super::runtime::RequestError> {
                    let mut form = super::runtime::Multipart::new();
                    #(#parts)*
                    #additional_parts
                    #ok(form)
                }
            }
        }
    });
    if form {
        let additional = s.additional.as_ref().map(|item| {
            let item = writer.item(item);
            quote! {
                /// Properties the schema does not name, sent as parts of their own.
                pub #additional_name: ::std::collections::BTreeMap<#string, #item>,
            }
        });
        quote! {
            #doc
            #[derive(Debug)]
            pub struct #name {
                #(#fields)*
                #additional
            }

            #into_multipart
        }
    } else {
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, #default #(#serde),*)]
            #serde_attr
            pub struct #name {
                #(#fields)*
                #alternatives
                #additional
            }

            #deserialize
            #into_multipart
        }
    }
}

/// What the serde attributes on a struct's fields are for.
#[derive(Clone, Copy)]
enum FieldAttrs {
    /// A multipart form: no serde.
    None,
    /// Both derives read them: wire name, default when absent, skipped
    /// when absent.
    Derived,
    /// Only the derived `Serialize` reads them (the struct decodes through
    /// [`struct_deserialize`]), so they exist as its gate says.
    Serialize(Gate),
}

/// The body of a struct's hand-written `Deserialize`: it reads the object
/// key by key into one slot per field, then checks the required ones.
///
/// serde's derive would also write a field enum with its own visitor and a
/// `visit_seq` (for structs written as arrays, which JSON servers never
/// send); the key lookup here is one runtime visitor for every struct.
/// It behaves as the derive does: unknown properties are skipped, a
/// property given twice is an error, a missing required one is the
/// `missing field` error, a missing optional one is its default, and a
/// missing required-but-nullable one is `None`.
fn struct_deserialize(
    writer: &TypeWriter<'_>,
    name: &proc_macro2::Ident,
    s: &Struct,
    field_names: &[Identifier],
) -> TokenStream {
    let std = writer.std();
    let (some, none, result, ok) = (std.some(), std.none(), std.result(), std.ok());
    let wires: Vec<&str> = s.fields.iter().map(|f| f.wire_name.as_str()).collect();
    let expecting = format!("struct {name}");
    let type_name = name.to_string();
    let slots: Vec<_> = field_names.iter().map(ident).collect();
    let indices = (0..s.fields.len()).map(proc_macro2::Literal::usize_unsuffixed);
    let finish = s.fields.iter().zip(&slots).map(|(field, slot)| {
        let wire = &field.wire_name;
        match (field.presence, field.nullable) {
            (Presence::Required, false) => quote! { runtime::required(#slot, #wire)? },
            (Presence::Required, true) => quote! { #slot.flatten() },
            (Presence::Optional, _) => quote! { #slot.unwrap_or_default() },
        }
    });
    // Without fields a `match` would have only its catch-all arm.
    let read = if s.fields.is_empty() {
        quote! {
            while __object.next_field()?.is_some() {
                __object.skip()?;
            }
        }
    } else {
        quote! {
            while let #some(__field) = __object.next_field()? {
                // One `?` for the match, not one per arm: each is a
                // `Try` and a `From` rustc must resolve.
                match __field {
                    #(#some(#indices) => __object.read(&mut #slots, #wires),)*
                    _ => __object.skip(),
                }?;
            }
        }
    };
    // The helpers go by path, not imported names: a field called
    // `required` has a local slot of that name.
    quote! {
        use super::runtime;
        const FIELDS: &[&str] = &[#(#wires),*];
        struct __Visitor;
        impl<'de> ::serde::de::Visitor<'de> for __Visitor {
            type Value = #name;
            fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(#expecting)
            }
            fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> #result<#name, A::Error> {
                // Before the slots, which may shadow `map`.
                let mut __object = runtime::Properties::new(map, FIELDS);
                #(let mut #slots = #none;)*
                #read
                #ok(#name { #(#slots: #finish,)* })
            }
        }
        deserializer.deserialize_struct(#type_name, FIELDS, __Visitor)
    }
}

fn struct_field(
    writer: &TypeWriter<'_>,
    field: &Field,
    field_name: &Identifier,
    attrs: FieldAttrs,
) -> TokenStream {
    let name = ident(field_name);
    let form = matches!(attrs, FieldAttrs::None);
    let (ty, skip) = writer.field(field, form);
    let doc = field_docs(field).to_tokens();
    let rename = (field_name.name() != field.wire_name).then(|| {
        let wire = &field.wire_name;
        quote! { rename = #wire }
    });
    let default = matches!(attrs, FieldAttrs::Derived).then(|| quote! { default });
    let skip = skip.map(|skip| quote! { skip_serializing_if = #skip });
    let args: Vec<TokenStream> = match skip {
        Some(skip) => rename.into_iter().chain(default).chain([skip]).collect(),
        None => rename.into_iter().collect(),
    };
    let gate = match attrs {
        _ if args.is_empty() => Gate::Omitted,
        FieldAttrs::None => Gate::Omitted,
        FieldAttrs::Derived => Gate::Always,
        FieldAttrs::Serialize(gate) => gate,
    };
    let attr = gate.attr(quote! { serde(#(#args),*) });
    quote! {
        #doc
        #attr
        pub #name: #ty,
    }
}

/// The statement that adds one field of a multipart form: files as file
/// parts, scalars and enums as text, lists part by part, anything else as
/// JSON text. Absent and `None` fields are left out; `null` is an empty part.
fn multipart_part(writer: &TypeWriter<'_>, field: &Field, field_name: &Identifier) -> TokenStream {
    let some = writer.std().some();
    let wire = &field.wire_name;
    let value = ident(field_name);
    let add = |binding: TokenStream| -> TokenStream {
        match &field.shape {
            Shape::Scalar(Scalar::Binary) => quote! { form.file(#wire, #binding); },
            Shape::Scalar(_) => quote! { form.text(#wire, &#binding); },
            Shape::List(item)
                if matches!(item.shape, Shape::Scalar(ref s) if *s != Scalar::Binary)
                    && !item.nullable =>
            {
                quote! {
                    for item in &#binding {
                        form.text(#wire, item);
                    }
                }
            }
            Shape::Named(_) if writer.is_enum(&field.shape) => {
                quote! { form.text(#wire, &#binding); }
            }
            _ => quote! {
                form.json(#wire, &#binding).map_err(super::runtime::RequestError::new)?;
            },
        }
    };
    let binding = if field.indirect {
        quote! { *value }
    } else {
        quote! { value }
    };
    match (field.presence, field.nullable) {
        (Presence::Required, false) => add(quote! { self.#value }),
        (Presence::Optional, false) | (Presence::Required, true) => {
            let add = add(binding);
            quote! {
                if let #some(value) = self.#value {
                    #add
                }
            }
        }
        (Presence::Optional, true) => {
            let add = add(binding);
            quote! {
                match self.#value {
                    super::runtime::Nullable::Value(value) => { #add }
                    super::runtime::Nullable::Null => form.text(#wire, ""),
                    super::runtime::Nullable::Absent => {}
                }
            }
        }
    }
}

fn field_docs(field: &Field) -> DocBuilder {
    let mut doc = DocBuilder::new();
    doc.schema_docs(&field.docs);
    let mut facts = Vec::new();
    if field.read_only {
        facts.push("Read-only: the server sets it.".to_string());
    }
    if field.write_only {
        facts.push("Write-only: the server never returns it.".to_string());
    }
    if let Some(sentence) = docs::constraints(&field.constraints) {
        facts.push(sentence);
    }
    if let Some(default) = &field.default {
        facts.push(docs::default_value(default));
    }
    if !facts.is_empty() {
        doc.line(facts.join(" "));
    }
    doc
}

/// Each variant's documentation: its wire value and its label.
fn value_docs(e: &Enum) -> Vec<String> {
    e.variants
        .iter()
        .map(|v| {
            let value = if v.value.is_empty() {
                "The empty string".to_string()
            } else {
                code(&v.value)
            };
            match &v.label {
                Some(label) => format!(" {value}: {}", docs::one_line(label)),
                None if v.value.is_empty() => format!(" {value}."),
                None => format!(" {value}"),
            }
        })
        .collect()
}

/// An enum's documentation, with what happens to values it does not know.
fn enum_doc(mut doc: DocBuilder, name: &proc_macro2::Ident) -> TokenStream {
    doc.line(format!(
        "Values outside the schema (from a newer authentik) are kept in {}. The enum is `#[non_exhaustive]`: a value added by a later schema is not a breaking change.",
        code(&format!("{name}::{UNKNOWN_VARIANT}"))
    ));
    doc.to_tokens()
}

/// An enum of integers: the same shape as a string enum, with `value()`
/// and `From<i64>` where that has `as_str()` and `From<&str>`.
fn integer_enum_item(
    std: Std,
    name: &proc_macro2::Ident,
    variant_names: &[String],
    doc: DocBuilder,
    e: &Enum,
    serde: SerdeGates,
) -> TokenStream {
    let (option, string, some, none, from) = (
        std.option(),
        std.string(),
        std.some(),
        std.none(),
        std.from(),
    );
    let unknown = ident(UNKNOWN_VARIANT);
    let variants: Vec<_> = variant_names.iter().map(ident).collect();
    // Lowering writes each value as the decimal text of an i64; were one
    // not, the string literal would fail the crate's build, not mislead it.
    let values: Vec<proc_macro2::Literal> = e
        .variants
        .iter()
        .map(|v| {
            v.value.parse::<i64>().map_or_else(
                |_| proc_macro2::Literal::string(&v.value),
                proc_macro2::Literal::i64_unsuffixed,
            )
        })
        .collect();
    let value_docs = value_docs(e);
    let doc = enum_doc(doc, name);
    let serde_impls = serde.impls(
        std,
        name,
        quote! { serializer.serialize_i64(self.value()) },
        quote! { <i64 as ::serde::Deserialize>::deserialize(deserializer).map(Self::from) },
    );
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #[doc = #value_docs]
                #variants,
            )*
            /// A value this client does not know, kept as sent.
            #unknown(i64),
        }

        impl #name {
            /// The value as it travels on the wire.
            pub fn value(&self) -> i64 {
                match self {
                    #(Self::#variants => #values,)*
                    Self::#unknown(value) => *value,
                }
            }

            fn known(value: i64) -> #option<Self> {
                match value {
                    #(#values => #some(Self::#variants),)*
                    _ => #none,
                }
            }
        }

        impl #from<i64> for #name {
            fn from(value: i64) -> Self {
                Self::known(value).unwrap_or(Self::#unknown(value))
            }
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.value(), f)
            }
        }

        #serde_impls

        impl super::runtime::ParamValue for #name {
            fn write_param(&self, out: &mut #string) {
                super::runtime::ParamValue::write_param(&self.value(), out);
            }
        }
    }
}

fn enum_item(
    std: Std,
    name: &proc_macro2::Ident,
    variant_names: &[String],
    doc: DocBuilder,
    e: &Enum,
    serde: SerdeGates,
) -> TokenStream {
    let (option, string, some, none, result, ok, from) = (
        std.option(),
        std.string(),
        std.some(),
        std.none(),
        std.result(),
        std.ok(),
        std.from(),
    );
    let unknown = ident(UNKNOWN_VARIANT);
    let variants: Vec<_> = variant_names.iter().map(ident).collect();
    let values: Vec<&str> = e.variants.iter().map(|v| v.value.as_str()).collect();
    let value_docs = value_docs(e);
    let doc = enum_doc(doc, name);
    let serde_impls = serde.impls(
        std,
        name,
        quote! { serializer.serialize_str(self.as_str()) },
        quote! { super::runtime::deserialize_enum(deserializer) },
    );
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #[doc = #value_docs]
                #variants,
            )*
            /// A value this client does not know, kept as sent.
            #unknown(#string),
        }

        impl #name {
            /// The value as it travels on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::#unknown(value) => value,
                }
            }

            fn known(value: &str) -> #option<Self> {
                match value {
                    #(#values => #some(Self::#variants),)*
                    _ => #none,
                }
            }
        }

        impl #from<&str> for #name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| Self::#unknown(value.to_owned()))
            }
        }

        impl #from<#string> for #name {
            fn from(value: #string) -> Self {
                match Self::known(&value) {
                    #some(known) => known,
                    #none => Self::#unknown(value),
                }
            }
        }

        impl ::core::str::FromStr for #name {
            type Err = ::core::convert::Infallible;

            fn from_str(value: &str) -> #result<Self, Self::Err> {
                #ok(Self::from(value))
            }
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #serde_impls

        impl super::runtime::ParamValue for #name {
            fn write_param(&self, out: &mut #string) {
                out.push_str(self.as_str());
            }
        }
    }
}

/// What the union emitters share.
struct UnionItem<'a> {
    writer: &'a TypeWriter<'a>,
    directions: &'a Directions,
    id: TypeId,
    variant_names: &'a [String],
    name: &'a proc_macro2::Ident,
}

impl UnionItem<'_> {
    fn gate(&self, half: Half) -> Gate {
        self.directions.gate(self.id, half)
    }
}

fn union_item(api: &Api, item: &UnionItem<'_>, doc: DocBuilder, u: &Union) -> TokenStream {
    let UnionItem {
        writer,
        variant_names,
        name,
        ..
    } = *item;
    // Objects are boxed so the enum stays the size of a pointer or two
    // however large its biggest member is.
    let boxed: Vec<bool> = u
        .variants
        .iter()
        .map(|v| v.indirect || is_object(api, &v.shape))
        .collect();
    match &u.discriminator {
        Some(tag_key) => tagged_union(item, doc, u, &boxed, tag_key),
        None => {
            let union = untagged_union(item, doc, u, &boxed);
            // A union of scalars and enums can be a parameter.
            let as_text = u
                .variants
                .iter()
                .all(|v| api.travels_as_text(&v.shape))
                .then(|| {
                    let string = writer.std().string();
                    let variants = variant_names.iter().map(ident);
                    quote! {
                        impl super::runtime::ParamValue for #name {
                            fn write_param(&self, out: &mut #string) {
                                match self {
                                    #(Self::#variants(value) => super::runtime::ParamValue::write_param(value, out),)*
                                }
                            }
                        }
                    }
                });
            quote! { #union #as_text }
        }
    }
}

/// Whether a shape names a struct or union (through aliases).
fn is_object(api: &Api, shape: &Shape) -> bool {
    matches!(
        api.kind_of(shape),
        Some((_, TypeKind::Struct(_) | TypeKind::Union(_)))
    )
}

fn tagged_union(
    item: &UnionItem<'_>,
    mut doc: DocBuilder,
    u: &Union,
    boxed: &[bool],
    tag_key: &str,
) -> TokenStream {
    let UnionItem {
        writer,
        variant_names,
        name,
        ..
    } = *item;
    let std = writer.std();
    let (string, box_path, ok) = (std.string(), std.boxed(), std.ok());
    let unknown = ident(UNKNOWN_VARIANT);
    let variants: Vec<_> = variant_names.iter().map(ident).collect();
    let tags: Vec<&str> = u
        .variants
        .iter()
        .map(|v| v.tag.as_deref().unwrap_or_default())
        .collect();
    let payloads = u.variants.iter().zip(boxed).map(|(v, boxed)| {
        let ty = writer.shape(&v.shape);
        if *boxed {
            quote! { #box_path<#ty> }
        } else {
            ty
        }
    });
    let variant_docs = tags
        .iter()
        .map(|tag| format!(" {} is {}.", code(tag_key), code(tag)));
    let constructors = boxed.iter().zip(&variants).map(|(boxed, variant)| {
        if *boxed {
            quote! { |value| Self::#variant(#box_path::new(value)) }
        } else {
            quote! { Self::#variant }
        }
    });
    doc.line(format!(
        "Tagged by {}: the tag picks the variant and is written once on the wire. An object with a tag this client does not know, or none, is kept in {}.",
        code(tag_key),
        code(&format!("{name}::{UNKNOWN_VARIANT}"))
    ));
    let doc = doc.to_tokens();
    let serde_impls = SerdeGates::of(item.directions, item.id).impls(
        std,
        name,
        quote! {
            match self {
                #(Self::#variants(value) => super::runtime::union::serialize_tagged(serializer, #tag_key, #tags, value),)*
                Self::#unknown(object) => ::serde::Serialize::serialize(object, serializer),
            }
        },
        quote! {
            let (tag, object) = super::runtime::union::split_tag::<D>(deserializer, #tag_key)?;
            match tag.as_str() {
                #(#tags => super::runtime::union::member::<_, D::Error>(object).map(#constructors),)*
                _ => #ok(Self::#unknown(object)),
            }
        },
    );
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variants(#payloads),
            )*
            /// An object whose tag this client does not know (or that has
            /// none), kept whole.
            #unknown(::serde_json::Map<#string, ::serde_json::Value>),
        }

        impl #name {
            /// The discriminator value of this variant.
            pub fn tag(&self) -> &str {
                match self {
                    #(Self::#variants(_) => #tags,)*
                    Self::#unknown(object) => super::runtime::union::tag_of(object, #tag_key),
                }
            }
        }

        #serde_impls
    }
}

fn untagged_union(
    item: &UnionItem<'_>,
    mut doc: DocBuilder,
    u: &Union,
    boxed: &[bool],
) -> TokenStream {
    let UnionItem {
        writer,
        variant_names,
        name,
        ..
    } = *item;
    let box_path = writer.std().boxed();
    let variants: Vec<_> = variant_names.iter().map(ident).collect();
    let payloads = u.variants.iter().zip(boxed).map(|(v, boxed)| {
        let ty = writer.shape(&v.shape);
        if *boxed {
            quote! { #box_path<#ty> }
        } else {
            ty
        }
    });
    let variant_docs = (1..=u.variants.len()).map(|i| format!(" Alternative {i} of the schema."));
    doc.line("Decoded by trying each variant in order; the first that fits wins.");
    let open_enums = u.variants.iter().any(|v| writer.is_enum(&v.shape));
    if open_enums {
        doc.line("An enum alternative fits only the values it knows, unless no alternative fits otherwise: then the first enum keeps the value as its `Unknown`.");
    }
    let doc = doc.to_tokens();
    let custom = open_enums.then_some(Half::Deserialize);
    let (serde, serde_attr) =
        item.directions
            .derives(item.id, custom, Some(quote! { serde(untagged) }));
    let deserialize = open_enums.then(|| {
        item.gate(Half::Deserialize)
            .item(untagged_deserialize(writer, name, &variants, u, boxed))
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #(#serde),*)]
        #serde_attr
        #[non_exhaustive]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variants(#payloads),
            )*
        }

        #deserialize
    }
}

/// Decoding an untagged union with enum alternatives: an enum keeps any
/// value it does not know as its `Unknown`, so it would win over every
/// later alternative. Each alternative is tried on what it knows first;
/// only when none fits does the first enum take the value as unknown.
fn untagged_deserialize(
    writer: &TypeWriter<'_>,
    name: &proc_macro2::Ident,
    variants: &[proc_macro2::Ident],
    u: &Union,
    boxed: &[bool],
) -> TokenStream {
    let std = writer.std();
    let (some, ok) = (std.some(), std.ok());
    let unknown = ident(UNKNOWN_VARIANT);
    let wrap = |boxed: bool, value: TokenStream| {
        if boxed {
            quote! { ::std::boxed::Box::new(#value) }
        } else {
            value
        }
    };
    let strict = u.variants.iter().zip(variants).zip(boxed).map(|((v, variant), boxed)| {
        let ty = writer.shape(&v.shape);
        let found = wrap(*boxed, quote! { found });
        match writer.enum_of(&v.shape) {
            Some(e) => {
                let read = if e.integer {
                    quote! { value.as_i64() }
                } else {
                    quote! { value.as_str() }
                };
                quote! {
                    if let #some(found) = #read.map(#ty::from).filter(|found| !matches!(found, #ty::#unknown(_))) {
                        return #ok(Self::#variant(#found));
                    }
                }
            }
            None => quote! {
                if let #ok(found) = <#ty as ::serde::Deserialize>::deserialize(&value) {
                    return #ok(Self::#variant(#found));
                }
            },
        }
    });
    let lenient = u
        .variants
        .iter()
        .zip(variants)
        .zip(boxed)
        .find(|((v, _), _)| writer.is_enum(&v.shape))
        .map(|((v, variant), boxed)| {
            let ty = writer.shape(&v.shape);
            let found = wrap(*boxed, quote! { found });
            quote! {
                if let #ok(found) = <#ty as ::serde::Deserialize>::deserialize(&value) {
                    return #ok(Self::#variant(#found));
                }
            }
        });
    let message = format!("the value fits no alternative of `{name}`");
    deserialize_impl(
        std,
        name,
        quote! {
            let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
            #(#strict)*
            #lenient
            ::core::result::Result::Err(<D::Error as ::serde::de::Error>::custom(#message))
        },
    )
}
