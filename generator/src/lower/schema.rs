//! Schemas to named types and shapes.
//!
//! Component schemas keep their names; an inline schema that needs a name
//! (an object, an enum, a union) becomes a type named after where it sits.
//! `allOf` with a single member is how authentik attaches `nullable`,
//! `readOnly` or a description to a reference: the wrapper's facts apply to
//! the referenced type. Longer `allOf` lists are merged into one object.

use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, Discriminator, IntegerFormat, NumberFormat, ReferenceOr,
    Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::refs::{Resolver, SchemaRef, Target};
use crate::error::{pointer_push, Diagnostic, Error, ErrorKind, Location};
use crate::ir::{
    Alternatives, Constraints, Docs, Enum, EnumVariant, Field, Item, Presence, Scalar, Shape,
    Struct, TypeDef, TypeId, TypeKind, Union, UnionVariant,
};

/// A schema lowered for use in a property, item or parameter position: the
/// shape and the facts the position carries.
#[derive(Debug, Clone)]
pub(super) struct Lowered {
    pub shape: Shape,
    pub nullable: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub docs: Docs,
    pub constraints: Constraints,
    pub default: Option<Value>,
}

/// What a schema defines: a shape that needs no name, a type that does, or
/// nothing the generator can express.
enum Definition {
    Shape { shape: Shape, nullable: bool },
    Kind { kind: TypeKind, nullable: bool },
    Opaque { note: String },
}

impl Definition {
    fn shape(shape: Shape) -> Self {
        Self::Shape {
            shape,
            nullable: false,
        }
    }
}

/// Properties collected for one object, possibly from several `allOf` members.
#[derive(Default)]
struct ObjectParts<'a> {
    properties: IndexMap<&'a str, (SchemaRef<'a>, String)>,
    required: Vec<&'a str>,
    additional: Option<(&'a AdditionalProperties, String)>,
}

impl<'a> ObjectParts<'a> {
    /// Adds what another member contributed, later members winning.
    fn absorb(&mut self, other: ObjectParts<'a>) {
        self.properties.extend(other.properties);
        self.required.extend(other.required);
        if other.additional.is_some() {
            self.additional = other.additional;
        }
    }
}

/// What an `allOf` member is to the merge.
enum Merge {
    /// An object (or only annotations): its properties were added.
    Object,
    /// A value of another kind: a scalar, an enum, a list, a union.
    Value,
    /// Nested too deep to follow.
    TooDeep,
}

/// A list of member schemas and the keyword (`allOf`, ...) it sits under.
type Members<'a> = (&'static str, &'a [ReferenceOr<Schema>]);

/// How far lowering had got: see [`Lowering::mark`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Mark {
    types: usize,
    diagnostics: usize,
    inside: usize,
}

