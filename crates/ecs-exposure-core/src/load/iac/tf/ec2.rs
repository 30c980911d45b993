//! EC2 networking: security groups (inline ingress blocks and the separate rule resources),
//! subnets, VPCs (with the main route table and default network ACL a new VPC comes with),
//! route tables, internet gateways, network ACLs.

use super::super::node::Node;
use super::super::{IacError, Sink, fields};
use super::{Plan, Res, is_true, key_at, model, number, s, strings};
use crate::model::Resource;
use serde_json::{Value, json};

pub(super) fn security_group(
    p: &Plan<'_>,
    sink: &mut Sink<'_>,
    r: &Res<'_>,
    id: &str,
) -> Result<Vec<Resource>, IacError> {
    let v = r.values;
    let mut perms = Vec::new();
    for rule in v.get(fields::INGRESS.tf).and_then(Node::seq).unwrap_or(&[]) {
        let rule = Rule {
            node: rule,
            protocol: s(rule, "protocol"),
            v4: strings(rule.get("cidr_blocks")),
            v6: strings(rule.get("ipv6_cidr_blocks")),
            groups: strings(rule.get("security_groups")),
        };
        perms.push(rule.permission(sink, id, perms.len()));
    }
    for rr in p.of("aws_security_group_rule") {
        let values = rr.values;
        if s(values, "type").as_deref() == Some("ingress")
            && p.names(rr, &["security_group_id"], id)
        {
            let rule = Rule {
                node: values,
                protocol: s(values, "protocol"),
                v4: strings(values.get("cidr_blocks")),
                v6: strings(values.get("ipv6_cidr_blocks")),
                groups: p
                    .refs(rr, &["source_security_group_id"])
                    .unwrap_or_default(),
            };
            perms.push(rule.permission(sink, id, perms.len()));
        }
    }
    for rr in p.of("aws_vpc_security_group_ingress_rule") {
        let values = rr.values;
        if p.names(rr, &["security_group_id"], id) {
            let rule = Rule {
                node: values,
                protocol: s(values, "ip_protocol"),
                v4: s(values, "cidr_ipv4").into_iter().collect(),
                v6: s(values, "cidr_ipv6").into_iter().collect(),
                groups: p
                    .refs(rr, &["referenced_security_group_id"])
                    .unwrap_or_default(),
            };
            perms.push(rule.permission(sink, id, perms.len()));
        }
    }
    let vpc = p.first(r, &["vpc_id"]);
    let g = json!({"GroupId": id, "GroupName": s(v, "name"), "VpcId": vpc, "IpPermissions": perms});
    Ok(vec![Resource::SecurityGroup(model(id, g)?)])
}

/// One ingress rule in any of Terraform's three forms (an `ingress` block, an
/// `aws_security_group_rule`, an `aws_vpc_security_group_ingress_rule`).
struct Rule<'n> {
    node: &'n Node,
    protocol: Option<String>,
    v4: Vec<String>,
    v6: Vec<String>,
    groups: Vec<String>,
}

impl Rule<'_> {
    /// The rule as the `n`th IpPermission of security group `sg`.
    fn permission(self, sink: &mut Sink<'_>, sg: &str, n: usize) -> Value {
        let base = format!("{}[{n}]", fields::INGRESS.model);
        sink.at(sg, &base, self.node.pos);
        for (key, list) in [
            ("cidr_blocks", "IpRanges"),
            ("cidr_ipv4", "IpRanges"),
            ("ipv6_cidr_blocks", "Ipv6Ranges"),
            ("cidr_ipv6", "Ipv6Ranges"),
        ] {
            key_at(sink, sg, self.node, key, &format!("{base}.{list}"));
        }
        let proto = match self.protocol.as_deref() {
            None | Some("all") => "-1".to_string(),
            Some(p) => p.to_string(),
        };
        let mut perm = json!({"IpProtocol": proto,
            "IpRanges": self.v4.iter().map(|c| json!({"CidrIp": c})).collect::<Vec<_>>(),
            "Ipv6Ranges": self.v6.iter().map(|c| json!({"CidrIpv6": c})).collect::<Vec<_>>(),
            "UserIdGroupPairs": self.groups.iter().map(|g| json!({"GroupId": g})).collect::<Vec<_>>()});
        if proto != "-1" {
            perm["FromPort"] = json!(number::<i32>(self.node, "from_port"));
            perm["ToPort"] = json!(number::<i32>(self.node, "to_port"));
        }
        perm
    }
}

/// The VPC of `r`, or a placeholder (with an unresolved record) that joins nothing.
fn vpc_of(p: &Plan<'_>, sink: &mut Sink<'_>, r: &Res<'_>, id: &str) -> String {
    p.one(sink, r, id, &["vpc_id"], "VpcId")
        .unwrap_or_else(|| format!("{id}/unresolved-vpc"))
}

pub(super) fn subnet(
    p: &Plan<'_>,
    sink: &mut Sink<'_>,
    r: &Res<'_>,
    id: &str,
) -> Result<Vec<Resource>, IacError> {
    let v = r.values;
    let vpc = vpc_of(p, sink, r, id);
    let public = fields::MAP_PUBLIC_IP_ON_LAUNCH;
    key_at(sink, id, v, public.tf, public.model);
    let subnet = json!({"SubnetId": id, "VpcId": vpc, "CidrBlock": s(v, "cidr_block"),
        "MapPublicIpOnLaunch": is_true(v, public.tf)});
    Ok(vec![Resource::Subnet(model(id, subnet)?)])
}

