use serde::de::{DeserializeOwned, Deserializer};
use serde::ser::{Error as _, Serialize, Serializer};
use serde::Deserialize;
use serde_json::{Map, Value};

/// Reads an object and the string under its discriminator `key` (empty
/// when the object has no string there: no member claims it, so it is kept
/// whole as an unknown one).
///
/// The object is kept whole (the tag included) so the member type sees the
/// same properties the server sent.
pub fn split_tag<'de, D: Deserializer<'de>>(
    deserializer: D,
    key: &'static str,
) -> Result<(String, Map<String, Value>), D::Error> {
    let object = Map::<String, Value>::deserialize(deserializer)?;
    let tag = match object.get(key) {
        Some(Value::String(tag)) => tag.clone(),
        _ => String::new(),
    };
    Ok((tag, object))
}

/// Decodes the member a tag selected.
pub fn member<T: DeserializeOwned, E: serde::de::Error>(object: Map<String, Value>) -> Result<T, E> {
    T::deserialize(Value::Object(object)).map_err(E::custom)
}

/// Writes a member with the tag as its discriminator; a discriminator
/// property the member carries itself is replaced, so the tag appears once.
pub fn serialize_tagged<S: Serializer, T: Serialize>(
    serializer: S,
    key: &str,
    tag: &str,
    value: &T,
) -> Result<S::Ok, S::Error> {
    let mut object = match serde_json::to_value(value).map_err(S::Error::custom)? {
        Value::Object(object) => object,
        other => {
            return Err(S::Error::custom(format_args!(
                "a tagged union member must be an object, found {other}"
            )))
        }
    };
    object.insert(key.to_string(), Value::String(tag.to_string()));
    object.serialize(serializer)
}

/// The discriminator of an object kept whole, or `""` if it has none.
pub fn tag_of<'a>(object: &'a Map<String, Value>, key: &str) -> &'a str {
    object.get(key).and_then(Value::as_str).unwrap_or_default()
}
