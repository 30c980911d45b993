//! EC2 networking: security groups (with their separate ingress rules), subnets, VPCs (with
//! the main route table and default network ACL a new VPC comes with), route tables (with
//! routes and associations), network ACLs (with entries and associations), internet gateways.

use super::super::{IacError, Sink, fields};
use super::{Cx, Res, api_shape, model, name_or_logical, obj, text_of, text_value};
use crate::model::Resource;
use serde_json::{Value, json};

pub(super) fn security_group(
    cx: &Cx<'_, '_>,
    sink: &mut Sink<'_>,
    r: &Res<'_, '_>,
) -> Result<Vec<Resource>, IacError> {
    let id = r.id.as_str();
    let mut perms = Vec::new();
    if let Some((k, rules)) = r.props.entry(fields::INGRESS.cfn) {
        sink.at(id, fields::INGRESS.model, k.pos);
        for rule in rules.seq().unwrap_or(&[]) {
            if let Some(p) = sink.ingress(id, perms.len(), rule) {
                perms.push(p);
            }
        }
    }
    for (_, _, ing, _) in cx.naming("AWS::EC2::SecurityGroupIngress", "GroupId", id) {
        if let Some(p) = sink.ingress(id, perms.len(), ing) {
            perms.push(p);
        }
    }
    let vpc = sink.required(id, r.props, "VpcId");
    let v = json!({"GroupId": id, "GroupName": name_or_logical(r, "GroupName"),
        "VpcId": vpc, "IpPermissions": perms});
    Ok(vec![Resource::SecurityGroup(model(id, v)?)])
}

pub(super) fn subnet(
    _: &Cx<'_, '_>,
    sink: &mut Sink<'_>,
    r: &Res<'_, '_>,
) -> Result<Vec<Resource>, IacError> {
    let id = r.id.as_str();
    let mut v = api_shape(sink, r, false, "SubnetId");
    let o = obj(&mut v);
    let vpc = sink.required(id, r.props, "VpcId");
    o.insert("VpcId".into(), vpc.into());
    o.remove("Ipv6CidrBlock");
    Ok(vec![Resource::Subnet(model(id, v)?)])
}

pub(super) fn vpc(
    _: &Cx<'_, '_>,
    sink: &mut Sink<'_>,
    r: &Res<'_, '_>,
) -> Result<Vec<Resource>, IacError> {
    let id = r.id.as_str();
    // A new VPC comes with a main route table (local routes only) and a default network ACL
    // that allows all traffic; subnets without an explicit association use them.
    let rtb = format!("{id}/main-route-table");
    sink.at(&rtb, "", r.pos);
    let table =
        json!({"RouteTableId": rtb, "VpcId": id, "Associations": [{"Main": true}], "Routes": []});
    let acl = format!("{id}/default-network-acl");
    sink.at(&acl, "", r.pos);
    let entry = |egress: bool, n: i64, action: &str| json!({"RuleNumber": n, "Protocol": "-1", "RuleAction": action, "Egress": egress, "CidrBlock": "0.0.0.0/0"});
    let default_acl = json!({"NetworkAclId": acl, "VpcId": id, "IsDefault": true, "Associations": [],
        "Entries": [entry(false, 100, "allow"), entry(false, 32767, "deny"), entry(true, 100, "allow"), entry(true, 32767, "deny")]});
    Ok(vec![
        Resource::RouteTable(model(&rtb, table)?),
        Resource::NetworkAcl(model(&acl, default_acl)?),
    ])
}

/// The members of a resource given as separate resources that name it (routes of a route
/// table, entries of a network ACL): each one's properties as API JSON at `list[n]`, without
/// the key that names the parent.
fn members(
    cx: &Cx<'_, '_>,
    sink: &mut Sink<'_>,
    id: &str,
    (ty, parent_key): (&'static str, &'static str),
    list: &str,
) -> Vec<Value> {
    let mut out = Vec::new();
    for (_, _, m, pos) in cx.naming(ty, parent_key, id) {
        let path = format!("{list}[{}]", out.len());
        sink.at(id, &path, *pos);
        let mut v = sink.json(id, m, &path, false).unwrap_or(json!({}));
        obj(&mut v).remove(parent_key);
        out.push(v);
    }
    out
}

pub(super) fn route_table(
    cx: &Cx<'_, '_>,
    sink: &mut Sink<'_>,
    r: &Res<'_, '_>,
) -> Result<Vec<Resource>, IacError> {
    let id = r.id.as_str();
    let vpc = sink.required(id, r.props, "VpcId");
    let mut routes = members(cx, sink, id, ("AWS::EC2::Route", "RouteTableId"), "Routes");
    for route in &mut routes {
        obj(route).insert("State".into(), "active".into());
    }
    let mut assoc = Vec::new();
    let ty = "AWS::EC2::SubnetRouteTableAssociation";
    for (_, _, a, apos) in cx.naming(ty, "RouteTableId", id) {
        sink.at(id, &format!("Associations[{}]", assoc.len()), *apos);
        assoc.push(json!({"Main": false, "SubnetId": text_of(a, "SubnetId")}));
    }
    let v = json!({"RouteTableId": id, "VpcId": vpc, "Associations": assoc, "Routes": routes});
    Ok(vec![Resource::RouteTable(model(id, v)?)])
}

pub(super) fn network_acl(
    cx: &Cx<'_, '_>,
    sink: &mut Sink<'_>,
    r: &Res<'_, '_>,
) -> Result<Vec<Resource>, IacError> {
    let id = r.id.as_str();
    let vpc = sink.required(id, r.props, "VpcId");
    let ty = ("AWS::EC2::NetworkAclEntry", "NetworkAclId");
    let mut entries = members(cx, sink, id, ty, "Entries");
    for e in &mut entries {
        let o = obj(e);
        // The API gives the protocol number as text.
        if let Some(p) = o.get("Protocol").cloned() {
            o.insert("Protocol".into(), text_value(&p).into());
        }
    }
    let ty = "AWS::EC2::SubnetNetworkAclAssociation";
    let assoc: Vec<Value> = cx
        .naming(ty, "NetworkAclId", id)
        .map(|(_, _, a, _)| json!({"SubnetId": text_of(a, "SubnetId")}))
        .collect();
    let v = json!({"NetworkAclId": id, "VpcId": vpc, "IsDefault": false, "Associations": assoc, "Entries": entries});
    Ok(vec![Resource::NetworkAcl(model(id, v)?)])
}

pub(super) fn internet_gateway(
    cx: &Cx<'_, '_>,
    _: &mut Sink<'_>,
    r: &Res<'_, '_>,
) -> Result<Vec<Resource>, IacError> {
    let id = r.id.as_str();
    let att: Vec<Value> = cx
        .naming("AWS::EC2::VPCGatewayAttachment", "InternetGatewayId", id)
        .map(|(_, _, a, _)| json!({"VpcId": text_of(a, "VpcId"), "State": "available"}))
        .collect();
    let v = json!({"InternetGatewayId": id, "Attachments": att});
    Ok(vec![Resource::InternetGateway(model(id, v)?)])
}
