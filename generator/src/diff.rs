//! What changed between two schemas, for code that uses the generated crate.
//!
//! Both schemas go through the whole pipeline up to the model, so changes are
//! reported in the terms of the generated Rust API (`types::Invitation::expires:
//! Nullable<DateTime<Utc>>`, `client.stages().invitation_invitations_list`),
//! and each is marked breaking or not for code that uses the crate:
//!
//! - removing anything, changing a field's or parameter's Rust type (which
//!   includes required-ness and nullability), a body or a return type is
//!   breaking;
//! - adding an operation, a type, an enum value or a union variant is not
//!   (enums and unions are `#[non_exhaustive]`);
//! - adding a field is breaking only where users build the value: in a type
//!   sent to the server that either gains a required field or has no
//!   `Default` to fill new fields from; adding a parameter likewise.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::emit::rust_type::TypeWriter;
use crate::format;
use crate::ir::analysis::reachable;
use crate::ir::{
    Api, Content, Field, Operation, ParamLocation, Presence, Shape, Struct, TypeId, TypeKind,
};
use crate::naming::Names;
use crate::Model;

/// The kinds of change, in the order reports list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// An operation disappeared.
    OperationRemoved,
    /// An operation appeared.
    OperationAdded,
    /// An operation moved to another tag or method name.
    OperationRenamed,
    /// A parameter disappeared.
    ParameterRemoved,
    /// A parameter appeared.
    ParameterAdded,
    /// A parameter's type, location or required-ness changed.
    ParameterChanged,
    /// The request body appeared, disappeared or changed type.
    BodyChanged,
    /// The success type changed.
    ResponseChanged,
    /// A type disappeared.
    TypeRemoved,
    /// A type appeared.
    TypeAdded,
    /// A type became another kind of type (a struct an enum, ...).
    TypeChanged,
    /// A struct lost a field.
    FieldRemoved,
    /// A struct gained a field.
    FieldAdded,
    /// A field's type changed.
    FieldRetyped,
    /// A field became required or optional.
    FieldPresenceChanged,
    /// A field became nullable or not.
    FieldNullabilityChanged,
    /// An enum lost a value.
    EnumValueRemoved,
    /// An enum gained a value.
    EnumValueAdded,
    /// A union lost a variant.
    VariantRemoved,
    /// A union gained a variant.
    VariantAdded,
}

impl ChangeKind {
    /// The label used in text reports (and, kebab-cased, in JSON).
    pub fn label(self) -> &'static str {
        match self {
            Self::OperationRemoved => "operation-removed",
            Self::OperationAdded => "operation-added",
            Self::OperationRenamed => "operation-renamed",
            Self::ParameterRemoved => "parameter-removed",
            Self::ParameterAdded => "parameter-added",
            Self::ParameterChanged => "parameter-changed",
            Self::BodyChanged => "body-changed",
            Self::ResponseChanged => "response-changed",
            Self::TypeRemoved => "type-removed",
            Self::TypeAdded => "type-added",
            Self::TypeChanged => "type-changed",
            Self::FieldRemoved => "field-removed",
            Self::FieldAdded => "field-added",
            Self::FieldRetyped => "field-retyped",
            Self::FieldPresenceChanged => "field-presence-changed",
            Self::FieldNullabilityChanged => "field-nullability-changed",
            Self::EnumValueRemoved => "enum-value-removed",
            Self::EnumValueAdded => "enum-value-added",
            Self::VariantRemoved => "variant-removed",
            Self::VariantAdded => "variant-added",
        }
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What kind of change.
    pub kind: ChangeKind,
    /// Whether code that compiled against the old crate may not compile
    /// against the new one.
    pub breaking: bool,
    /// The Rust item (`types::Invitation::expires`, `client.stages().x`).
    pub item: String,
    /// What it was and is.
    pub detail: String,
}

/// All the changes between two schemas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The old schema's `info.version`.
    pub old_version: String,
    /// The new schema's `info.version`.
    pub new_version: String,
    /// Every change, grouped by kind, in item order within a kind.
    pub changes: Vec<Change>,
}

impl Report {
    /// How many changes are breaking.
    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking).count()
    }

    /// How many changes of each kind, and how many of those are breaking.
    pub fn counts(&self) -> BTreeMap<ChangeKind, (usize, usize)> {
        let mut counts = BTreeMap::new();
        for change in &self.changes {
            let entry = counts.entry(change.kind).or_insert((0, 0));
            entry.0 += 1;
            entry.1 += usize::from(change.breaking);
        }
        counts
    }

    /// The report for people: a summary, then one line per change.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{} -> {}: {} changes, {} breaking\n",
            self.old_version,
            self.new_version,
            self.changes.len(),
            self.breaking()
        );
        for (kind, (count, breaking)) in self.counts() {
            let _ = writeln!(
                out,
                "  {:<28} {count:>5}  ({breaking} breaking)",
                kind.label()
            );
        }
        out.push('\n');
        for change in &self.changes {
            let mark = if change.breaking {
                "BREAKING"
            } else {
                "        "
            };
            let _ = writeln!(
                out,
                "{mark} {:<28} {}  {}",
                change.kind.label(),
                change.item,
                change.detail
            );
        }
        out
    }
}

