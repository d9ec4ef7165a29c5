//! Whether a response decodes as the generated client decodes it, and
//! where it does not.
//!
//! The verdict follows the generated code rule by rule, so that it agrees
//! with the client exactly (the live suite replays the same responses to
//! both and compares):
//!
//! - a required, non-nullable field is `T`: it must be present, and `null`
//!   only fits where `T` is any JSON value; every other field is an
//!   `Option` or `Nullable`, which takes `null` and absence alike (serde
//!   reads a missing `Option` as `None`);
//! - properties the type does not name are ignored, or decoded as its
//!   additional properties where it has them;
//! - a struct without additional properties also decodes from an array of
//!   its fields in order (serde's sequence form);
//! - string enums take any string (an unknown one is kept);
//! - a tagged union needs an object; a known tag decodes its member, any
//!   other tag is kept; an untagged union takes the first member that fits;
//! - integers must be integers in range (`1.0` is not an `i64`), numbers
//!   take any number, and `uuid`, `date-time` and `date` strings must parse
//!   with the same `uuid` and `chrono` parsers the client uses.
//!
//! One rule is out of reach of a parsed [`Value`]: an object that repeats a
//! key, which serde rejects for a struct's named field and JSON parsers keep
//! the last of. Servers built on Django's JSON renderer never send one.
//!
//! Where a property's value does not fit, the [`Mismatch`] names the
//! property and, where the override language can say it, the correction.

use serde_json::Value;

use crate::ir::{
    Api, Content, Field, Item, Operation, Presence, Scalar, Shape, Status, TypeId, TypeKind,
};
use crate::overrides::ScalarType;

/// One place a response does not fit what the client decodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Where in the body, written as the client's decode errors write it:
    /// `results[0].group_obj`, or `.` for the whole body.
    pub path: String,
    /// What the schema says is there.
    pub expected: String,
    /// What arrived.
    pub found: String,
    /// The correction that makes it fit, where an override can say it.
    pub fix: Option<Fix>,
}

/// A correction to one property of a component schema.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fix {
    /// The component schema.
    pub schema: String,
    /// The property, by its wire name.
    pub property: String,
    /// What changes.
    pub change: Change,
}

/// What a [`Fix`] changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// `nullable: true`: the server sends `null`.
    Nullable,
    /// `required: false`: the server leaves it out.
    Optional,
    /// `type: ...`: the server sends another scalar type.
    Type(ScalarType),
}

/// What the client makes of one response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// It decodes.
    Decodes,
    /// A success (2xx) status whose body does not decode.
    Mismatches(Vec<Mismatch>),
    /// A status the client reports as an error response, not a decode.
    Refused(u16),
}

/// The verdict on `body`, answered with `status` to `op`.
pub fn response(api: &Api, op: &Operation, status: u16, body: &[u8]) -> Verdict {
    // The client reads any 2xx as the declared success response.
    if !(200..300).contains(&status) {
        return Verdict::Refused(status);
    }
    let Some(success) = op.success_for(status) else {
        return Verdict::Decodes;
    };
    let shape = match &success.content {
        Content::Json(shape) => shape,
        Content::Text => {
            return match std::str::from_utf8(body) {
                Ok(_) => Verdict::Decodes,
                Err(e) => Verdict::Mismatches(vec![Mismatch {
                    path: ".".into(),
                    expected: "UTF-8 text".into(),
                    found: format!("bytes that are not UTF-8 ({e})"),
                    fix: None,
                }]),
            }
        }
        Content::Binary | Content::Empty | Content::Multipart(_) | Content::Form(_) => {
            return Verdict::Decodes
        }
    };
    if success.status == Status::Code(204) && body.iter().all(u8::is_ascii_whitespace) {
        return Verdict::Decodes;
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            return Verdict::Mismatches(vec![Mismatch {
                path: ".".into(),
                expected: "a JSON body".into(),
                found: format!("a body that is not JSON ({e})"),
                fix: None,
            }])
        }
    };
    let mismatches = value_mismatches(api, shape, &value);
    if mismatches.is_empty() {
        Verdict::Decodes
    } else {
        Verdict::Mismatches(mismatches)
    }
}