/// The schema half of IR building: owns the type table while it grows.
pub(super) struct Lowering<'a> {
    pub(super) resolver: &'a Resolver<'a>,
    types: Vec<TypeDef>,
    component_nullable: Vec<bool>,
    /// The component being lowered; inline types found meanwhile belong to it.
    owner: Option<TypeId>,
    /// Schemas inside components that `$ref`s point at, and every schema
    /// within them, by pointer: each is lowered once, at the first reference
    /// (`None` while a target is under way, which catches a target that
    /// contains a reference to itself).
    inside: IndexMap<String, Option<Lowered>>,
    /// How many `$ref`-into-schema targets are being lowered, one inside
    /// another: while any is, what is lowered goes into `inside`.
    sharing: usize,
    /// The first inline type at each pointer, once a `$ref` into a schema
    /// needs it (see [`Lowering::inline_type_at`]).
    inline_at: Option<HashMap<String, TypeId>>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Lowering<'a> {
    pub(super) fn new(resolver: &'a Resolver<'a>) -> Self {
        let mut types = Vec::new();
        let mut component_nullable = Vec::new();
        for (name, schema) in resolver.schemas() {
            types.push(TypeDef {
                schema_name: Some(name.to_string()),
                hint: vec![name.to_string()],
                pointer: pointer_push("/components/schemas", name),
                owner: None,
                docs: Docs::default(),
                kind: TypeKind::Alias(Shape::Any),
            });
            component_nullable.push(match schema {
                ReferenceOr::Item(schema) => admits_null(resolver, schema),
                ReferenceOr::Reference { .. } => false,
            });
        }
        Self {
            resolver,
            types,
            component_nullable,
            owner: None,
            inside: IndexMap::new(),
            sharing: 0,
            inline_at: None,
            diagnostics: Vec::new(),
        }
    }

    /// The type table and diagnostics, once lowering is done.
    pub(super) fn finish(self) -> (Vec<TypeDef>, Vec<Diagnostic>) {
        (self.types, self.diagnostics)
    }

    /// How many types exist so far; see [`Lowering::truncate`].
    pub(super) fn mark(&self) -> Mark {
        Mark {
            types: self.types.len(),
            diagnostics: self.diagnostics.len(),
            inside: self.inside.len(),
        }
    }

    /// Drops the inline types and the warnings added since `mark` (for an
    /// operation that is left out after all: its own warning says why).
    pub(super) fn truncate(&mut self, mark: Mark) {
        self.types.truncate(mark.types);
        self.diagnostics.truncate(mark.diagnostics);
        self.inside.truncate(mark.inside);
        if let Some(index) = &mut self.inline_at {
            index.retain(|_, id| id.0 < mark.types);
        }
    }

    pub(super) fn warn(&mut self, kind: ErrorKind, pointer: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic {
            kind,
            location: Location::new(self.resolver.file, pointer),
            message: message.into(),
        });
    }

    pub(super) fn error(
        &self,
        kind: ErrorKind,
        pointer: &str,
        message: impl Into<String>,
    ) -> Error {
        self.resolver.error(kind, pointer, message)
    }

    /// Defines every component schema, in document order.
    pub(super) fn lower_components(&mut self) -> Result<(), Error> {
        let resolver = self.resolver;
        for (index, (name, schema)) in resolver.schemas().enumerate() {
            let pointer = self.types[index].pointer.clone();
            let hint = vec![name.to_string()];
            self.owner = Some(TypeId(index));
            let (kind, docs) = match schema {
                ReferenceOr::Reference { reference } => {
                    let target = self.lower(SchemaRef::Ref(reference), &hint, &pointer)?;
                    (TypeKind::Alias(target.shape), Docs::default())
                }
                ReferenceOr::Item(schema) => {
                    let mut docs = docs_of(schema);
                    let kind = match self.define(schema, &hint, &pointer)? {
                        Definition::Kind { kind, .. } => kind,
                        Definition::Shape { shape, .. } => TypeKind::Alias(shape),
                        Definition::Opaque { note } => {
                            docs.notes.push(note);
                            TypeKind::Alias(Shape::Any)
                        }
                    };
                    (kind, docs)
                }
            };
            self.types[index].kind = kind;
            self.types[index].docs = docs;
        }
        self.owner = None;
        Ok(())
    }

    /// Lowers a schema position to a shape plus the facts it carries.
    pub(super) fn lower(
        &mut self,
        item: SchemaRef<'a>,
        hint: &[String],
        pointer: &str,
    ) -> Result<Lowered, Error> {
        let schema = match item {
            SchemaRef::Ref(reference) => {
                let at = pointer_push(pointer, "$ref");
                let index = match self.resolver.schema_target(reference, &at)? {
                    Target::Component(index) => index,
                    Target::Inside(schema, pointer) => {
                        return self.lower_inside(schema, hint, &pointer, &at)
                    }
                };
                return Ok(Lowered {
                    shape: Shape::Named(TypeId(index)),
                    nullable: self.component_nullable[index],
                    read_only: false,
                    write_only: false,
                    docs: Docs::default(),
                    constraints: Constraints::default(),
                    default: None,
                });
            }
            SchemaRef::Inline(schema) => schema,
        };
        if !self.inside.is_empty() {
            if let Some(Some(shared)) = self.inside.get(pointer) {
                return Ok(shared.clone());
            }
        }
        if self.sharing == 0 {
            return self.lower_inline(schema, hint, pointer);
        }
        // Lowering the target of a `$ref` into a schema: what it contains is
        // shared with every other reference to it, and a node the component
        // itself already gave a type keeps that type.
        let lowered = match self.inline_type_at(pointer) {
            Some(id) => {
                let mut lowered = facts_of(schema);
                lowered.shape = Shape::Named(id);
                lowered.nullable |= admits_null(self.resolver, schema);
                lowered
            }
            None => self.lower_inline(schema, hint, pointer)?,
        };
        self.inside
            .insert(pointer.to_string(), Some(lowered.clone()));
        Ok(lowered)
    }

    /// The first inline type made for the schema at `pointer`, if one was.
    /// The index is built at the first `$ref` into a schema, so documents
    /// without one never pay for it.
    fn inline_type_at(&mut self, pointer: &str) -> Option<TypeId> {
        let types = &self.types;
        let index = self.inline_at.get_or_insert_with(|| {
            let mut index = HashMap::new();
            for (id, def) in types.iter().enumerate() {
                if def.schema_name.is_none() {
                    index.entry(def.pointer.clone()).or_insert(TypeId(id));
                }
            }
            index
        });
        index.get(pointer).copied()
    }

    /// Lowers a schema written in place.
    fn lower_inline(
        &mut self,
        schema: &'a Schema,
        hint: &[String],
        pointer: &str,
    ) -> Result<Lowered, Error> {
        let mut lowered = facts_of(schema);
        if let Some(inner) = single_all_of(schema) {
            // The wrapper's own facts win; the shape comes from inside.
            let inner_pointer = pointer_push(&pointer_push(pointer, "allOf"), "0");
            let inner = self.lower(inner, hint, &inner_pointer)?;
            lowered.shape = inner.shape;
            lowered.nullable |= inner.nullable;
            lowered.read_only |= inner.read_only;
            lowered.write_only |= inner.write_only;
            if lowered.docs.title.is_none() && lowered.docs.description.is_none() {
                lowered.docs = inner.docs;
            }
            if lowered.constraints.is_empty() {
                lowered.constraints = inner.constraints;
            }
            if lowered.default.is_none() {
                lowered.default = inner.default;
            }
            return Ok(lowered);
        }
        match self.define(schema, hint, pointer)? {
            Definition::Shape { shape, nullable } => {
                lowered.shape = shape;
                lowered.nullable |= nullable;
            }
            Definition::Kind { kind, nullable } => {
                let docs = docs_of(schema);
                lowered.shape = Shape::Named(self.add_inline(hint, pointer, docs, kind));
                lowered.nullable |= nullable;
            }
            Definition::Opaque { note } => {
                lowered.shape = Shape::Any;
                lowered.docs.notes.push(note);
            }
        }
        Ok(lowered)
    }

    /// A schema inside a component that a `$ref` (at `at`) points at: typed
    /// as if it were written where it is first referenced, and shared by
    /// every later reference.
    fn lower_inside(
        &mut self,
        schema: &'a Schema,
        hint: &[String],
        pointer: &str,
        at: &str,
    ) -> Result<Lowered, Error> {
        match self.inside.get(pointer) {
            Some(Some(lowered)) => return Ok(lowered.clone()),
            Some(None) => {
                return Err(self.error(
                    ErrorKind::RefCycle,
                    at,
                    format!("the schema at `#{pointer}` contains a `$ref` to itself; a recursive schema needs a name of its own under components/schemas"),
                ))
            }
            None => {}
        }
        self.inside.insert(pointer.to_string(), None);
        self.sharing += 1;
        let lowered = self.lower(SchemaRef::Inline(schema), hint, pointer);
        self.sharing -= 1;
        lowered
    }

    /// Adds a type for an inline schema and returns its id.
    pub(super) fn add_inline(
        &mut self,
        hint: &[String],
        pointer: &str,
        docs: Docs,
        kind: TypeKind,
    ) -> TypeId {
        let id = TypeId(self.types.len());
        if let Some(index) = &mut self.inline_at {
            index.entry(pointer.to_string()).or_insert(id);
        }
        self.types.push(TypeDef {
            schema_name: None,
            hint: hint.to_vec(),
            pointer: pointer.to_string(),
            owner: self.owner,
            docs,
            kind,
        });
        id
    }

    /// The shape behind any chain of aliases (bounded, so an alias cycle
    /// cannot loop here; analysis reports it properly later).
    pub(super) fn unalias<'s>(&'s self, shape: &'s Shape) -> &'s Shape {
        crate::ir::unalias(&self.types, shape)
    }

    /// Whether a value of the shape travels as text, in the types so far.
    pub(super) fn travels_as_text(&self, shape: &Shape) -> bool {
        crate::ir::travels_as_text(&self.types, shape)
    }

    /// The kind of the named type a shape resolves to, if any.
    pub(super) fn kind_of(&self, shape: &Shape) -> Option<(TypeId, &TypeKind)> {
        crate::ir::kind_of(&self.types, shape)
    }

    /// The struct a shape names, if it names one.
    pub(super) fn struct_of(&self, shape: &Shape) -> Option<(TypeId, &Struct)> {
        match self.kind_of(shape) {
            Some((id, TypeKind::Struct(s))) => Some((id, s)),
            _ => None,
        }
    }

    fn define(
        &mut self,
        schema: &'a Schema,
        hint: &[String],
        pointer: &str,
    ) -> Result<Definition, Error> {
        let discriminator = schema.schema_data.discriminator.as_ref();
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                if s.enumeration.is_empty() {
                    Ok(Definition::shape(Shape::Scalar(string_scalar(&s.format))))
                } else {
                    let values: Vec<Option<String>> = s.enumeration.clone();
                    let extensions = &schema.schema_data.extensions;
                    Ok(self.enumeration(&values, false, extensions, pointer))
                }
            }
            SchemaKind::Type(Type::Number(n)) => {
                Ok(Definition::shape(Shape::Scalar(match n.format {
                    VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Scalar::Float,
                    _ => Scalar::Double,
                })))
            }
            SchemaKind::Type(Type::Integer(i)) if !i.enumeration.is_empty() => {
                let values: Vec<Option<String>> = i
                    .enumeration
                    .iter()
                    .map(|v| v.map(|v| v.to_string()))
                    .collect();
                let extensions = &schema.schema_data.extensions;
                Ok(self.enumeration(&values, true, extensions, pointer))
            }
            SchemaKind::Type(Type::Integer(i)) => {
                Ok(Definition::shape(Shape::Scalar(match i.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Scalar::Int32,
                    _ => Scalar::Int64,
                })))
            }
            SchemaKind::Type(Type::Boolean(_)) => {
                Ok(Definition::shape(Shape::Scalar(Scalar::Boolean)))
            }
            SchemaKind::Type(Type::Array(a)) => {
                self.array(a.items.as_ref().map(SchemaRef::from), hint, pointer)
            }
            SchemaKind::Type(Type::Object(o)) => {
                let mut parts = ObjectParts::default();
                self.add_properties(&mut parts, &o.properties, &o.required, pointer);
                if let Some(additional) = &o.additional_properties {
                    parts.additional =
                        Some((additional, pointer_push(pointer, "additionalProperties")));
                }
                self.object(parts, hint)
            }
            SchemaKind::OneOf { one_of } => {
                self.union(one_of, discriminator, hint, pointer, "oneOf")
            }
            SchemaKind::AnyOf { any_of } => {
                self.union(any_of, discriminator, hint, pointer, "anyOf")
            }
            SchemaKind::AllOf { all_of } => {
                self.all_of(all_of, ObjectParts::default(), hint, pointer)
            }
            SchemaKind::Not { .. } => Ok(self.unsupported(pointer, "`not`")),
            SchemaKind::Any(any) => {
                let extensions = &schema.schema_data.extensions;
                self.any(any, extensions, discriminator, hint, pointer)
            }
        }
    }

    /// A schema openapiv3 could not classify: read what it has.
    fn any(
        &mut self,
        any: &'a AnySchema,
        extensions: &IndexMap<String, Value>,
        discriminator: Option<&'a Discriminator>,
        hint: &[String],
        pointer: &str,
    ) -> Result<Definition, Error> {
        if any.not.is_some() {
            return Ok(self.unsupported(pointer, "`not`"));
        }
        let mut parts = ObjectParts::default();
        self.add_properties(&mut parts, &any.properties, &any.required, pointer);
        if let Some(additional) = &any.additional_properties {
            parts.additional = Some((additional, pointer_push(pointer, "additionalProperties")));
        }
        if !any.all_of.is_empty() {
            return self.all_of(&any.all_of, parts, hint, pointer);
        }
        if !any.one_of.is_empty() || !any.any_of.is_empty() {
            if !any.one_of.is_empty() && !any.any_of.is_empty() {
                return Ok(self.unsupported(pointer, "`oneOf` and `anyOf` side by side"));
            }
            let (members, keyword) = if any.one_of.is_empty() {
                (&any.any_of, "anyOf")
            } else {
                (&any.one_of, "oneOf")
            };
            if !parts.properties.is_empty() {
                return self.beside_union(parts, members, discriminator, hint, pointer, keyword);
            }
            return self.union(members, discriminator, hint, pointer, keyword);
        }
        if !any.enumeration.is_empty() {
            if any.enumeration.iter().all(|v| v.is_string() || v.is_null()) {
                let values: Vec<Option<String>> = any
                    .enumeration
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect();
                return Ok(self.enumeration(&values, false, extensions, pointer));
            }
            if any.enumeration.iter().all(|v| v.is_i64() || v.is_null()) {
                let values: Vec<Option<String>> = any
                    .enumeration
                    .iter()
                    .map(|v| v.as_i64().map(|v| v.to_string()))
                    .collect();
                return Ok(self.enumeration(&values, true, extensions, pointer));
            }
            return Ok(self.unsupported(
                pointer,
                "an `enum` whose values are neither all strings nor all integers",
            ));
        }
        match any.typ.as_deref() {
            Some("object") => self.object(parts, hint),
            None if !parts.properties.is_empty() || parts.additional.is_some() => {
                self.object(parts, hint)
            }
            Some("array") => self.array(any.items.as_ref().map(SchemaRef::from), hint, pointer),
            Some("string") => Ok(Definition::shape(Shape::Scalar(
                match any.format.as_deref() {
                    Some("date-time") => Scalar::DateTime,
                    Some("date") => Scalar::Date,
                    Some("uuid") => Scalar::Uuid,
                    Some("binary") => Scalar::Binary,
                    _ => Scalar::String,
                },
            ))),
            Some("integer") => Ok(Definition::shape(Shape::Scalar(
                match any.format.as_deref() {
                    Some("int32") => Scalar::Int32,
                    _ => Scalar::Int64,
                },
            ))),
            Some("number") => Ok(Definition::shape(Shape::Scalar(
                match any.format.as_deref() {
                    Some("float") => Scalar::Float,
                    _ => Scalar::Double,
                },
            ))),
            Some("boolean") => Ok(Definition::shape(Shape::Scalar(Scalar::Boolean))),
            Some(other) => Ok(self.unsupported(pointer, &format!("`type: {other}`"))),
            None => Ok(Definition::shape(Shape::Any)),
        }
    }

    fn array(
        &mut self,
        items: Option<SchemaRef<'a>>,
        hint: &[String],
        pointer: &str,
    ) -> Result<Definition, Error> {
        let Some(items) = items else {
            return Ok(Definition::shape(Shape::list(Shape::Any, false)));
        };
        let item = self.lower(
            items,
            &extend(hint, "item"),
            &pointer_push(pointer, "items"),
        )?;
        Ok(Definition::shape(Shape::list(item.shape, item.nullable)))
    }

    fn add_properties(
        &self,
        parts: &mut ObjectParts<'a>,
        properties: &'a IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &'a [String],
        pointer: &str,
    ) {
        let base = pointer_push(pointer, "properties");
        for (name, schema) in properties {
            parts.properties.insert(
                name.as_str(),
                (SchemaRef::from(schema), pointer_push(&base, name)),
            );
        }
        parts.required.extend(required.iter().map(String::as_str));
    }

    /// Properties beside a `oneOf`/`anyOf`: a struct of the properties no
    /// alternative names (nor the discriminator), carrying the union. Every
    /// alternative must be an object, or the two could not share one.
    fn beside_union(
        &mut self,
        mut parts: ObjectParts<'a>,
        members: &'a [ReferenceOr<Schema>],
        discriminator: Option<&'a Discriminator>,
        hint: &[String],
        pointer: &str,
        keyword: &str,
    ) -> Result<Definition, Error> {
        let base = pointer_push(pointer, keyword);
        let mut declared: Vec<Vec<&'a str>> = Vec::new();
        for (index, member) in members.iter().enumerate() {
            let member = SchemaRef::from(member);
            let at = pointer_push(&base, &index.to_string());
            match self.declared_properties(member, &at, 0)? {
                Some(names) => declared.push(names),
                None if self.is_null_only(member) => {}
                None => {
                    return Ok(self.unsupported(
                        &at,
                        &format!(
                            "a `{keyword}` alternative that is not an object, beside properties,"
                        ),
                    ))
                }
            }
        }
        // A property every alternative declares is theirs; one only some
        // declare could be read by the object or by the alternative, not both.
        let mut theirs: Vec<&'a str> = discriminator
            .map(|d| d.property_name.as_str())
            .into_iter()
            .collect();
        for &name in parts.properties.keys() {
            let declaring = declared
                .iter()
                .filter(|names| names.contains(&name))
                .count();
            if declaring > 0 && declaring == declared.len() {
                theirs.push(name);
            } else if declaring > 0 {
                return Ok(self.unsupported(
                    pointer,
                    &format!("property `{name}`, declared beside a `{keyword}` and by only some of its alternatives,"),
                ));
            }
        }
        parts.properties.retain(|name, _| !theirs.contains(name));
        parts.required.retain(|name| !theirs.contains(name));
        let (shape, nullable) = match self.union(members, discriminator, hint, pointer, keyword)? {
            Definition::Kind { kind, nullable } => {
                let hint = extend(hint, "variant");
                let id = self.add_inline(&hint, &base, Docs::default(), kind);
                (Shape::Named(id), nullable)
            }
            Definition::Shape { shape, nullable } => (shape, nullable),
            opaque @ Definition::Opaque { .. } => return Ok(opaque),
        };
        let alternatives = (shape != Shape::Any).then_some(Alternatives {
            shape,
            indirect: false,
        });
        match self.object_of(parts, alternatives, hint)? {
            Definition::Kind { kind, .. } => Ok(Definition::Kind { kind, nullable }),
            other => Ok(other),
        }
    }

    /// The property names an object-like schema declares, with those of
    /// its `allOf`, `oneOf` and `anyOf` members; `None` for a schema that is
    /// not an object.
    fn declared_properties(
        &self,
        member: SchemaRef<'a>,
        pointer: &str,
        depth: usize,
    ) -> Result<Option<Vec<&'a str>>, Error> {
        if depth > 32 {
            return Ok(None);
        }
        let schema = match member {
            SchemaRef::Inline(schema) => schema,
            SchemaRef::Ref(reference) => {
                let at = pointer_push(pointer, "$ref");
                self.resolver.schema_behind(reference, &at)?.0
            }
        };
        let names = |properties: &'a IndexMap<String, ReferenceOr<Box<Schema>>>| {
            properties.keys().map(String::as_str).collect::<Vec<_>>()
        };
        let (mut declared, lists): (Vec<&'a str>, Vec<Members<'a>>) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (names(&o.properties), Vec::new()),
            SchemaKind::AllOf { all_of } => (Vec::new(), vec![("allOf", &all_of[..])]),
            SchemaKind::OneOf { one_of } => (Vec::new(), vec![("oneOf", &one_of[..])]),
            SchemaKind::AnyOf { any_of } => (Vec::new(), vec![("anyOf", &any_of[..])]),
            SchemaKind::Any(any) if any.typ.as_deref().is_none_or(|t| t == "object") => {
                let lists = vec![
                    ("allOf", &any.all_of[..]),
                    ("oneOf", &any.one_of[..]),
                    ("anyOf", &any.any_of[..]),
                ];
                let object_like = any.typ.is_some()
                    || !any.properties.is_empty()
                    || any.additional_properties.is_some()
                    || lists.iter().any(|(_, list)| !list.is_empty());
                if !object_like {
                    return Ok(None);
                }
                (names(&any.properties), lists)
            }
            _ => return Ok(None),
        };
        for (keyword, list) in lists {
            let base = pointer_push(pointer, keyword);
            for (index, inner) in list.iter().enumerate() {
                let inner = SchemaRef::from(inner);
                let at = pointer_push(&base, &index.to_string());
                match self.declared_properties(inner, &at, depth + 1)? {
                    Some(names) => declared.extend(names),
                    None if keyword != "allOf" && self.is_null_only(inner) => {}
                    None => return Ok(None),
                }
            }
        }
        Ok(Some(declared))
    }

    fn object(&mut self, parts: ObjectParts<'a>, hint: &[String]) -> Result<Definition, Error> {
        self.object_of(parts, None, hint)
    }

    /// An object of `parts`, with `alternatives` beside its fields if given.
    fn object_of(
        &mut self,
        parts: ObjectParts<'a>,
        alternatives: Option<Alternatives>,
        hint: &[String],
    ) -> Result<Definition, Error> {
        let closed = matches!(
            parts.additional,
            Some((AdditionalProperties::Any(false), _))
        );
        let additional = match parts.additional {
            None | Some((AdditionalProperties::Any(false), _)) => None,
            Some((AdditionalProperties::Any(true), _)) => Some(Item {
                shape: Shape::Any,
                nullable: false,
            }),
            Some((AdditionalProperties::Schema(schema), at)) => {
                let value = self.lower(SchemaRef::from(&**schema), &extend(hint, "value"), &at)?;
                Some(Item {
                    shape: value.shape,
                    nullable: value.nullable,
                })
            }
        };
        if parts.properties.is_empty() && alternatives.is_none() {
            return Ok(match additional {
                _ if closed => Definition::Kind {
                    kind: TypeKind::Struct(Struct::default()),
                    nullable: false,
                },
                Some(item) => Definition::shape(Shape::Map(Box::new(item))),
                // `type: object` alone: a free-form object.
                None => Definition::shape(Shape::map(Shape::Any, false)),
            });
        }
        let mut fields = Vec::with_capacity(parts.properties.len());
        for (name, (schema, at)) in parts.properties {
            let lowered = self.lower(schema, &extend(hint, name), &at)?;
            fields.push(Field {
                wire_name: name.to_string(),
                shape: lowered.shape,
                presence: if parts.required.contains(&name) {
                    Presence::Required
                } else {
                    Presence::Optional
                },
                nullable: lowered.nullable,
                indirect: false,
                read_only: lowered.read_only,
                write_only: lowered.write_only,
                docs: lowered.docs,
                constraints: lowered.constraints,
                default: lowered.default,
            });
        }
        Ok(Definition::Kind {
            kind: TypeKind::Struct(Struct {
                fields,
                additional,
                alternatives,
                multipart: false,
            }),
            nullable: false,
        })
    }

    fn all_of(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        mut parts: ObjectParts<'a>,
        hint: &[String],
        pointer: &str,
    ) -> Result<Definition, Error> {
        if members.len() == 1 && parts.properties.is_empty() && parts.additional.is_none() {
            let inner = self.lower(
                SchemaRef::from(&members[0]),
                hint,
                &pointer_push(&pointer_push(pointer, "allOf"), "0"),
            )?;
            return Ok(Definition::Shape {
                shape: inner.shape,
                nullable: inner.nullable,
            });
        }
        let base = pointer_push(pointer, "allOf");
        let mut values = Vec::new();
        // `allOf: [{$ref: X}, {nullable: true}]` is how some documents make
        // a reference nullable.
        let mut annotated_null = false;
        for (index, member) in members.iter().enumerate() {
            let at = pointer_push(&base, &index.to_string());
            let mut own = ObjectParts::default();
            match self.collect_object(SchemaRef::from(member), &mut own, &at, 0)? {
                Merge::Object => {
                    annotated_null |=
                        matches!(member, ReferenceOr::Item(s) if s.schema_data.nullable);
                    parts.absorb(own);
                }
                Merge::Value => values.push((SchemaRef::from(member), at)),
                Merge::TooDeep => {
                    return Ok(self.unsupported(&at, "`allOf` nested more than 32 levels deep"))
                }
            }
        }
        if values.is_empty() {
            return self.object(parts, hint);
        }
        if !parts.properties.is_empty() || parts.additional.is_some() {
            let at = &values[0].1;
            return Ok(self.unsupported(
                at,
                "an `allOf` member that is not an object, beside members that are,",
            ));
        }
        let merged = self.merged_value(&values, hint)?;
        Ok(match merged {
            Definition::Shape { shape, nullable } => Definition::Shape {
                shape,
                nullable: nullable || annotated_null,
            },
            other => other,
        })
    }

    /// An `allOf` of members that are no objects (annotations aside): the
    /// value they all describe, where they agree on one. A member that
    /// constrains nothing adds nothing, and a string with a format narrows
    /// a plain string; any other pair of different types is refused.
    fn merged_value(
        &mut self,
        members: &[(SchemaRef<'a>, String)],
        hint: &[String],
    ) -> Result<Definition, Error> {
        let mark = self.mark();
        let mut merged = Shape::Any;
        let mut nullable = false;
        for (member, at) in members {
            let lowered = self.lower(*member, hint, at)?;
            nullable |= lowered.nullable;
            merged = match narrower(&merged, &lowered.shape) {
                Some(shape) => shape,
                None => {
                    // The members' own types go with the merge.
                    self.truncate(mark);
                    return Ok(self.unsupported(at, "`allOf` members of different types"));
                }
            };
        }
        Ok(Definition::Shape {
            shape: merged,
            nullable,
        })
    }

    /// Adds the properties of an `allOf` member to `parts`, or says why the
    /// member is no object to merge.
    fn collect_object(
        &mut self,
        member: SchemaRef<'a>,
        parts: &mut ObjectParts<'a>,
        pointer: &str,
        depth: usize,
    ) -> Result<Merge, Error> {
        if depth > 32 {
            return Ok(Merge::TooDeep);
        }
        let (schema, at) = match member {
            SchemaRef::Inline(schema) => (schema, pointer.to_string()),
            SchemaRef::Ref(reference) => self
                .resolver
                .schema_behind(reference, &pointer_push(pointer, "$ref"))?,
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                self.add_properties(parts, &o.properties, &o.required, &at);
                if let Some(additional) = &o.additional_properties {
                    parts.additional =
                        Some((additional, pointer_push(&at, "additionalProperties")));
                }
                Ok(Merge::Object)
            }
            SchemaKind::AllOf { all_of } => self.collect_members(all_of, parts, &at, depth),
            SchemaKind::Any(any)
                if any.one_of.is_empty()
                    && any.any_of.is_empty()
                    && any.not.is_none()
                    && any.enumeration.is_empty()
                    && any.items.is_none()
                    && any.typ.as_deref().is_none_or(|t| t == "object") =>
            {
                self.add_properties(parts, &any.properties, &any.required, &at);
                if let Some(additional) = &any.additional_properties {
                    parts.additional =
                        Some((additional, pointer_push(&at, "additionalProperties")));
                }
                self.collect_members(&any.all_of, parts, &at, depth)
            }
            _ => Ok(Merge::Value),
        }
    }

    /// Adds the properties of a nested `allOf`'s members (at `at`), stopping
    /// at the first that is no object.
    fn collect_members(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        parts: &mut ObjectParts<'a>,
        at: &str,
        depth: usize,
    ) -> Result<Merge, Error> {
        let base = pointer_push(at, "allOf");
        for (index, inner) in members.iter().enumerate() {
            let inner_at = pointer_push(&base, &index.to_string());
            match self.collect_object(SchemaRef::from(inner), parts, &inner_at, depth + 1)? {
                Merge::Object => {}
                other => return Ok(other),
            }
        }
        Ok(Merge::Object)
    }

    fn union(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        discriminator: Option<&'a Discriminator>,
        hint: &[String],
        pointer: &str,
        keyword: &str,
    ) -> Result<Definition, Error> {
        let base = pointer_push(pointer, keyword);
        if let Some(discriminator) = discriminator {
            if members
                .iter()
                .all(|m| matches!(m, ReferenceOr::Reference { .. }))
            {
                return self.tagged_union(members, discriminator, &base, pointer);
            }
            self.warn(
                ErrorKind::Unsupported,
                pointer,
                "a discriminated union whose members are not all `$ref`s is decoded by trying each member in turn",
            );
        }
        let mut variants = Vec::new();
        let mut nullable = false;
        for (index, member) in members.iter().enumerate() {
            let member = SchemaRef::from(member);
            if self.is_null_only(member) {
                nullable = true;
                continue;
            }
            let lowered = self.lower(
                member,
                &extend(hint, &format!("variant{index}")),
                &pointer_push(&base, &index.to_string()),
            )?;
            nullable |= lowered.nullable;
            variants.push(UnionVariant {
                tag: None,
                shape: lowered.shape,
                indirect: false,
            });
        }
        match variants.len() {
            0 => Ok(Definition::Shape {
                shape: Shape::Any,
                nullable,
            }),
            1 => Ok(Definition::Shape {
                shape: variants.remove(0).shape,
                nullable,
            }),
            _ => Ok(Definition::Kind {
                kind: TypeKind::Union(Union {
                    discriminator: None,
                    variants,
                }),
                nullable,
            }),
        }
    }

    fn tagged_union(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        discriminator: &'a Discriminator,
        base: &str,
        pointer: &str,
    ) -> Result<Definition, Error> {
        let resolver = self.resolver;
        let mapping_pointer = pointer_push(&pointer_push(pointer, "discriminator"), "mapping");
        let mut mapping: Vec<(&'a str, usize)> = Vec::new();
        for (value, target) in &discriminator.mapping {
            let at = pointer_push(&mapping_pointer, value);
            let index = if target.starts_with('#') {
                resolver.schema_index(target, &at)?
            } else {
                resolver.schema_index(&format!("#/components/schemas/{target}"), &at)?
            };
            mapping.push((value.as_str(), index));
        }
        let mut variants = Vec::new();
        let mut seen_members = Vec::new();
        for (position, member) in members.iter().enumerate() {
            let ReferenceOr::Reference { reference } = member else {
                continue;
            };
            let at = pointer_push(&pointer_push(base, &position.to_string()), "$ref");
            let index = resolver.schema_index(reference, &at)?;
            seen_members.push(index);
            let tags: Vec<&str> = mapping
                .iter()
                .filter(|(_, target)| *target == index)
                .map(|(value, _)| *value)
                .collect();
            if tags.is_empty() {
                // Without a mapping entry, the tag is the schema's name.
                let name = self.types[index].schema_name.clone().unwrap_or_default();
                variants.push(UnionVariant {
                    tag: Some(name),
                    shape: Shape::Named(TypeId(index)),
                    indirect: false,
                });
            }
            for tag in tags {
                variants.push(UnionVariant {
                    tag: Some(tag.to_string()),
                    shape: Shape::Named(TypeId(index)),
                    indirect: false,
                });
            }
        }
        for (value, index) in mapping {
            if !seen_members.contains(&index) {
                variants.push(UnionVariant {
                    tag: Some(value.to_string()),
                    shape: Shape::Named(TypeId(index)),
                    indirect: false,
                });
            }
        }
        Ok(Definition::Kind {
            kind: TypeKind::Union(Union {
                discriminator: Some(discriminator.property_name.clone()),
                variants,
            }),
            nullable: false,
        })
    }

    /// Whether a union member only admits `null` (drf-spectacular's `NullEnum`).
    fn is_null_only(&self, member: SchemaRef<'a>) -> bool {
        match member {
            SchemaRef::Inline(schema) => only_null(schema),
            SchemaRef::Ref(reference) => target_only_null(self.resolver, reference),
        }
    }

    /// An enum of strings, or of `integer` values written as decimal text
    /// (`None` is `null`, which makes it nullable), its variants named and
    /// labelled by `x-enum-varnames` and `x-enum-labels` where those fit.
    fn enumeration(
        &mut self,
        values: &[Option<String>],
        integer: bool,
        extensions: &IndexMap<String, Value>,
        pointer: &str,
    ) -> Definition {
        let names = self.enum_extension(extensions, "x-enum-varnames", values.len(), pointer);
        let labels = self.enum_extension(extensions, "x-enum-labels", values.len(), pointer);
        let mut variants: Vec<EnumVariant> = Vec::new();
        let mut nullable = false;
        for (index, value) in values.iter().enumerate() {
            let Some(value) = value else {
                nullable = true;
                continue;
            };
            if variants.iter().any(|v| v.value == *value) {
                continue;
            }
            let value = value.as_str();
            let name = names.as_ref().and_then(|names| names[index].clone());
            let name = name.filter(|name| {
                let valid = is_identifier(name);
                if !valid {
                    self.warn(
                        ErrorKind::Unsupported,
                        pointer,
                        format!("`x-enum-varnames` entry `{name}` is not a Rust identifier; the value `{value}` is named as usual"),
                    );
                }
                valid
            });
            variants.push(EnumVariant {
                value: value.to_string(),
                name,
                label: labels.as_ref().and_then(|labels| labels[index].clone()),
            });
        }
        if variants.is_empty() {
            return Definition::Shape {
                shape: Shape::Any,
                nullable,
            };
        }
        Definition::Kind {
            kind: TypeKind::Enum(Enum { variants, integer }),
            nullable,
        }
    }

    /// A list extension aligned with the enum's `count` values: one entry
    /// per value (`None` for a `null` entry). A list that is not one, or
    /// does not fit, is a warning and is not used.
    fn enum_extension(
        &mut self,
        extensions: &IndexMap<String, Value>,
        key: &str,
        count: usize,
        pointer: &str,
    ) -> Option<Vec<Option<String>>> {
        let value = extensions.get(key)?;
        let problem = match value {
            Value::Array(items) if items.len() != count => {
                format!("`{key}` has {} names for {count} values", items.len())
            }
            Value::Array(items) if items.iter().all(|i| i.is_string() || i.is_null()) => {
                return Some(
                    items
                        .iter()
                        .map(|i| i.as_str().map(str::to_string))
                        .collect(),
                );
            }
            _ => format!("`{key}` is not a list of strings"),
        };
        self.warn(
            ErrorKind::Unsupported,
            &pointer_push(pointer, key),
            format!("{problem}; it is not used"),
        );
        None
    }

    fn unsupported(&mut self, pointer: &str, what: &str) -> Definition {
        self.warn(
            ErrorKind::Unsupported,
            pointer,
            format!("{what} cannot be expressed as a Rust type; the value is kept as untyped JSON"),
        );
        Definition::Opaque {
            note: format!(
                "The schema uses {what}, which the generator cannot express; the value is kept as untyped JSON."
            ),
        }
    }
}

/// The one shape two `allOf` members both describe: the same one, the
/// other where one is unconstrained, or a formatted string where the other
/// is any string.
fn narrower(a: &Shape, b: &Shape) -> Option<Shape> {
    let formatted = |s: &Shape| {
        matches!(
            s,
            Shape::Scalar(Scalar::Uuid | Scalar::DateTime | Scalar::Date | Scalar::Binary)
        )
    };
    match (a, b) {
        _ if a == b => Some(a.clone()),
        (Shape::Any, other) | (other, Shape::Any) => Some(other.clone()),
        (Shape::Scalar(Scalar::String), other) | (other, Shape::Scalar(Scalar::String))
            if formatted(other) =>
        {
            Some(other.clone())
        }
        _ => None,
    }
}

/// Whether `name` can be written as a Rust identifier (ASCII).
fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
}