/// Compares two models.
pub fn diff(old: &Model, new: &Model) -> Report {
    let mut changes = Vec::new();
    let old_side = Side::new(old);
    let new_side = Side::new(new);
    diff_types(&old_side, &new_side, &mut changes);
    diff_operations(&old_side, &new_side, &mut changes);
    changes.sort_by(|a, b| (a.kind, &a.item).cmp(&(b.kind, &b.item)));
    Report {
        old_version: old.api.info.version.clone(),
        new_version: new.api.info.version.clone(),
        changes,
    }
}

/// One model, indexed for comparison.
struct Side<'a> {
    api: &'a Api,
    names: &'a Names,
    /// Types by Rust name.
    types: BTreeMap<&'a str, TypeId>,
    /// Types users build to send: reached from request bodies and parameters.
    sent: Vec<bool>,
    /// How types are named from the report's point of view: bare.
    types_path: proc_macro2::TokenStream,
}

impl<'a> Side<'a> {
    fn new(model: &'a Model) -> Self {
        let api = &model.api;
        let types = model
            .names
            .types
            .iter()
            .enumerate()
            .map(|(index, name)| (name.as_str(), TypeId(index)))
            .collect();
        // The request side only: strip responses before computing reach.
        let requests: Vec<Operation> = api
            .operations
            .iter()
            .map(|op| Operation {
                responses: Vec::new(),
                ..op.clone()
            })
            .collect();
        Self {
            api,
            names: &model.names,
            types,
            sent: reachable(api, &requests),
            types_path: proc_macro2::TokenStream::new(),
        }
    }

    /// Types as the emitter writes them (see [`format::type_text`]).
    fn writer(&self) -> TypeWriter<'_> {
        TypeWriter::new(self.names, &self.types_path)
    }

    fn shape(&self, shape: &Shape) -> String {
        format::type_text(self.writer().shape(shape))
    }

    /// A field's type; `form` for the fields of a multipart body.
    fn field_type(&self, field: &Field, form: bool) -> String {
        format::type_text(self.writer().field(field, form).0)
    }

    /// A request body's type, and how it is encoded when that is not JSON.
    fn body(&self, content: &Content) -> String {
        let ty = format::type_text(self.writer().body(content));
        match content {
            Content::Multipart(_) => format!("{ty} (multipart)"),
            Content::Form(_) => format!("{ty} (form)"),
            _ => ty,
        }
    }

    fn success(&self, index: usize) -> String {
        let operation = &self.api.operations[index];
        let response_enum = self.names.operations[index].response_enum.as_deref();
        format::type_text(self.writer().returns(operation.returns(), response_enum))
    }

    fn method_path(&self, index: usize) -> String {
        let op = &self.names.operations[index];
        format!(
            "client.{}().{}",
            self.names.tags[op.tag].accessor, op.method
        )
    }
}

