//! IAM: roles (with inline policies, attached managed policies, and the separate policies
//! that name them) and managed policies.

use super::super::node::Node;
use super::super::{IacError, Sink};
use super::{Cx, Res, model, name_or_logical, obj};
use crate::model::Resource;
use serde_json::{Value, json};

/// Whether a policy resource's `Roles` (or `RoleName`) names the role `id`.
fn names_role(n: &Node, id: &str, by_name: bool) -> bool {
    n.get("Roles")
        .and_then(Node::seq)
        .unwrap_or(&[])
        .iter()
        .any(|r| r.str() == Some(id))
        || (by_name && n.get("RoleName").and_then(Node::str) == Some(id))
}

pub(super) fn role(
    cx: &Cx<'_, '_>,
    sink: &mut Sink<'_>,
    r: &Res<'_, '_>,
) -> Result<Vec<Resource>, IacError> {
    let (id, props) = (r.id.as_str(), r.props);
    let mut inline = Vec::new();
    for p in props.get("Policies").and_then(Node::seq).unwrap_or(&[]) {
        let path = format!("RolePolicyList[{}]", inline.len());
        sink.at(id, &path, p.pos);
        if let Some(v) = sink.json(id, p, &path, false) {
            inline.push(v);
        }
    }
    let mut attached = Vec::new();
    for a in props
        .get("ManagedPolicyArns")
        .and_then(Node::seq)
        .unwrap_or(&[])
    {
        let path = format!("AttachedManagedPolicies[{}]", attached.len());
        match a.text() {
            Some(arn) => {
                sink.at(id, &path, a.pos);
                attached.push(json!({"PolicyArn": arn}));
            }
            None => sink.unknown(id, &path, a),
        }
    }
    // Both policy types, in template order (the order of the role's policy list).
    for (_, pty, p, ppos) in cx.resolved {
        if matches!(*pty, "AWS::IAM::Policy" | "AWS::IAM::RolePolicy") && names_role(p, id, true) {
            let path = format!("RolePolicyList[{}]", inline.len());
            sink.at(id, &path, *ppos);
            let mut v = sink.json(id, p, &path, false).unwrap_or(json!({}));
            let o = obj(&mut v);
            for k in ["Roles", "RoleName", "Users", "Groups"] {
                o.remove(k);
            }
            inline.push(v);
        }
    }
    for (pl, _, p, _) in cx.of_type("AWS::IAM::ManagedPolicy") {
        if names_role(p, id, false) {
            attached.push(json!({"PolicyArn": cx.t.id(pl), "PolicyName": pl}));
        }
    }
    let mut role = json!({"Arn": id,
        "RoleName": name_or_logical(r, "RoleName"),
        "RolePolicyList": inline, "AttachedManagedPolicies": attached});
    if let Some(d) = props.get("AssumeRolePolicyDocument") {
        let d = sink.json(id, d, "AssumeRolePolicyDocument", false);
        obj(&mut role).insert("AssumeRolePolicyDocument".into(), d.unwrap_or(Value::Null));
    }
    Ok(vec![Resource::Role(model(id, role)?)])
}

pub(super) fn managed_policy(
    _: &Cx<'_, '_>,
    sink: &mut Sink<'_>,
    r: &Res<'_, '_>,
) -> Result<Vec<Resource>, IacError> {
    let (id, props) = (r.id.as_str(), r.props);
    let path = "PolicyVersionList[0].Document";
    sink.key_at(id, props, "PolicyDocument", path);
    let d = props
        .get("PolicyDocument")
        .and_then(|d| sink.json(id, d, path, false));
    let v = json!({"Arn": id, "PolicyName": name_or_logical(r, "ManagedPolicyName"),
        "DefaultVersionId": "v1",
        "PolicyVersionList": [{"Document": d, "VersionId": "v1", "IsDefaultVersion": true}]});
    Ok(vec![Resource::ManagedPolicy(model(id, v)?)])
}