/// Every place `value` does not fit `shape`; empty when it decodes.
pub fn value_mismatches(api: &Api, shape: &Shape, value: &Value) -> Vec<Mismatch> {
    let mut decoder = Decoder {
        api,
        quiet: 0,
        found: Vec::new(),
    };
    decoder.shape(shape, value, &mut Vec::new());
    decoder.found
}

/// One step of a path into a body.
#[derive(Clone)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn render(path: &[Step<'_>]) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

struct Decoder<'a> {
    api: &'a Api,
    /// Above zero while trying the members of an untagged union, whose
    /// failures are not the response's.
    quiet: usize,
    found: Vec<Mismatch>,
}

impl<'a> Decoder<'a> {
    /// Records a mismatch, unless trying the members of an untagged union.
    fn report(&mut self, path: &[Step<'_>], expected: String, found: String, fix: Option<Fix>) {
        if self.quiet == 0 {
            self.found.push(Mismatch {
                path: render(path),
                expected,
                found,
                fix,
            });
        }
    }

    /// Reports that `value` is no `shape`, with no correction; always false.
    fn misfit(&mut self, path: &[Step<'_>], shape: &Shape, value: &Value) -> bool {
        self.report(path, describe(self.api, shape), sample(value), None);
        false
    }

    /// Whether `value` decodes as `shape`, reporting where it does not.
    fn shape(&mut self, shape: &Shape, value: &'a Value, path: &mut Vec<Step<'a>>) -> bool {
        match shape {
            Shape::Any => true,
            Shape::Scalar(scalar) => scalar_fits(*scalar, value) || self.misfit(path, shape, value),
            Shape::List(item) => match value {
                Value::Array(elements) => {
                    let mut fits = true;
                    for (index, element) in elements.iter().enumerate() {
                        path.push(Step::Index(index));
                        fits &= self.item(item, element, path);
                        path.pop();
                    }
                    fits
                }
                _ => self.misfit(path, shape, value),
            },
            Shape::Map(item) => match value {
                Value::Object(entries) => {
                    let mut fits = true;
                    for (key, entry) in entries {
                        path.push(Step::Key(key));
                        fits &= self.item(item, entry, path);
                        path.pop();
                    }
                    fits
                }
                _ => self.misfit(path, shape, value),
            },
            Shape::Named(id) => self.named(*id, value, path),
        }
    }

    fn item(&mut self, item: &Item, value: &'a Value, path: &mut Vec<Step<'a>>) -> bool {
        (item.nullable && value.is_null()) || self.shape(&item.shape, value, path)
    }

    fn named(&mut self, id: TypeId, value: &'a Value, path: &mut Vec<Step<'a>>) -> bool {
        let named = Shape::Named(id);
        match &self.api.ty(id).kind {
            TypeKind::Alias(inner) => self.shape(inner, value, path),
            TypeKind::Enum(e) if e.integer => value.is_i64() || self.misfit(path, &named, value),
            TypeKind::Enum(_) => value.is_string() || self.misfit(path, &named, value),
            TypeKind::Struct(object) => match value {
                Value::Object(entries) => {
                    let mut fits = true;
                    for field in &object.fields {
                        fits &= self.field(id, field, entries.get(&field.wire_name), path);
                    }
                    if let Some(additional) = &object.additional {
                        for (key, entry) in entries {
                            if object.fields.iter().all(|f| &f.wire_name != key) {
                                path.push(Step::Key(key));
                                fits &= self.item(additional, entry, path);
                                path.pop();
                            }
                        }
                    }
                    if let Some(alternatives) = &object.alternatives {
                        fits &= self.shape(&alternatives.shape, value, path);
                    }
                    fits
                }
                Value::Array(elements)
                    if object.additional.is_none() && object.alternatives.is_none() =>
                {
                    self.quiet += 1;
                    let fits = elements.len() <= object.fields.len()
                        && object.fields.iter().enumerate().all(|(i, field)| {
                            match elements.get(i) {
                                Some(element) => self.field_value(field, element, path),
                                None => field.presence == Presence::Optional,
                            }
                        });
                    self.quiet -= 1;
                    fits || self.misfit(path, &named, value)
                }
                _ => self.misfit(path, &named, value),
            },
            TypeKind::Union(union) => {
                if let Some(key) = &union.discriminator {
                    let Value::Object(entries) = value else {
                        return self.misfit(path, &named, value);
                    };
                    // As the generated code reads it: a missing or non-string
                    // tag is the empty one; the first member with the tag
                    // decodes, no member keeps the object whole.
                    let tag = entries.get(key).and_then(Value::as_str).unwrap_or_default();
                    return match union
                        .variants
                        .iter()
                        .find(|v| v.tag.as_deref().unwrap_or_default() == tag)
                    {
                        Some(member) => self.shape(&member.shape, value, path),
                        None => true,
                    };
                }
                self.quiet += 1;
                let fits = union
                    .variants
                    .iter()
                    .any(|member| self.shape(&member.shape, value, path));
                self.quiet -= 1;
                fits || self.misfit(path, &named, value)
            }
        }
    }

    /// One named field of an object: `value` is the field's value if the
    /// object has the key.
    fn field(
        &mut self,
        owner: TypeId,
        field: &'a Field,
        value: Option<&'a Value>,
        path: &mut Vec<Step<'a>>,
    ) -> bool {
        let bare = field.presence == Presence::Required && !field.nullable;
        let Some(value) = value else {
            if bare {
                let fix = self.fix(owner, field, Change::Optional);
                let expected = format!(
                    "required property `{}`: {}",
                    field.wire_name,
                    describe(self.api, &field.shape)
                );
                let found = format!("an object without `{}`", field.wire_name);
                self.report(path, expected, found, fix);
            }
            return !bare;
        };
        path.push(Step::Key(&field.wire_name));
        let fits = if value.is_null() && !self.takes_null(field) {
            let fix = self.fix(owner, field, Change::Nullable);
            let expected = format!("{}, not null", describe(self.api, &field.shape));
            self.report(path, expected, sample(value), fix);
            false
        } else if value.is_null() {
            true
        } else if let Shape::Scalar(scalar) = &field.shape {
            let fits = scalar_fits(*scalar, value);
            if !fits {
                let fix = arrived_type(value).and_then(|t| self.fix(owner, field, Change::Type(t)));
                self.report(path, describe(self.api, &field.shape), sample(value), fix);
            }
            fits
        } else {
            self.shape(&field.shape, value, path)
        };
        path.pop();
        fits
    }

    /// A field's value inside the sequence form of a struct (always quiet).
    fn field_value(&mut self, field: &Field, value: &'a Value, path: &mut Vec<Step<'a>>) -> bool {
        if value.is_null() {
            return self.takes_null(field);
        }
        self.shape(&field.shape, value, path)
    }

    /// Whether the field's Rust type takes `null`: every `Option` and
    /// `Nullable` does, and so does a bare JSON value.
    fn takes_null(&self, field: &Field) -> bool {
        field.nullable
            || field.presence == Presence::Optional
            || *self.api.unalias(&field.shape) == Shape::Any
    }

    /// The correction of `field` of `owner`, when `owner` is a component
    /// schema an override can name.
    fn fix(&self, owner: TypeId, field: &Field, change: Change) -> Option<Fix> {
        let schema = self.api.ty(owner).schema_name.clone()?;
        Some(Fix {
            schema,
            property: field.wire_name.clone(),
            change,
        })
    }
}

/// Whether a JSON value decodes as the scalar's Rust type.
fn scalar_fits(scalar: Scalar, value: &Value) -> bool {
    match scalar {
        Scalar::String => value.is_string(),
        Scalar::Boolean => value.is_boolean(),
        Scalar::Int64 => value.as_i64().is_some(),
        Scalar::Int32 => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        Scalar::Float | Scalar::Double => value.is_number(),
        Scalar::Uuid => value
            .as_str()
            .is_some_and(|s| s.parse::<uuid::Uuid>().is_ok()),
        Scalar::DateTime => value
            .as_str()
            .is_some_and(|s| s.parse::<chrono::DateTime<chrono::FixedOffset>>().is_ok()),
        Scalar::Date => value
            .as_str()
            .is_some_and(|s| s.parse::<chrono::NaiveDate>().is_ok()),
        // `Vec<u8>` reads a JSON array of bytes.
        Scalar::Binary => value.as_array().is_some_and(|bytes| {
            bytes
                .iter()
                .all(|b| b.as_u64().is_some_and(|b| u8::try_from(b).is_ok()))
        }),
    }
}

/// The scalar type of what arrived, for a `type:` correction: an integer
/// where an `int32` overflows becomes a plain (64-bit) integer, one beyond
/// 64 bits a number.
fn arrived_type(value: &Value) -> Option<ScalarType> {
    match value {
        Value::Bool(_) => Some(ScalarType::Boolean),
        Value::String(_) => Some(ScalarType::String),
        Value::Number(n) if n.is_i64() => Some(ScalarType::Integer),
        Value::Number(_) => Some(ScalarType::Number),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// What the schema says a value of `shape` is, for a message.
pub fn describe(api: &Api, shape: &Shape) -> String {
    match shape {
        Shape::Any => "any value".into(),
        Shape::Scalar(scalar) => match scalar {
            Scalar::String => "string",
            Scalar::Boolean => "boolean",
            Scalar::Int32 => "integer (int32)",
            Scalar::Int64 => "integer",
            Scalar::Float => "number (float)",
            Scalar::Double => "number",
            Scalar::Uuid => "string (uuid)",
            Scalar::DateTime => "string (date-time)",
            Scalar::Date => "string (date)",
            Scalar::Binary => "binary (an array of bytes in JSON)",
        }
        .into(),
        Shape::List(item) => format!("array of {}", describe(api, &item.shape)),
        Shape::Map(item) => format!("object of {}", describe(api, &item.shape)),
        Shape::Named(id) => {
            let def = api.ty(*id);
            let name = def
                .schema_name
                .clone()
                .unwrap_or_else(|| def.pointer.clone());
            match &def.kind {
                TypeKind::Struct(_) => format!("object `{name}`"),
                TypeKind::Enum(e) if e.integer => format!("integer (enum `{name}`)"),
                TypeKind::Enum(_) => format!("string (enum `{name}`)"),
                TypeKind::Union(_) => format!("one of the alternatives of `{name}`"),
                TypeKind::Alias(inner) => describe(api, inner),
            }
        }
    }
}

/// A short rendering of what arrived.
fn sample(value: &Value) -> String {
    const LIMIT: usize = 60;
    match value {
        Value::Array(elements) => format!("an array of {} elements", elements.len()),
        Value::Object(entries) => format!("an object with {} properties", entries.len()),
        other => {
            let text = other.to_string();
            if text.chars().count() > LIMIT {
                let cut: String = text.chars().take(LIMIT).collect();
                format!("{cut}...")
            } else {
                text
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Generator;
    use serde::Deserialize;

    const SCHEMA: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x/:
    get:
      operationId: x
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Record"}
components:
  schemas:
    Record:
      type: object
      required: [id, count, small, at, maybe]
      properties:
        id: {type: string, format: uuid}
        count: {type: integer}
        small: {type: integer, format: int32}
        at: {type: string, format: date-time}
        maybe: {type: integer, nullable: true}
        later: {type: integer}
        kind: {$ref: "#/components/schemas/KindEnum"}
        level: {$ref: "#/components/schemas/LevelEnum"}
        tags: {type: array, items: {type: string}}
    KindEnum:
      type: string
      enum: [a, b]
    LevelEnum:
      type: integer
      enum: [1, 2]
    Shape:
      oneOf:
        - {$ref: "#/components/schemas/Circle"}
        - {$ref: "#/components/schemas/Square"}
      discriminator:
        propertyName: type
        mapping:
          circle: "#/components/schemas/Circle"
          square: "#/components/schemas/Square"
    Circle:
      type: object
      required: [type, radius]
      properties:
        type: {type: string}
        radius: {type: number}
    Square:
      type: object
      required: [type, side]
      properties:
        type: {type: string}
        side: {type: integer}
    NumberOrText:
      oneOf:
        - {type: integer}
        - {type: string}
"##;

    fn api() -> Api {
        let source = crate::load::Source::new("decode.yml", SCHEMA);
        Generator::from_source(source).model().unwrap().api
    }

    fn named(api: &Api, name: &str) -> Shape {
        let id = api
            .types
            .iter()
            .position(|t| t.schema_name.as_deref() == Some(name))
            .unwrap();
        Shape::Named(TypeId(id))
    }

    fn check(api: &Api, name: &str, json: &str) -> Vec<Mismatch> {
        value_mismatches(api, &named(api, name), &serde_json::from_str(json).unwrap())
    }

    const VALID: &str = r#"{"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "count": 1, "small": 2, "at": "2025-06-01T10:00:00.123456+02:00", "maybe": null}"#;

    /// The struct the emitter writes for `Record`, field for field, so the
    /// verdicts can be held against serde's own.
    #[allow(dead_code)]
    #[derive(Deserialize)]
    struct Record {
        id: uuid::Uuid,
        count: i64,
        small: i32,
        at: chrono::DateTime<chrono::Utc>,
        maybe: Option<i64>,
        #[serde(default)]
        later: Option<i64>,
        #[serde(default)]
        kind: Option<String>,
        #[serde(default)]
        tags: Option<Vec<String>>,
    }

    #[test]
    fn verdicts_agree_with_serde_on_the_emitted_struct() {
        let api = api();
        let cases = [
            VALID.to_string(),
            VALID.replace(r#""maybe": null"#, r#""maybe": 3"#),
            // Missing `Option` fields are `None`, required or not.
            VALID.replace(r#", "maybe": null"#, ""),
            VALID.replace(r#""maybe": null"#, r#""maybe": null, "later": null, "tags": null"#),
            VALID.replace(r#""maybe": null"#, r#""maybe": null, "tags": ["a", 1]"#),
            VALID.replace(r#""count": 1"#, r#""count": 1.0"#),
            VALID.replace(r#""count": 1"#, r#""count": null"#),
            VALID.replace(r#""count": 1, "#, ""),
            VALID.replace(r#""count": 1"#, r#""count": 18446744073709551615"#),
            VALID.replace(r#""small": 2"#, r#""small": 2147483648"#),
            VALID.replace("3fa85f64-5717-4562-b3fc-2c963f66afa6", "3fa85f6457174562b3fc2c963f66afa6"),
            VALID.replace("3fa85f64-5717-4562-b3fc-2c963f66afa6", "not-a-uuid"),
            VALID.replace("2025-06-01T10:00:00.123456+02:00", "2025-06-01 10:00:00Z"),
            VALID.replace("2025-06-01T10:00:00.123456+02:00", "2025-06-01"),
            VALID.replace(r#""at": "2025-06-01T10:00:00.123456+02:00""#, r#""at": 1717236000"#),
            // Unknown properties are ignored.
            VALID.replace(r#""maybe": null"#, r#""maybe": null, "extra": {"any": [1]}"#),
            // The sequence form, in field order.
            r#"["3fa85f64-5717-4562-b3fc-2c963f66afa6", 1, 2, "2025-06-01T10:00:00Z", null]"#.into(),
            r#"["3fa85f64-5717-4562-b3fc-2c963f66afa6", 1, 2, "2025-06-01T10:00:00Z"]"#.into(),
            r#"["3fa85f64-5717-4562-b3fc-2c963f66afa6", 1, 2, "2025-06-01T10:00:00Z", null, 1, "a", [], 9]"#.into(),
            "null".into(),
            "7".into(),
        ];
        for json in cases {
            let serde_says = serde_json::from_str::<Record>(&json).is_ok();
            let probe_says = check(&api, "Record", &json).is_empty();
            assert_eq!(probe_says, serde_says, "{json}");
        }
    }

    #[test]
    fn each_mismatch_names_its_place_and_correction() {
        let api = api();
        let json = VALID
            .replace(r#""count": 1"#, r#""count": 1796274418000.0"#)
            .replace(r#""small": 2"#, r#""small": 2147483648"#)
            .replace(r#", "maybe": null"#, "")
            .replace(
                r#""at": "2025-06-01T10:00:00.123456+02:00""#,
                r#""at": null"#,
            );
        let json = json.replace(r#""id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "#, "");
        let found: Vec<_> = check(&api, "Record", &json)
            .into_iter()
            .map(|m| (m.path, m.found, m.fix.map(|f| (f.property, f.change))))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    ".".into(),
                    "an object without `id`".into(),
                    Some(("id".into(), Change::Optional))
                ),
                (
                    "count".into(),
                    "1796274418000.0".into(),
                    Some(("count".into(), Change::Type(ScalarType::Number)))
                ),
                (
                    "small".into(),
                    "2147483648".into(),
                    Some(("small".into(), Change::Type(ScalarType::Integer)))
                ),
                (
                    "at".into(),
                    "null".into(),
                    Some(("at".into(), Change::Nullable))
                ),
            ]
        );
    }

    #[test]
    fn enums_take_any_string() {
        let api = api();
        let with_kind = |kind: &str| {
            VALID.replace(
                r#""maybe": null"#,
                &format!(r#""maybe": null, "kind": {kind}"#),
            )
        };
        assert!(check(
            &api,
            "Record",
            &with_kind(r#""a-value-from-a-newer-server""#)
        )
        .is_empty());
        let wrong = check(&api, "Record", &with_kind("3"));
        assert_eq!(wrong.len(), 1);
        assert_eq!(wrong[0].path, "kind");
        assert_eq!(wrong[0].expected, "string (enum `KindEnum`)");
        assert_eq!(wrong[0].fix, None);
    }

    #[test]
    fn integer_enums_take_any_integer() {
        let api = api();
        let with_level = |level: &str| {
            VALID.replace(
                r#""maybe": null"#,
                &format!(r#""maybe": null, "level": {level}"#),
            )
        };
        assert!(check(&api, "Record", &with_level("7")).is_empty());
        let wrong = check(&api, "Record", &with_level(r#""1""#));
        assert_eq!(wrong.len(), 1);
        assert_eq!(wrong[0].path, "level");
        assert_eq!(wrong[0].expected, "integer (enum `LevelEnum`)");
    }

    #[test]
    fn a_known_tag_decodes_its_member_and_an_unknown_one_is_kept() {
        let api = api();
        assert!(check(&api, "Shape", r#"{"type": "circle", "radius": 1.5}"#).is_empty());
        assert!(check(&api, "Shape", r#"{"type": "hexagon"}"#).is_empty());
        assert!(check(&api, "Shape", r#"{"kind": "none"}"#).is_empty());
        let wrong = check(&api, "Shape", r#"{"type": "square", "side": 1.5}"#);
        assert_eq!(wrong[0].path, "side");
        assert_eq!(
            wrong[0].fix.as_ref().map(|f| f.schema.as_str()),
            Some("Square")
        );
        assert_eq!(check(&api, "Shape", "[]").len(), 1);
    }

    #[test]
    fn an_untagged_union_takes_the_first_member_that_fits() {
        let api = api();
        assert!(check(&api, "NumberOrText", "1").is_empty());
        assert!(check(&api, "NumberOrText", r#""one""#).is_empty());
        let wrong = check(&api, "NumberOrText", "1.5");
        assert_eq!(
            wrong.len(),
            1,
            "one mismatch for the union, not one per member"
        );
        assert_eq!(
            wrong[0].expected,
            "one of the alternatives of `NumberOrText`"
        );
    }

    #[test]
    fn every_2xx_is_the_success_response() {
        let api = api();
        let op = &api.operations[0];
        assert_eq!(response(&api, op, 200, VALID.as_bytes()), Verdict::Decodes);
        assert_eq!(response(&api, op, 403, b"{}"), Verdict::Refused(403));
        // Any 2xx is read as the declared success response.
        assert_eq!(response(&api, op, 201, VALID.as_bytes()), Verdict::Decodes);
        assert!(matches!(
            response(&api, op, 200, b"<html>"),
            Verdict::Mismatches(_)
        ));
    }
}