fn diff_types(old: &Side<'_>, new: &Side<'_>, changes: &mut Vec<Change>) {
    for (name, id) in &old.types {
        if !new.types.contains_key(name) {
            changes.push(Change {
                kind: ChangeKind::TypeRemoved,
                breaking: true,
                item: format!("types::{name}"),
                detail: kind_word(&old.api.ty(*id).kind).into(),
            });
        }
    }
    for (name, new_id) in &new.types {
        let Some(old_id) = old.types.get(name) else {
            changes.push(Change {
                kind: ChangeKind::TypeAdded,
                breaking: false,
                item: format!("types::{name}"),
                detail: kind_word(&new.api.ty(*new_id).kind).into(),
            });
            continue;
        };
        let item = format!("types::{name}");
        match (&old.api.ty(*old_id).kind, &new.api.ty(*new_id).kind) {
            (TypeKind::Struct(a), TypeKind::Struct(b)) => {
                diff_struct(old, new, (*old_id, a), (*new_id, b), &item, changes);
            }
            (TypeKind::Enum(a), TypeKind::Enum(b)) => {
                let before: BTreeSet<&str> = a.variants.iter().map(|v| v.value.as_str()).collect();
                let after: BTreeSet<&str> = b.variants.iter().map(|v| v.value.as_str()).collect();
                for value in before.difference(&after) {
                    changes.push(Change {
                        kind: ChangeKind::EnumValueRemoved,
                        breaking: true,
                        item: item.clone(),
                        detail: format!("{value:?}"),
                    });
                }
                for value in after.difference(&before) {
                    changes.push(Change {
                        kind: ChangeKind::EnumValueAdded,
                        breaking: false,
                        item: item.clone(),
                        detail: format!("{value:?}"),
                    });
                }
            }
            (TypeKind::Union(a), TypeKind::Union(b)) => {
                let key = |side: &Side<'_>, variant: &crate::ir::UnionVariant| {
                    variant
                        .tag
                        .clone()
                        .unwrap_or_else(|| side.shape(&variant.shape))
                };
                let before: BTreeSet<String> = a.variants.iter().map(|v| key(old, v)).collect();
                let after: BTreeSet<String> = b.variants.iter().map(|v| key(new, v)).collect();
                for variant in before.difference(&after) {
                    changes.push(Change {
                        kind: ChangeKind::VariantRemoved,
                        breaking: true,
                        item: item.clone(),
                        detail: variant.clone(),
                    });
                }
                for variant in after.difference(&before) {
                    changes.push(Change {
                        kind: ChangeKind::VariantAdded,
                        breaking: false,
                        item: item.clone(),
                        detail: variant.clone(),
                    });
                }
            }
            (TypeKind::Alias(a), TypeKind::Alias(b)) => {
                let (a, b) = (old.shape(a), new.shape(b));
                if a != b {
                    changes.push(Change {
                        kind: ChangeKind::TypeChanged,
                        breaking: true,
                        item,
                        detail: format!("alias of {a} -> alias of {b}"),
                    });
                }
            }
            (a, b) => changes.push(Change {
                kind: ChangeKind::TypeChanged,
                breaking: true,
                item,
                detail: format!("{} -> {}", kind_word(a), kind_word(b)),
            }),
        }
    }
}

fn diff_struct(
    old: &Side<'_>,
    new: &Side<'_>,
    (old_id, a): (TypeId, &Struct),
    (new_id, b): (TypeId, &Struct),
    item: &str,
    changes: &mut Vec<Change>,
) {
    for field in &a.fields {
        if !b.fields.iter().any(|f| f.wire_name == field.wire_name) {
            changes.push(Change {
                kind: ChangeKind::FieldRemoved,
                breaking: true,
                item: format!("{item}::{}", field_name(old, old_id, a, field)),
                detail: old.field_type(field, a.has_binary()),
            });
        }
    }
    // Users build the types they send; the others only come back.
    let built = new.sent[new_id.0] || old.sent[old_id.0];
    for field in &b.fields {
        let path = format!("{item}::{}", field_name(new, new_id, b, field));
        let Some(before) = a.fields.iter().find(|f| f.wire_name == field.wire_name) else {
            let breaking = built
                && (field.presence == Presence::Required || !a.has_default() || !b.has_default());
            changes.push(Change {
                kind: ChangeKind::FieldAdded,
                breaking,
                item: path,
                detail: new.field_type(field, b.has_binary()),
            });
            continue;
        };
        let (from, to) = (
            old.field_type(before, a.has_binary()),
            new.field_type(field, b.has_binary()),
        );
        if from == to {
            continue;
        }
        let kind = if before.presence != field.presence {
            ChangeKind::FieldPresenceChanged
        } else if before.nullable != field.nullable {
            ChangeKind::FieldNullabilityChanged
        } else {
            ChangeKind::FieldRetyped
        };
        changes.push(Change {
            kind,
            breaking: true,
            item: path,
            detail: format!("{from} -> {to}"),
        });
    }
    let alternatives = |side: &Side<'_>, s: &Struct| {
        s.alternatives
            .as_ref()
            .map(|alternatives| side.shape(&alternatives.shape))
    };
    let (from, to) = (alternatives(old, a), alternatives(new, b));
    let path = |side: &Side<'_>, id: TypeId| {
        let name = side.names.alternatives[id.0]
            .as_ref()
            .map_or("variant", |name| name.name());
        format!("{item}::{name}")
    };
    let change = match (from, to) {
        (Some(from), None) => Some((ChangeKind::FieldRemoved, path(old, old_id), from)),
        (None, Some(to)) => Some((ChangeKind::FieldAdded, path(new, new_id), to)),
        (Some(from), Some(to)) if from != to => Some((
            ChangeKind::FieldRetyped,
            path(new, new_id),
            format!("{from} -> {to}"),
        )),
        _ => None,
    };
    if let Some((kind, item, detail)) = change {
        changes.push(Change {
            kind,
            breaking: true,
            item,
            detail,
        });
    }
}

