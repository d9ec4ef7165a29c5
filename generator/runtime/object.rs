use std::fmt;

use serde::de::{Deserialize, DeserializeSeed, Deserializer, Error, IgnoredAny, MapAccess, Visitor};

/// The key of an object property, decoded to the index of the struct field
/// it names among the struct's wire names, or `None` for a property the
/// struct does not have.
///
/// Every struct's `Deserialize` looks its keys up through this one
/// non-generic visitor. serde's derive writes a field enum and its visitor
/// for each struct instead, which is most of what rustc spends on a client
/// of a thousand types.
#[derive(Debug, Clone, Copy)]
pub struct FieldIndex(pub &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldIndex {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldIndex {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|name| *name == key))
    }

    fn visit_bytes<E: Error>(self, key: &[u8]) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|name| name.as_bytes() == key))
    }
}

/// An object being decoded into a struct: its keys, looked up among the
/// struct's wire names, and their values.
#[derive(Debug)]
pub struct Properties<A> {
    map: A,
    names: &'static [&'static str],
}

impl<'de, A: MapAccess<'de>> Properties<A> {
    /// The properties of `map`, for a struct with these wire names.
    pub fn new(map: A, names: &'static [&'static str]) -> Self {
        Self { map, names }
    }

    /// The index of the next property's field (`Some(None)` for a property
    /// the struct does not have), or `None` after the last.
    pub fn next_field(&mut self) -> Result<Option<Option<usize>>, A::Error> {
        self.map.next_key_seed(FieldIndex(self.names))
    }

    /// Reads the value of the property `name` into its field's slot. A
    /// property that appears twice is an error, as it is with serde's
    /// derive.
    pub fn read<T: Deserialize<'de>>(
        &mut self,
        slot: &mut Option<T>,
        name: &'static str,
    ) -> Result<(), A::Error> {
        if slot.is_some() {
            return Err(A::Error::duplicate_field(name));
        }
        *slot = Some(self.map.next_value()?);
        Ok(())
    }

    /// Skips the value of a property the struct does not have: a newer
    /// server may send properties this client does not know.
    pub fn skip(&mut self) -> Result<(), A::Error> {
        self.map.next_value::<IgnoredAny>().map(|_| ())
    }
}

/// The value of the required property `name`, or the error that it is
/// missing.
pub fn required<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_find_their_field_and_unknown_keys_none() {
        let fields = FieldIndex(&["pk", "name"]);
        let key = |json: &str| fields.deserialize(&mut serde_json::Deserializer::from_str(json));
        assert_eq!(key(r#""name""#).unwrap(), Some(1));
        assert_eq!(key(r#""n\u0061me""#).unwrap(), Some(1), "escaped keys are compared decoded");
        assert_eq!(key(r#""other""#).unwrap(), None);
    }

    #[test]
    fn a_missing_required_property_is_named() {
        let error = required::<u8, serde_json::Error>(None, "pk").unwrap_err();
        assert_eq!(error.to_string(), "missing field `pk`");
        assert_eq!(required::<u8, serde_json::Error>(Some(7), "pk").unwrap(), 7);
    }
}
