//! Converted template JSON → model structs, reading scalars the way CloudFormation does.
//!
//! CloudFormation converts a scalar to the type the property expects: a `Number` parameter or
//! `Value: 8080` where a string is expected becomes the text `8080`, and `ContainerPort: "80"`
//! or `Privileged: "true"` where a number or boolean is expected becomes one. The model's
//! field types say what is expected, so the conversion is done while deserializing
//! ([`Lenient`]), for every field at once, rather than by lists of keys that go stale.
//!
//! A required model field whose template value cannot be resolved (`PolicyName: !Sub
//! …${ParamWithoutDefault}`) was left out by the converter, which has already recorded it as
//! unresolved (a named gap of the traits that read it). Rather than fail the whole template
//! on "missing field", [`model`] gives such a field a placeholder that says it is unresolved,
//! or, when no placeholder fits its type, leaves out the list item that holds it: the rest of
//! the resource is still judged.

use super::IacError;
use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde_json::Value;

/// How many missing fields of one resource are given placeholders (or have their list item
/// left out) before its conversion fails: each repair is a retry, and a resource with more
/// unresolvable required fields than this is more likely broken than worth reading.
pub const MAX_FIELD_REPAIRS: usize = 32;

/// Deserializes converted JSON into a model struct; a failure names the resource and the
/// JSON path, never the value.
pub fn model<T: serde::de::DeserializeOwned>(id: &str, mut v: Value) -> Result<T, IacError> {
    let mut repaired: Vec<String> = Vec::new();
    loop {
        let err = match serde_path_to_error::deserialize::<_, T>(Lenient(&v)) {
            Ok(t) => return Ok(t),
            Err(e) => e,
        };
        let path = err.path().to_string();
        let message = crate::load::redact::json_error(err.inner());
        let error = |repairs| IacError::Model {
            resource: id.to_string(),
            path: path.clone(),
            expected: message.clone(),
            repairs,
        };
        let fail = || error(0);
        if repaired.len() >= MAX_FIELD_REPAIRS {
            return Err(error(MAX_FIELD_REPAIRS));
        }
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|r| r.strip_suffix('`'))
            .map(str::to_string);
        let segments = parse_path(&path);
        match missing {
            // First try: a placeholder string (names, ids, ARNs).
            Some(field) => {
                let full = join(&path, &field);
                if repaired.contains(&full) {
                    return Err(fail());
                }
                let Some(Value::Object(o)) = at_mut(&mut v, &segments) else {
                    return Err(fail());
                };
                o.insert(
                    field.clone(),
                    Value::String(format!("{id}/unresolved-{field}")),
                );
                repaired.push(full);
            }
            // A placeholder that does not fit the field's type: leave out the list item that
            // holds it (an inline policy whose document cannot be resolved).
            None if repaired.contains(&path) => {
                let Some(i) = segments.iter().rposition(|s| matches!(s, Seg::Index(_))) else {
                    return Err(fail());
                };
                let Seg::Index(n) = segments[i] else {
                    return Err(fail());
                };
                match at_mut(&mut v, &segments[..i]) {
                    Some(Value::Array(items)) if n < items.len() => {
                        items.remove(n);
                    }
                    _ => return Err(fail()),
                }
                repaired.push(format!("{path}#removed"));
            }
            None => return Err(fail()),
        }
    }
}

fn join(path: &str, field: &str) -> String {
    if path == "." || path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// `a.b[0].c` (serde_path_to_error's form; `.` is the root) into its segments.
fn parse_path(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    if path == "." {
        return out;
    }
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key.to_string()));
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            if let Ok(n) = idx.trim_end_matches(']').parse() {
                out.push(Seg::Index(n));
            }
        }
    }
    out
}

fn at_mut<'a>(v: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    let mut cur = v;
    for s in path {
        cur = match (s, cur) {
            (Seg::Key(k), Value::Object(o)) => o.get_mut(k)?,
            (Seg::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// A JSON value read with CloudFormation's scalar conversions: a number or boolean where the
/// model expects text is its text; text where it expects a number or boolean is parsed.
/// Anything else is read as JSON is (its errors unchanged).
#[derive(Clone, Copy)]
pub struct Lenient<'a>(pub &'a Value);

type Error = serde_json::Error;

impl<'de> Lenient<'de> {
    fn number<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if let Value::String(s) = self.0 {
            let t = s.trim();
            if let Ok(n) = t.parse::<u64>() {
                return visitor.visit_u64(n);
            }
            if let Ok(n) = t.parse::<i64>() {
                return visitor.visit_i64(n);
            }
            if let Ok(n) = t.parse::<f64>()
                && n.is_finite()
            {
                return visitor.visit_f64(n);
            }
        }
        self.any(visitor)
    }

    /// Collections are visited with their items read leniently too.
    fn any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items(items.iter())),
            Value::Object(o) => visitor.visit_map(Entries {
                iter: o.iter(),
                value: None,
            }),
            other => other.deserialize_any(visitor),
        }
    }
}