/// The single member of an `allOf` wrapper with no properties of its own.
fn single_all_of(schema: &Schema) -> Option<SchemaRef<'_>> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => Some(SchemaRef::from(&all_of[0])),
        SchemaKind::Any(any)
            if any.all_of.len() == 1
                && any.properties.is_empty()
                && any.additional_properties.is_none()
                && any.one_of.is_empty()
                && any.any_of.is_empty() =>
        {
            Some(SchemaRef::from(&any.all_of[0]))
        }
        _ => None,
    }
}

/// Whether a component admits `null` as a whole: marked nullable, only
/// `null`, or a union with a `null`-only member (drf-spectacular's
/// `oneOf: [X, NullEnum]`). References to it are then nullable.
fn admits_null(resolver: &Resolver<'_>, schema: &Schema) -> bool {
    let members = match &schema.schema_kind {
        SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
            &members[..]
        }
        SchemaKind::Any(any) if !any.one_of.is_empty() => &any.one_of[..],
        SchemaKind::Any(any) => &any.any_of[..],
        _ => &[][..],
    };
    let null_member = members.iter().any(|member| match member {
        ReferenceOr::Item(schema) => only_null(schema),
        ReferenceOr::Reference { reference } => target_only_null(resolver, reference),
    });
    schema.schema_data.nullable || only_null(schema) || null_member
}

