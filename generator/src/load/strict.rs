//! Refuses, while the document is parsed, what `openapiv3` cannot parse
//! twice the same way: duplicate keys and non-finite numbers.
//!
//! `openapiv3`'s `ReferenceOr` parses a node from a buffered copy and, when
//! that fails, parses it again through `serde_json::Value` for a better
//! message, `expect`ing the second parse to fail too. It panics where the
//! two copies differ:
//! - a duplicate key: a struct sees both, while `Value` keeps the last one;
//! - `.nan` or `.inf` in YAML: a number in the buffer, null in `Value`;
//! - key order: `Value` sorts keys unless `serde_json`'s `preserve_order`
//!   is on, and a flattened choice such as `schema`/`content` takes the
//!   first key it meets (the generator turns that feature on).
//!
//! All three were found by fuzzing (`fuzz/`); the regression tests are in
//! `generator/tests/hostile.rs`. JSON and YAML both require unique keys,
//! and JSON, OpenAPI's data model, has no non-finite numbers, so refusing
//! either loses nothing a valid schema can say.
//!
//! [`Strict`] wraps any deserializer and checks every mapping and number in
//! the one pass that builds the document, borrowing keys from the input
//! where the parser allows, so the check costs no second parse.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A deserializer whose mappings reject a key they have already seen and
/// whose numbers must be finite. When it reads a mapping key (`key` is
/// set), it also records the key's text for its mapping.
pub(super) struct Strict<'a, 'de, D> {
    inner: D,
    key: Option<&'a mut Slot<'de>>,
}

impl<D> Strict<'_, '_, D> {
    /// Wraps `inner`.
    pub(super) fn new(inner: D) -> Self {
        Self { inner, key: None }
    }
}

/// The key a mapping is reading, recorded by [`Keyed`] for its mapping.
type Slot<'de> = Option<Cow<'de, str>>;