pub(super) fn vpc(
    p: &Plan<'_>,
    sink: &mut Sink<'_>,
    r: &Res<'_>,
    id: &str,
) -> Result<Vec<Resource>, IacError> {
    let rtb = format!("{id}/main-route-table");
    sink.at(&rtb, "", r.pos);
    // `aws_main_route_table_association` replaces the main table.
    let replaced = p
        .of("aws_main_route_table_association")
        .any(|m| p.names(m, &["vpc_id"], id));
    let assoc = if replaced {
        json!([])
    } else {
        json!([{"Main": true}])
    };
    let table = json!({"RouteTableId": rtb, "VpcId": id, "Associations": assoc, "Routes": []});
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

pub(super) fn route_table(
    p: &Plan<'_>,
    sink: &mut Sink<'_>,
    r: &Res<'_>,
    id: &str,
) -> Result<Vec<Resource>, IacError> {
    let vpc = vpc_of(p, sink, r, id);
    let non_empty = |n: &Node, k: &str| s(n, k).filter(|c| !c.is_empty());
    let mut routes = Vec::new();
    for (i, rt) in (r.values.get("route").and_then(Node::seq))
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        sink.at(id, &format!("Routes[{}]", routes.len()), rt.pos);
        let gw = p.first(r, &["route", &i.to_string(), "gateway_id"]);
        routes.push(json!({"DestinationCidrBlock": non_empty(rt, "cidr_block"),
            "DestinationIpv6CidrBlock": non_empty(rt, "ipv6_cidr_block"),
            "GatewayId": gw.filter(|g| !g.is_empty()), "NatGatewayId": non_empty(rt, "nat_gateway_id"), "State": "active"}));
    }
    for rr in p.of("aws_route") {
        if p.names(rr, &["route_table_id"], id) {
            sink.at(id, &format!("Routes[{}]", routes.len()), rr.pos);
            let v = rr.values;
            routes.push(json!({"DestinationCidrBlock": s(v, "destination_cidr_block"),
                "DestinationIpv6CidrBlock": s(v, "destination_ipv6_cidr_block"),
                "GatewayId": p.first(rr, &["gateway_id"]), "NatGatewayId": s(v, "nat_gateway_id"), "State": "active"}));
        }
    }
    let mut assoc = Vec::new();
    for a in p.of("aws_route_table_association") {
        if p.names(a, &["route_table_id"], id) {
            assoc.push(json!({"Main": false, "SubnetId": p.first(a, &["subnet_id"])}));
        }
    }
    for m in p.of("aws_main_route_table_association") {
        if p.names(m, &["route_table_id"], id) {
            assoc.push(json!({"Main": true}));
        }
    }
    let table = json!({"RouteTableId": id, "VpcId": vpc, "Associations": assoc, "Routes": routes});
    Ok(vec![Resource::RouteTable(model(id, table)?)])
}

pub(super) fn internet_gateway(
    p: &Plan<'_>,
    _: &mut Sink<'_>,
    r: &Res<'_>,
    id: &str,
) -> Result<Vec<Resource>, IacError> {
    let attachment = |vpc: Option<String>| json!({"VpcId": vpc, "State": "available"});
    let mut att: Vec<Value> = (p.first(r, &["vpc_id"]).into_iter())
        .map(|vpc| attachment(Some(vpc)))
        .collect();
    for a in p.of("aws_internet_gateway_attachment") {
        if p.names(a, &["internet_gateway_id"], id) {
            att.push(attachment(p.first(a, &["vpc_id"])));
        }
    }
    let v = json!({"InternetGatewayId": id, "Attachments": att});
    Ok(vec![Resource::InternetGateway(model(id, v)?)])
}

pub(super) fn network_acl(
    p: &Plan<'_>,
    sink: &mut Sink<'_>,
    r: &Res<'_>,
    id: &str,
) -> Result<Vec<Resource>, IacError> {
    let vpc = vpc_of(p, sink, r, id);
    let non_empty = |n: &Node, k: &str| s(n, k).filter(|c| !c.is_empty());
    let mut entries = Vec::new();
    for (dir, egress) in [("ingress", false), ("egress", true)] {
        for e in r.values.get(dir).and_then(Node::seq).unwrap_or(&[]) {
            sink.at(id, &format!("Entries[{}]", entries.len()), e.pos);
            entries.push(json!({"RuleNumber": number::<i64>(e, "rule_no").unwrap_or(0),
                "Protocol": proto_number(&s(e, "protocol").unwrap_or_default()),
                "RuleAction": s(e, "action").unwrap_or_default().to_ascii_lowercase(),
                "Egress": egress, "CidrBlock": non_empty(e, "cidr_block"), "Ipv6CidrBlock": non_empty(e, "ipv6_cidr_block"),
                "PortRange": {"From": number::<i32>(e, "from_port"), "To": number::<i32>(e, "to_port")}}));
        }
    }
    let subnets: Vec<Value> = (p.refs(r, &["subnet_ids"]).unwrap_or_default())
        .into_iter()
        .map(|s| json!({"SubnetId": s}))
        .collect();
    let acl = json!({"NetworkAclId": id, "VpcId": vpc, "IsDefault": false, "Associations": subnets, "Entries": entries});
    Ok(vec![Resource::NetworkAcl(model(id, acl)?)])
}

/// The protocol number the API gives for a Terraform protocol name.
fn proto_number(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "tcp" => "6".into(),
        "udp" => "17".into(),
        "icmp" => "1".into(),
        "all" | "-1" => "-1".into(),
        other => other.to_string(),
    }
}
