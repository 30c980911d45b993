//! IAM roles and policies as `aws iam get-account-authorization-details` prints them.
//!
//! Policy documents stay JSON values: their grammar (string-or-list Action, Statement as
//! object or list, NotAction) is interpreted by the IAM traits, not by the loader. The AWS
//! CLI prints documents decoded; the raw API returns them URL-encoded, so both are accepted.

use super::unique::UniqueKeys;
use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Role {
    pub arn: String,
    pub role_name: Option<String>,
    #[serde(default, deserialize_with = "policy_document_opt")]
    pub assume_role_policy_document: Option<serde_json::Value>,
    #[serde(default)]
    pub role_policy_list: Vec<InlinePolicy>,
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
}

impl Role {
    pub fn name(&self) -> &str {
        self.role_name
            .as_deref()
            .unwrap_or_else(|| self.arn.rsplit('/').next().unwrap_or(&self.arn))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InlinePolicy {
    pub policy_name: String,
    #[serde(deserialize_with = "policy_document")]
    pub policy_document: serde_json::Value,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    pub policy_name: Option<String>,
    pub policy_arn: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedPolicy {
    pub arn: String,
    pub policy_name: Option<String>,
    pub default_version_id: Option<String>,
    #[serde(default)]
    pub policy_version_list: Vec<PolicyVersion>,
}

impl ManagedPolicy {
    /// The default version (the one IAM enforces) with its index in `PolicyVersionList`, so
    /// that evidence can point at it.
    pub fn default_version(&self) -> Option<(usize, &PolicyVersion)> {
        self.policy_version_list.iter().enumerate().find(|(_, v)| {
            v.is_default_version
                || (v.version_id.is_some() && v.version_id == self.default_version_id)
        })
    }

    /// The document of the default version (the one IAM enforces).
    pub fn default_document(&self) -> Option<&serde_json::Value> {
        self.policy_version_list
            .iter()
            .find(|v| {
                v.is_default_version
                    || (v.version_id.is_some() && v.version_id == self.default_version_id)
            })
            .and_then(|v| v.document.as_ref())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersion {
    #[serde(default, deserialize_with = "policy_document_opt")]
    pub document: Option<serde_json::Value>,
    pub version_id: Option<String>,
    #[serde(default)]
    pub is_default_version: bool,
}

// Documents are read with duplicate keys refused: a JSON value keeps the last of two keys
// (a second `"Effect"` would hide the first from the traits, not from a reviewer).
fn policy_document<'de, D: Deserializer<'de>>(d: D) -> Result<serde_json::Value, D::Error> {
    let v = UniqueKeys::deserialize(d)?.0;
    decode_document(v).map_err(serde::de::Error::custom)
}

fn policy_document_opt<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<serde_json::Value>, D::Error> {
    let v = Option::<UniqueKeys>::deserialize(d)?.map(|u| u.0);
    v.map(decode_document)
        .transpose()
        .map_err(serde::de::Error::custom)
}

/// Accepts a document as a JSON object, a JSON string, or a URL-encoded JSON string.
fn decode_document(v: serde_json::Value) -> Result<serde_json::Value, String> {
    match v {
        serde_json::Value::String(s) => {
            let text = if s.trim_start().starts_with('{') {
                s
            } else {
                percent_decode(&s)?
            };
            serde_json::from_str::<UniqueKeys>(&text)
                .map(|u| u.0)
                .map_err(|e| format!("policy document is not JSON: {e}"))
        }
        serde_json::Value::Object(_) => Ok(v),
        other => Err(format!(
            "expected a policy document (object or string), found {}",
            json_type(&other)
        )),
    }
}

pub(crate) fn json_type(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// A URL-encoded document (raw API output). `+` is read as a space first, as the
/// `URLDecoder` that AWS's documentation points to does (an encoded `+` is `%2B`); a `%` not
/// followed by two hex digits is kept as it is, and the JSON parse that follows judges it.
fn percent_decode(s: &str) -> Result<String, String> {
    let spaced = s.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(std::borrow::Cow::into_owned)
        .map_err(|e| format!("policy document is not UTF-8: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoded_documents_are_decoded() {
        let v = decode_document(serde_json::Value::String(
            "%7B%22Version%22%3A%222012-10-17%22%7D".into(),
        ))
        .unwrap();
        assert_eq!(v["Version"], "2012-10-17");
    }

    #[test]
    fn plus_signs_kept_escapes_and_utf8_errors() {
        assert_eq!(
            percent_decode("%7B%22A%22%3A%22a+b%2Bc%22%7D").unwrap(),
            r#"{"A":"a b+c"}"#
        );
        // A `%` that starts no escape is kept (even before a multi-byte character), and
        // bytes that are not UTF-8 are an error, not replaced.
        assert_eq!(percent_decode("%zz%a\u{e9}%").unwrap(), "%zz%a\u{e9}%");
        let e = percent_decode("%7B%FF%7D").unwrap_err();
        assert!(e.starts_with("policy document is not UTF-8: "), "{e}");
    }

    #[test]
    fn a_key_given_twice_in_a_document_is_an_error() {
        for doc in [
            serde_json::json!(r#"{"Statement": [{"Effect": "Deny", "Effect": "Allow"}]}"#),
            serde_json::json!("%7B%22A%22%3A1%2C%22A%22%3A2%7D"),
        ] {
            let e = decode_document(doc).unwrap_err();
            assert!(e.contains("duplicate key `"), "{e}");
        }
        let role = r#"{"Arn": "r", "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Deny",
            "Effect": "Allow"}]}}"#;
        let e = serde_json::from_str::<Role>(role).unwrap_err();
        assert!(e.to_string().contains("duplicate key `Effect`"), "{e}");
    }
}
