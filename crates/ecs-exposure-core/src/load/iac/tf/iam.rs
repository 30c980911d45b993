//! IAM: roles (with inline policies, and the role policies and attachments that name them)
//! and managed policies.

use super::super::node::{Node, V};
use super::super::{IacError, Sink};
use super::{Plan, Res, model, s};
use crate::model::Resource;
use serde_json::json;

pub(super) fn role(
    p: &Plan<'_>,
    sink: &mut Sink<'_>,
    r: &Res<'_>,
    id: &str,
) -> Result<Vec<Resource>, IacError> {
    let v = r.values;
    let mut inline = Vec::new();
    for pol in v.get("inline_policy").and_then(Node::seq).unwrap_or(&[]) {
        if let Some(d) = s(pol, "policy").filter(|d| !d.is_empty()) {
            sink.at(id, &format!("RolePolicyList[{}]", inline.len()), pol.pos);
            inline.push(json!({"PolicyName": s(pol, "name"), "PolicyDocument": d}));
        }
    }
    for rp in p.of("aws_iam_role_policy") {
        if p.names(rp, &["role"], id) {
            let path = format!("RolePolicyList[{}]", inline.len());
            sink.at(id, &path, rp.pos);
            match s(rp.values, "policy") {
                Some(d) => {
                    let name = s(rp.values, "name").unwrap_or_else(|| rp.address.clone());
                    inline.push(json!({"PolicyName": name, "PolicyDocument": d}))
                }
                None => {
                    let why = format!("the policy of `{}` is known only after apply", rp.address);
                    sink.unknown(id, &path, &Node::new(V::Unknown(why), rp.pos))
                }
            }
        }
    }
    let mut attached = Vec::new();
    for a in (v.get("managed_policy_arns").and_then(Node::seq)).unwrap_or(&[]) {
        if let Some(arn) = a.text() {
            let path = format!("AttachedManagedPolicies[{}]", attached.len());
            sink.at(id, &path, a.pos);
            attached.push(json!({"PolicyArn": p.known.get(&arn).cloned().unwrap_or(arn)}));
        }
    }
    for a in p.of("aws_iam_role_policy_attachment") {
        if p.names(a, &["role"], id) {
            let path = format!("AttachedManagedPolicies[{}]", attached.len());
            sink.at(id, &path, a.pos);
            match p.refs(a, &["policy_arn"]) {
                Ok(x) if !x.is_empty() => attached.push(json!({"PolicyArn": x[0]})),
                Ok(_) => {}
                Err(why) => sink.unknown(id, &path, &Node::new(V::Unknown(why), a.pos)),
            }
        }
    }
    let mut role = json!({"Arn": id, "RoleName": s(v, "name"), "RolePolicyList": inline, "AttachedManagedPolicies": attached});
    if let Some(d) = s(v, "assume_role_policy") {
        role["AssumeRolePolicyDocument"] = json!(d);
    }
    Ok(vec![Resource::Role(model(id, role)?)])
}

pub(super) fn policy(
    _: &Plan<'_>,
    sink: &mut Sink<'_>,
    r: &Res<'_>,
    id: &str,
) -> Result<Vec<Resource>, IacError> {
    let v = r.values;
    if let Some((k, _)) = v.entry("policy") {
        sink.at(id, "PolicyVersionList[0].Document", k.pos);
    }
    let policy = json!({"Arn": id, "PolicyName": s(v, "name"), "DefaultVersionId": "v1",
        "PolicyVersionList": [{"Document": s(v, "policy"), "VersionId": "v1", "IsDefaultVersion": true}]});
    Ok(vec![Resource::ManagedPolicy(model(id, policy)?)])
}