macro_rules! numbers {
    ($($m:ident)*) => {$(
        fn $m<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.number(visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for Lenient<'de> {
    type Error = Error;

    numbers!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64);
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.any(visitor)
    }

    // What no CloudFormation conversion applies to is read as it is written.
    serde::forward_to_deserialize_any! {
        char bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        // CloudFormation takes `"true"` and `"false"` in any case for a Boolean property.
        if let Value::String(s) = self.0 {
            if s.eq_ignore_ascii_case("true") {
                return visitor.visit_bool(true);
            }
            if s.eq_ignore_ascii_case("false") {
                return visitor.visit_bool(false);
            }
        }
        self.any(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Number(n) => visitor.visit_string(n.to_string()),
            Value::Bool(b) => visitor.visit_string(b.to_string()),
            _ => self.any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // Enums of the model are plain names: read as JSON reads them.
        self.0.deserialize_enum(name, variants, visitor)
    }
}

struct Items<'a>(std::slice::Iter<'a, Value>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|v| seed.deserialize(Lenient(v)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'a> {
    iter: serde_json::map::Iter<'a>,
    value: Option<&'a Value>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.iter.next() {
            Some((k, v)) => {
                self.value = Some(v);
                let key: de::value::StrDeserializer<'_, Error> = k.as_str().into_deserializer();
                seed.deserialize(key).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(v) => seed.deserialize(Lenient(v)),
            None => Err(de::Error::custom("a value was asked for before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{InlinePolicy, PortMapping, Role, TaskDefinition};
    use serde_json::json;

    #[test]
    fn scalars_are_converted_to_the_field_type() {
        let td: TaskDefinition = model(
            "t",
            json!({"taskDefinitionArn": "t", "containerDefinitions": [{
                "name": 7, "privileged": "TRUE", "readonlyRootFilesystem": "false",
                "portMappings": [{"containerPort": "80", "hostPort": 8080}],
                "environment": [{"name": "PORT", "value": 8080}, {"name": "DEBUG", "value": true}]}]}),
        )
        .unwrap();
        let c = &td.container_definitions[0];
        assert_eq!(c.name.as_deref(), Some("7"));
        assert_eq!(c.privileged, Some(true));
        assert_eq!(c.readonly_root_filesystem, Some(false));
        assert_eq!(c.port_mappings[0].container_port, Some(80));
        let env: Vec<&str> = c
            .environment
            .iter()
            .map(|e| e.value.as_ref().unwrap().expose())
            .collect();
        assert_eq!(env, ["8080", "true"]);
        // A value that is not of the type stays an error, named by path, without the value.
        let e = model::<PortMapping>("t", json!({"containerPort": "eighty"}))
            .unwrap_err()
            .to_string();
        assert!(e.contains("containerPort"), "{e}");
        assert!(!e.contains("eighty"), "{e}");
        let e = model::<TaskDefinition>(
            "t",
            json!({"taskDefinitionArn": "t", "containerDefinitions": [{"privileged": "yes"}]}),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("containerDefinitions[0].privileged"), "{e}");
    }

    #[test]
    fn unresolved_required_fields_get_placeholders_or_their_item_is_left_out() {
        let p: InlinePolicy = model("r", json!({"PolicyDocument": {"Statement": []}})).unwrap();
        assert_eq!(p.policy_name, "r/unresolved-PolicyName");
        // A document that cannot be had: that inline policy is left out, the role kept.
        let role: Role = model(
            "r",
            json!({"Arn": "r", "RolePolicyList": [{"PolicyName": "a"}, {"PolicyName": "b", "PolicyDocument": {"Statement": []}}]}),
        )
        .unwrap();
        assert_eq!(role.role_policy_list.len(), 1);
        assert_eq!(role.role_policy_list[0].policy_name, "b");
    }

    #[test]
    fn paths_are_read() {
        assert_eq!(parse_path("."), vec![]);
        assert_eq!(
            parse_path("a.b[2][3].c"),
            vec![
                Seg::Key("a".into()),
                Seg::Key("b".into()),
                Seg::Index(2),
                Seg::Index(3),
                Seg::Key("c".into())
            ]
        );
    }
}