macro_rules! forward {
    ($($method:ident$(($($arg:ident: $ty:ty),*))?),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($($arg: $ty,)*)? visitor: V) -> Result<V::Value, Self::Error> {
                self.inner.$method($($($arg,)*)? Watch { inner: visitor, key: self.key })
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Strict<'_, 'de, D> {
    type Error = D::Error;

    forward!(
        deserialize_any, deserialize_bool, deserialize_i8, deserialize_i16, deserialize_i32,
        deserialize_i64, deserialize_i128, deserialize_u8, deserialize_u16, deserialize_u32,
        deserialize_u64, deserialize_u128, deserialize_f32, deserialize_f64, deserialize_char,
        deserialize_str, deserialize_string, deserialize_bytes, deserialize_byte_buf,
        deserialize_option, deserialize_unit, deserialize_seq, deserialize_map,
        deserialize_identifier, deserialize_ignored_any,
        deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str),
        deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_struct(name: &'static str, fields: &'static [&'static str]),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
    );

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// Wraps a visitor: what it visits inside is wrapped again, and when it
/// reads a mapping key, the key is recorded in `key`.
struct Watch<'a, 'de, V> {
    inner: V,
    key: Option<&'a mut Slot<'de>>,
}

impl<V> Watch<'_, '_, V> {
    fn record(&mut self, key: impl fmt::Display) {
        if let Some(slot) = self.key.as_deref_mut() {
            *slot = Some(Cow::Owned(key.to_string()));
        }
    }
}

macro_rules! record_and_forward {
    ($($method:ident: $ty:ty),* $(,)?) => {
        $(
            fn $method<E: de::Error>(mut self, value: $ty) -> Result<Self::Value, E> {
                self.record(value);
                self.inner.$method(value)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Watch<'_, 'de, V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        self.inner.expecting(formatter)
    }

    record_and_forward!(
        visit_bool: bool, visit_i8: i8, visit_i16: i16, visit_i32: i32, visit_i64: i64,
        visit_i128: i128, visit_u8: u8, visit_u16: u16, visit_u32: u32, visit_u64: u64,
        visit_u128: u128, visit_char: char, visit_str: &str,
    );

    fn visit_f32<E: de::Error>(self, value: f32) -> Result<Self::Value, E> {
        self.visit_f64(value.into())
    }

    fn visit_f64<E: de::Error>(mut self, value: f64) -> Result<Self::Value, E> {
        if !value.is_finite() {
            return Err(E::custom(format_args!(
                "`{value}` is not a number JSON can hold; OpenAPI values must be finite"
            )));
        }
        self.record(value);
        self.inner.visit_f64(value)
    }

    fn visit_borrowed_str<E: de::Error>(mut self, value: &'de str) -> Result<Self::Value, E> {
        if let Some(slot) = self.key.as_deref_mut() {
            *slot = Some(Cow::Borrowed(value));
        }
        self.inner.visit_borrowed_str(value)
    }

    fn visit_string<E: de::Error>(mut self, value: String) -> Result<Self::Value, E> {
        self.record(&value);
        self.inner.visit_string(value)
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Self::Value, E> {
        self.inner.visit_bytes(value)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, value: &'de [u8]) -> Result<Self::Value, E> {
        self.inner.visit_borrowed_bytes(value)
    }

    fn visit_byte_buf<E: de::Error>(self, value: Vec<u8>) -> Result<Self::Value, E> {
        self.inner.visit_byte_buf(value)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_some(Strict::new(inner))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_newtype_struct(Strict::new(inner))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_seq(Elements(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_map(Entries {
            inner: map,
            seen: Seen::default(),
        })
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        // Neither parser produces enum access for plain JSON or YAML data;
        // tagged YAML values pass through unchecked.
        self.inner.visit_enum(data)
    }
}

/// A seed whose input is wrapped in [`Strict`].
struct Wrapped<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Wrapped<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, input: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Strict::new(input))
    }
}

struct Elements<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Elements<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Wrapped(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// The keys of one mapping so far: a list while short (most mappings have
/// a handful of keys), a set once long (`paths`, `components/schemas`).
#[derive(Default)]
struct Seen<'de> {
    few: Vec<Cow<'de, str>>,
    many: HashSet<Cow<'de, str>>,
}

impl<'de> Seen<'de> {
    const FEW: usize = 16;

    /// Adds `key`; `false` if it was already there.
    fn insert(&mut self, key: Cow<'de, str>) -> bool {
        if !self.many.is_empty() {
            return self.many.insert(key);
        }
        if self.few.contains(&key) {
            return false;
        }
        self.few.push(key);
        if self.few.len() > Self::FEW {
            self.many.extend(self.few.drain(..));
        }
        true
    }
}

struct Entries<'de, A> {
    inner: A,
    seen: Seen<'de>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Entries<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let mut slot: Slot<'de> = None;
        let key = self.inner.next_key_seed(Keyed {
            inner: seed,
            slot: &mut slot,
        })?;
        if let Some(name) = slot {
            if !self.seen.insert(name.clone()) {
                return Err(de::Error::custom(format_args!(
                    "duplicate key `{name}`: a mapping may name each key once"
                )));
            }
        }
        Ok(key)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.inner.next_value_seed(Wrapped(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A key seed that records the key it reads.
struct Keyed<'a, 'de, S> {
    inner: S,
    slot: &'a mut Slot<'de>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Keyed<'_, 'de, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, input: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(Strict {
            inner: input,
            key: Some(self.slot),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Strict;
    use serde::Deserialize;

    fn json<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, String> {
        let mut de = serde_json::Deserializer::from_str(text);
        T::deserialize(Strict::new(&mut de)).map_err(|e| e.to_string())
    }

    fn yaml<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, String> {
        T::deserialize(Strict::new(yaml_serde::Deserializer::from_str(text)))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn unique_keys_pass_through_unchanged() {
        let text = r#"{"a": 1, "b": {"c": [1, {"d": null}], "a": "x"}}"#;
        let value: serde_json::Value = json(text).expect("valid");
        assert_eq!(
            value,
            serde_json::from_str::<serde_json::Value>(text).expect("valid")
        );
        let from_yaml: serde_json::Value =
            yaml("a: 1\nb: {c: [1, {d: null}], a: x}\n").expect("valid");
        assert_eq!(from_yaml, value);
    }

    #[test]
    fn duplicates_are_refused_at_any_depth_and_size() {
        let error = json::<serde_json::Value>(r#"{"a": [{"in": "path", "in": "query"}]}"#)
            .expect_err("duplicate");
        assert!(error.contains("duplicate key `in`"), "{error}");
        let error =
            yaml::<serde_json::Value>("a:\n  - {in: path, in: query}\n").expect_err("duplicate");
        assert!(error.contains("duplicate key `in`"), "{error}");
        // Past the short list, into the set.
        let mut long: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        long.push("\"k3\": 0".into());
        let error =
            json::<serde_json::Value>(&format!("{{{}}}", long.join(", "))).expect_err("duplicate");
        assert!(error.contains("duplicate key `k3`"), "{error}");
        // Keys that are not strings are compared by their text.
        let error = yaml::<serde_json::Value>("1: a\n1: b\n").expect_err("duplicate");
        assert!(error.contains("duplicate key `1`"), "{error}");
    }

    #[test]
    fn the_same_key_in_sibling_mappings_is_fine() {
        let value: serde_json::Value =
            json(r#"[{"a": 1}, {"a": 2}, {"b": {"a": 3}}]"#).expect("valid");
        assert_eq!(value[1]["a"], 2);
    }

    #[test]
    fn numbers_must_be_finite() {
        for text in ["a: .nan\n", "a: [1, .inf]\n", "a: {b: -.inf}\n"] {
            let error = yaml::<serde_json::Value>(text).expect_err(text);
            assert!(
                error.contains("OpenAPI values must be finite"),
                "{text}: {error}"
            );
        }
        let value: serde_json::Value = yaml("a: [1.5, -2e10, 0.0]\n").expect("finite");
        assert_eq!(value["a"][1], -2e10);
    }
}
