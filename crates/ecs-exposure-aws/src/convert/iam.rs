//! IAM: the roles a scan needs, in the shape of `get-account-authorization-details`.
//!
//! The API returns policy documents URL-encoded; the CLI prints them decoded as JSON objects,
//! and so do we.

use super::Obj;
use serde_json::Value;

/// A role with its policies, gathered from GetRole, ListRolePolicies/GetRolePolicy and
/// ListAttachedRolePolicies.
pub struct RoleDetail {
    pub arn: String,
    pub name: String,
    pub path: Option<String>,
    pub role_id: Option<String>,
    pub trust_policy: Option<String>,
    pub inline: Vec<(String, String)>,
    pub attached: Vec<(String, String)>,
}

/// A managed policy with its default version document.
pub struct PolicyDetail {
    pub arn: String,
    pub name: String,
    pub default_version_id: Option<String>,
    pub document: Option<String>,
}

pub fn role(r: &RoleDetail) -> Value {
    Obj::new()
        .s("Path", r.path.as_deref())
        .s("RoleName", Some(&r.name))
        .s("RoleId", r.role_id.as_deref())
        .s("Arn", Some(&r.arn))
        .v(
            "AssumeRolePolicyDocument",
            r.trust_policy.as_deref().map(document),
        )
        .list("RolePolicyList", &r.inline, |(name, doc)| {
            Obj::new()
                .s("PolicyName", Some(name))
                .v("PolicyDocument", Some(document(doc)))
                .done()
        })
        .list("AttachedManagedPolicies", &r.attached, |(name, arn)| {
            Obj::new()
                .s("PolicyName", Some(name))
                .s("PolicyArn", Some(arn))
                .done()
        })
        .done()
}

pub fn policy(p: &PolicyDetail) -> Value {
    let versions: Vec<Value> = p
        .document
        .as_deref()
        .map(|d| {
            Obj::new()
                .v("Document", Some(document(d)))
                .s("VersionId", p.default_version_id.as_deref())
                .b("IsDefaultVersion", Some(true))
                .done()
        })
        .into_iter()
        .collect();
    Obj::new()
        .s("PolicyName", Some(&p.name))
        .s("Arn", Some(&p.arn))
        .s("DefaultVersionId", p.default_version_id.as_deref())
        .v("PolicyVersionList", Some(Value::Array(versions)))
        .done()
}

/// Decodes a policy document (URL-encoded JSON) to a JSON object; keeps the text when it
/// cannot, so the loader reports it rather than this code hiding it.
fn document(raw: &str) -> Value {
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned();
    serde_json::from_str(&decoded).unwrap_or(Value::String(decoded))
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_url_encoded_documents() {
        let v = super::document("%7B%22Version%22%3A%222012-10-17%22%7D");
        assert_eq!(v["Version"], "2012-10-17");
    }
}