fn field_name(side: &Side<'_>, id: TypeId, s: &Struct, field: &Field) -> String {
    s.fields
        .iter()
        .position(|f| f.wire_name == field.wire_name)
        .and_then(|index| side.names.fields[id.0].get(index))
        .map_or_else(|| field.wire_name.clone(), ToString::to_string)
}

fn diff_operations(old: &Side<'_>, new: &Side<'_>, changes: &mut Vec<Change>) {
    let index = |side: &Side<'_>| -> BTreeMap<String, usize> {
        side.api
            .operations
            .iter()
            .enumerate()
            .map(|(i, op)| (op.id.clone(), i))
            .collect()
    };
    let (before, after) = (index(old), index(new));
    for (id, &i) in &before {
        if !after.contains_key(id) {
            let op = &old.api.operations[i];
            changes.push(Change {
                kind: ChangeKind::OperationRemoved,
                breaking: true,
                item: old.method_path(i),
                detail: format!("{} {} ({id})", op.method.as_str(), op.path),
            });
        }
    }
    for (id, &j) in &after {
        let op = &new.api.operations[j];
        let Some(&i) = before.get(id) else {
            changes.push(Change {
                kind: ChangeKind::OperationAdded,
                breaking: false,
                item: new.method_path(j),
                detail: format!("{} {} ({id})", op.method.as_str(), op.path),
            });
            continue;
        };
        let item = new.method_path(j);
        let previous = old.method_path(i);
        if previous != item {
            changes.push(Change {
                kind: ChangeKind::OperationRenamed,
                breaking: true,
                item: item.clone(),
                detail: format!("was {previous}"),
            });
        }
        diff_operation(
            old,
            new,
            (i, &old.api.operations[i]),
            (j, op),
            &item,
            changes,
        );
    }
}

fn diff_operation(
    old: &Side<'_>,
    new: &Side<'_>,
    (i, a): (usize, &Operation),
    (j, b): (usize, &Operation),
    item: &str,
    changes: &mut Vec<Change>,
) {
    let key = |p: &crate::ir::Parameter| (location_word(p.location), p.wire_name.clone());
    let had_params_struct = old.names.operations[i].params_struct.is_some();
    let params_default = |op: &Operation| {
        op.parameters
            .iter()
            .filter(|p| p.location != ParamLocation::Path)
            .all(|p| !p.required)
    };
    for parameter in &a.parameters {
        if !b.parameters.iter().any(|p| key(p) == key(parameter)) {
            changes.push(Change {
                kind: ChangeKind::ParameterRemoved,
                breaking: true,
                item: item.to_string(),
                detail: format!(
                    "{} parameter `{}`",
                    location_word(parameter.location),
                    parameter.wire_name
                ),
            });
        }
    }
    for parameter in &b.parameters {
        let described = format!(
            "{} parameter `{}`",
            location_word(parameter.location),
            parameter.wire_name
        );
        match a.parameters.iter().find(|p| key(p) == key(parameter)) {
            None => {
                let breaking = parameter.location == ParamLocation::Path
                    || parameter.required
                    || !had_params_struct
                    || !params_default(a);
                changes.push(Change {
                    kind: ChangeKind::ParameterAdded,
                    breaking,
                    item: item.to_string(),
                    detail: format!("{described}: {}", new.shape(&parameter.shape)),
                });
            }
            Some(before) => {
                let from = (old.shape(&before.shape), before.required);
                let to = (new.shape(&parameter.shape), parameter.required);
                if from != to {
                    let word = |required: bool| if required { "required" } else { "optional" };
                    changes.push(Change {
                        kind: ChangeKind::ParameterChanged,
                        breaking: true,
                        item: item.to_string(),
                        detail: format!(
                            "{described}: {} {} -> {} {}",
                            word(from.1),
                            from.0,
                            word(to.1),
                            to.0
                        ),
                    });
                }
            }
        }
    }
    let body = |side: &Side<'_>, op: &Operation| {
        op.body
            .as_ref()
            .map_or_else(|| "none".to_string(), |body| side.body(&body.content))
    };
    let (from, to) = (body(old, a), body(new, b));
    if from != to {
        changes.push(Change {
            kind: ChangeKind::BodyChanged,
            breaking: true,
            item: item.to_string(),
            detail: format!("{from} -> {to}"),
        });
    }
    let (from, to) = (old.success(i), new.success(j));
    if from != to {
        changes.push(Change {
            kind: ChangeKind::ResponseChanged,
            breaking: true,
            item: item.to_string(),
            detail: format!("{from} -> {to}"),
        });
    }
}

fn location_word(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn kind_word(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "enum",
        TypeKind::Union(_) => "union",
        TypeKind::Alias(_) => "alias",
    }
}
