//! A string that may hold a credential.
//!
//! Environment values from task definitions are held in [`SecretString`] from the moment they
//! are parsed. The type has no `Display`, its `Debug` and `Serialize` print only a masked form,
//! and the raw value is reachable only inside this crate (`expose`), where trait detectors
//! inspect it. So no report, log line or error message can print a credential by accident:
//! the compiler refuses it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value that must never be printed in full.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a value. Public so that every source (snapshot, live, IaC) can build the model.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The raw value, for detectors inside the core only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// Length in characters: safe to show, and useful to a reader who must find the value.
    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The masked form shown in reports: at most the first 4 characters of a value that is
    /// long enough for that to leave most of it hidden (AWS key ids begin with a public
    /// prefix such as `AKIA`), then asterisks, then the length.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks a value: a prefix of at most 4 characters is kept only when the value has at least
/// 16 characters, so that at most a quarter of it is ever shown.
pub(crate) fn mask(value: &str) -> String {
    let n = value.chars().count();
    if n >= 16 {
        let prefix: String = value.chars().take(4).collect();
        format!("{prefix}**** ({n} chars)")
    } else {
        format!("**** ({n} chars)")
    }
}

impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretString({})", self.masked())
    }
}

impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.masked())
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(SecretString)
    }
}

/// A list of strings read as [`SecretString`]s (`command`, `entryPoint`). Numbers and
/// booleans are taken as their text, as ECS and CloudFormation take them; `null` is no list.
/// Anything else is an error that names the expected type, never the value.
pub(crate) fn secret_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<SecretString>, D::Error> {
    use serde::de::Error;
    use serde_json::Value;
    let items = Option::<Vec<Value>>::deserialize(d)
        .map_err(|_| D::Error::custom("invalid type: expected a list of strings"))?;
    items
        .unwrap_or_default()
        .into_iter()
        .map(|v| match v {
            Value::String(s) => Ok(SecretString(s)),
            Value::Number(n) => Ok(SecretString(n.to_string())),
            Value::Bool(b) => Ok(SecretString(b.to_string())),
            _ => Err(D::Error::custom(
                "invalid type: expected a list of strings, found an item that is not a string",
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let s = SecretString::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        let shown = format!("{s:?} {}", serde_json::to_string(&s).unwrap());
        assert!(!shown.contains("K7MDENG"), "{shown}");
        assert!(shown.contains("wJal**** (40 chars)"), "{shown}");
    }

    #[test]
    fn lists_of_arguments_are_secret_strings() {
        #[derive(Deserialize)]
        struct C {
            #[serde(default, deserialize_with = "secret_list")]
            command: Vec<SecretString>,
        }
        let c: C =
            serde_json::from_str(r#"{"command": ["--password=hunter2", 3600, true]}"#).unwrap();
        assert_eq!(c.command[0].expose(), "--password=hunter2");
        assert_eq!(c.command[1].expose(), "3600");
        assert_eq!(c.command[2].expose(), "true");
        assert!(!format!("{:?}", c.command).contains("hunter2"));
        let c: C = serde_json::from_str(r#"{"command": null}"#).unwrap();
        assert!(c.command.is_empty());
        let c: C = serde_json::from_str(r#"{}"#).unwrap();
        assert!(c.command.is_empty());
        for bad in [
            r#"{"command": "run --password=hunter2"}"#,
            r#"{"command": [{"a": 1}]}"#,
        ] {
            let e = serde_json::from_str::<C>(bad).err().unwrap().to_string();
            assert!(e.contains("expected a list of strings"), "{e}");
            assert!(!e.contains("hunter2"), "{e}");
        }
    }

    #[test]
    fn short_values_show_no_prefix() {
        assert_eq!(SecretString::new("hunter2").masked(), "**** (7 chars)");
    }
}