/// Whether the schema a reference leads to admits only `null`; a broken
/// reference is reported where it is lowered, not here.
fn target_only_null(resolver: &Resolver<'_>, reference: &str) -> bool {
    match resolver.schema_target(reference, "") {
        Ok(Target::Component(index)) => matches!(
            resolver.schema_at(index),
            Some((_, ReferenceOr::Item(schema))) if only_null(schema)
        ),
        Ok(Target::Inside(schema, _)) => only_null(schema),
        Err(_) => false,
    }
}

/// Whether a schema admits only `null`.
fn only_null(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            !s.enumeration.is_empty() && s.enumeration.iter().all(Option::is_none)
        }
        SchemaKind::Any(any) => {
            !any.enumeration.is_empty() && any.enumeration.iter().all(Value::is_null)
        }
        _ => false,
    }
}

fn string_scalar(format: &VariantOrUnknownOrEmpty<StringFormat>) -> Scalar {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Scalar::Date,
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Scalar::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Scalar::Binary,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => Scalar::Uuid,
        _ => Scalar::String,
    }
}

fn docs_of(schema: &Schema) -> Docs {
    Docs {
        title: schema.schema_data.title.clone(),
        description: schema.schema_data.description.clone(),
        deprecated: schema.schema_data.deprecated,
        notes: Vec::new(),
    }
}

