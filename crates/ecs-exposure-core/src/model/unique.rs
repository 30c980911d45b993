//! A JSON value read with every object's keys checked for duplicates.
//!
//! `serde_json::Value` keeps the last of two equal keys, so `{"privileged": true, …,
//! "privileged": false}` reads as unprivileged while a reviewer reads the first. Typed structs
//! already reject a field given twice; what is read as an untyped value (task definition
//! input, Terraform's `container_definitions` text, IAM policy documents) goes through
//! [`UniqueKeys`].

use serde::de::{Deserialize, Deserializer, Error, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A JSON value whose objects had no key twice.
pub(crate) struct UniqueKeys(pub Value);

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor).map(UniqueKeys)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Number::from_f64(n).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        UniqueKeys::deserialize(d).map(|u| u.0)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(UniqueKeys(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(A::Error::custom(format_args!("duplicate key `{key}`")));
            }
            let UniqueKeys(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_given_twice_is_an_error_with_its_position() {
        let json = "{\"containerDefinitions\": [{\"name\": \"a\",\n \"privileged\": true,\n \"privileged\": false}]}";
        let mut de = serde_json::Deserializer::from_str(json);
        let e = match serde_path_to_error::deserialize::<_, UniqueKeys>(&mut de) {
            Err(e) => e,
            Ok(_) => panic!("duplicate accepted"),
        };
        // The path is the object; the message names the key.
        assert_eq!(e.path().to_string(), "containerDefinitions[0]");
        assert_eq!(e.inner().line(), 3);
        assert!(
            e.inner()
                .to_string()
                .starts_with("duplicate key `privileged`")
        );
        let ok: UniqueKeys =
            serde_json::from_str(r#"{"a": {"x": 1}, "b": {"x": [1.5, null]}}"#).unwrap();
        assert_eq!(ok.0["b"]["x"][0], 1.5);
    }
}