/// The facts a schema states about a position, before its shape is known.
fn facts_of(schema: &Schema) -> Lowered {
    let data = &schema.schema_data;
    let mut constraints = Constraints::default();
    let mut nullable = data.nullable;
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            constraints.min_length = s.min_length;
            constraints.max_length = s.max_length;
            constraints.pattern = s.pattern.clone();
            constraints.format = match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Some("byte".into()),
                VariantOrUnknownOrEmpty::Item(StringFormat::Password) => Some("password".into()),
                VariantOrUnknownOrEmpty::Unknown(f) if f != "uuid" => Some(f.clone()),
                _ => None,
            };
            nullable |= s.enumeration.iter().any(Option::is_none);
        }
        SchemaKind::Type(Type::Number(n)) => {
            constraints.minimum = n.minimum;
            constraints.maximum = n.maximum;
            constraints.exclusive_minimum = n.exclusive_minimum;
            constraints.exclusive_maximum = n.exclusive_maximum;
        }
        SchemaKind::Type(Type::Integer(i)) => {
            constraints.minimum = i.minimum.map(|v| v as f64);
            constraints.maximum = i.maximum.map(|v| v as f64);
            constraints.exclusive_minimum = i.exclusive_minimum;
            constraints.exclusive_maximum = i.exclusive_maximum;
        }
        SchemaKind::Type(Type::Array(a)) => {
            constraints.min_items = a.min_items;
            constraints.max_items = a.max_items;
            constraints.unique_items = a.unique_items;
        }
        SchemaKind::Any(any) => {
            constraints.min_length = any.min_length;
            constraints.max_length = any.max_length;
            constraints.pattern = any.pattern.clone();
            constraints.minimum = any.minimum;
            constraints.maximum = any.maximum;
            constraints.exclusive_minimum = any.exclusive_minimum.unwrap_or(false);
            constraints.exclusive_maximum = any.exclusive_maximum.unwrap_or(false);
            constraints.min_items = any.min_items;
            constraints.max_items = any.max_items;
            constraints.unique_items = any.unique_items.unwrap_or(false);
            nullable |= any.enumeration.iter().any(Value::is_null);
        }
        _ => {}
    }
    Lowered {
        shape: Shape::Any,
        nullable,
        read_only: data.read_only,
        write_only: data.write_only,
        docs: docs_of(schema),
        constraints,
        default: data.default.clone(),
    }
}

/// `hint` followed by one more word.
pub(super) fn extend(hint: &[String], word: &str) -> Vec<String> {
    let mut out = hint.to_vec();
    out.push(word.to_string());
    out
}
