//! CloudFormation (and CDK output) → inventory: each supported resource becomes the JSON the
//! AWS API would return for it, deserialized into the model, with a source map from model
//! paths to the template's lines.

use super::node::{Node, Pos, V};
use super::resolve::Template;
use super::{IacDocument, Sink};
use crate::model::*;
use serde_json::{Map, Value, json};

mod hosts;

/// Model keys whose values AWS gives as numbers / booleans, which templates may quote.
const NUMERIC: &[&str] = &[
    "containerPort",
    "hostPort",
    "FromPort",
    "ToPort",
    "RuleNumber",
    "Port",
    "From",
    "To",
    "desiredCount",
];
const BOOLEAN: &[&str] = &[
    "privileged",
    "readonlyRootFilesystem",
    "readOnly",
    "essential",
    "enableExecuteCommand",
    "initProcessEnabled",
    "MapPublicIpOnLaunch",
    "Egress",
];

pub fn convert(t: &Template<'_>, text: &str) -> Result<IacDocument, String> {
    let mut sink = Sink::new(t.file, text);
    let mut doc = IacDocument::default();
    // Resolved properties of every resource, by logical id.
    // Only the resources that exist under the template's values (see `conditions`).
    let present = super::conditions::present(t, &mut doc.notes);
    let resolved: Vec<(&str, &str, Node, Pos)> = present
        .iter()
        .map(|(logical, r)| {
            let ty = r.get("Type").and_then(Node::str).unwrap_or("");
            let props = r
                .get("Properties")
                .map(|p| t.resolve(p))
                .unwrap_or_else(|| Node::new(V::Map(Vec::new()), r.pos));
            (*logical, ty, props, r.pos)
        })
        .collect();
    let of_type = |ty: &'static str| resolved.iter().filter(move |r| r.1 == ty);
    let text_of = |n: &Node, k: &str| n.get(k).and_then(Node::text);

    for (logical, ty, props, pos) in &resolved {
        let id = t.id(logical);
        // The resource itself: the line of its logical id.
        sink.at(&id, "", t.logical_pos.get(logical).copied().unwrap_or(*pos));
        match *ty {
            "AWS::ECS::TaskDefinition" => {
                let mut v = sink.json(&id, props, "", true).unwrap_or(json!({}));
                let o = obj(&mut v);
                o.insert("taskDefinitionArn".into(), id.clone().into());
                o.entry("family").or_insert_with(|| (*logical).into());
                doc.task_definitions.push(model(&id, v)?);
                doc.kinds.insert(Kind::EcsTaskDefinition);
            }
            "AWS::ECS::Service" => {
                let mut v = sink.json(&id, props, "", true).unwrap_or(json!({}));
                let o = obj(&mut v);
                o.insert("serviceArn".into(), id.clone().into());
                o.entry("serviceName").or_insert_with(|| (*logical).into());
                if let Some(c) = o.remove("cluster") {
                    o.insert("clusterArn".into(), c);
                }
                // ECS defaults to the EC2 launch type when neither is given.
                doc.services.push(model(&id, v)?);
                doc.kinds.insert(Kind::EcsServices);
            }
            "AWS::ECS::Cluster" => {
                doc.clusters.push(model(
                    &id,
                    json!({"clusterArn": id, "clusterName": text_of(props, "ClusterName").unwrap_or_else(|| logical.to_string())}),
                )?);
                doc.kinds.insert(Kind::EcsClusters);
            }
            "AWS::EC2::SecurityGroup" => {
                let mut perms = Vec::new();
                if let Some((k, rules)) = props.entry("SecurityGroupIngress") {
                    sink.at(&id, "IpPermissions", k.pos);
                    for rule in rules.seq().unwrap_or(&[]) {
                        let n = perms.len();
                        if let Some(p) = sink.ingress(&id, n, rule) {
                            perms.push(p);
                        }
                    }
                }
                for (_, _, ing, _) in of_type("AWS::EC2::SecurityGroupIngress") {
                    if ing.get("GroupId").and_then(Node::str) == Some(id.as_str()) {
                        let n = perms.len();
                        if let Some(p) = sink.ingress(&id, n, ing) {
                            perms.push(p);
                        }
                    }
                }
                let vpc = sink.required(&id, props, "VpcId");
                doc.security_groups.push(model(
                    &id,
                    json!({"GroupId": id, "GroupName": text_of(props, "GroupName").unwrap_or_else(|| logical.to_string()),
                        "VpcId": vpc, "IpPermissions": perms}),
                )?);
                doc.kinds.insert(Kind::Ec2SecurityGroups);
            }
            "AWS::EC2::Subnet" => {
                let mut v = sink.json(&id, props, "", false).unwrap_or(json!({}));
                let o = obj(&mut v);
                o.insert("SubnetId".into(), id.clone().into());
                let vpc = sink.required(&id, props, "VpcId");
                o.insert("VpcId".into(), vpc.into());
                o.remove("Ipv6CidrBlock");
                doc.subnets.push(model(&id, v)?);
                doc.kinds.insert(Kind::Ec2Subnets);
            }
            "AWS::EC2::VPC" => {
                // A new VPC comes with a main route table (local routes only) and a default
                // network ACL that allows all traffic; subnets without an explicit
                // association use them.
                let rtb = format!("{id}/main-route-table");
                sink.at(&rtb, "", *pos);
                doc.route_tables.push(model(
                    &rtb,
                    json!({"RouteTableId": rtb, "VpcId": id, "Associations": [{"Main": true}], "Routes": []}),
                )?);
                let acl = format!("{id}/default-network-acl");
                sink.at(&acl, "", *pos);
                let entry = |egress: bool, n: i64, action: &str| json!({"RuleNumber": n, "Protocol": "-1", "RuleAction": action, "Egress": egress, "CidrBlock": "0.0.0.0/0"});
                doc.network_acls.push(model(
                    &acl,
                    json!({"NetworkAclId": acl, "VpcId": id, "IsDefault": true, "Associations": [],
                        "Entries": [entry(false, 100, "allow"), entry(false, 32767, "deny"), entry(true, 100, "allow"), entry(true, 32767, "deny")]}),
                )?);
                doc.kinds
                    .extend([Kind::Ec2RouteTables, Kind::Ec2NetworkAcls]);
            }
            "AWS::EC2::RouteTable" => {
                let vpc = sink.required(&id, props, "VpcId");
                let mut routes = Vec::new();
                for (rl, _, r, rpos) in of_type("AWS::EC2::Route") {
                    if r.get("RouteTableId").and_then(Node::str) != Some(id.as_str()) {
                        continue;
                    }
                    let path = format!("Routes[{}]", routes.len());
                    sink.at(&id, &path, *rpos);
                    let mut v = sink.json(&id, r, &path, false).unwrap_or(json!({}));
                    let o = obj(&mut v);
                    o.remove("RouteTableId");
                    o.insert("State".into(), "active".into());
                    let _ = rl;
                    routes.push(v);
                }
                let mut assoc = Vec::new();
                for (_, _, a, apos) in of_type("AWS::EC2::SubnetRouteTableAssociation") {
                    if a.get("RouteTableId").and_then(Node::str) == Some(id.as_str()) {
                        sink.at(&id, &format!("Associations[{}]", assoc.len()), *apos);
                        assoc.push(json!({"Main": false, "SubnetId": text_of(a, "SubnetId")}));
                    }
                }
                doc.route_tables.push(model(
                    &id,
                    json!({"RouteTableId": id, "VpcId": vpc, "Associations": assoc, "Routes": routes}),
                )?);
                doc.kinds.insert(Kind::Ec2RouteTables);
            }
            "AWS::EC2::NetworkAcl" => {
                let vpc = sink.required(&id, props, "VpcId");
                let mut entries = Vec::new();
                for (_, _, e, epos) in of_type("AWS::EC2::NetworkAclEntry") {
                    if e.get("NetworkAclId").and_then(Node::str) != Some(id.as_str()) {
                        continue;
                    }
                    let path = format!("Entries[{}]", entries.len());
                    sink.at(&id, &path, *epos);
                    let mut v = sink.json(&id, e, &path, false).unwrap_or(json!({}));
                    let o = obj(&mut v);
                    o.remove("NetworkAclId");
                    // The API gives the protocol number as text.
                    if let Some(p) = o.get("Protocol").cloned() {
                        o.insert("Protocol".into(), text_value(&p).into());
                    }
                    entries.push(v);
                }
                let mut assoc = Vec::new();
                for (_, _, a, _) in of_type("AWS::EC2::SubnetNetworkAclAssociation") {
                    if a.get("NetworkAclId").and_then(Node::str) == Some(id.as_str()) {
                        assoc.push(json!({"SubnetId": text_of(a, "SubnetId")}));
                    }
                }
                doc.network_acls.push(model(
                    &id,
                    json!({"NetworkAclId": id, "VpcId": vpc, "IsDefault": false, "Associations": assoc, "Entries": entries}),
                )?);
                doc.kinds.insert(Kind::Ec2NetworkAcls);
            }
            "AWS::EC2::InternetGateway" => {
                let mut att = Vec::new();
                for (_, _, a, _) in of_type("AWS::EC2::VPCGatewayAttachment") {
                    if a.get("InternetGatewayId").and_then(Node::str) == Some(id.as_str()) {
                        att.push(json!({"VpcId": text_of(a, "VpcId"), "State": "available"}));
                    }
                }
                doc.internet_gateways.push(model(
                    &id,
                    json!({"InternetGatewayId": id, "Attachments": att}),
                )?);
                doc.kinds.insert(Kind::Ec2InternetGateways);
            }
            "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
                let mut subnets: Vec<Value> = Vec::new();
                if let Some((k, list)) = props.entry("Subnets") {
                    sink.at(&id, "AvailabilityZones", k.pos);
                    // A whole list that cannot be resolved (a `List<…>` parameter without
                    // default) is not "no subnets".
                    if list.seq().is_none() {
                        sink.unknown(&id, "AvailabilityZones", list);
                    }
                    for (i, s) in list.seq().unwrap_or(&[]).iter().enumerate() {
                        match s.text() {
                            Some(s) => subnets.push(json!({"SubnetId": s})),
                            None => sink.unknown(&id, &format!("AvailabilityZones[{i}]"), s),
                        }
                    }
                }
                for m in props
                    .get("SubnetMappings")
                    .and_then(Node::seq)
                    .unwrap_or(&[])
                {
                    if let Some(s) = text_of(m, "SubnetId") {
                        subnets.push(json!({"SubnetId": s}));
                    }
                }
                if let Some((k, _)) = props.entry("Scheme") {
                    sink.at(&id, "Scheme", k.pos);
                }
                // A group that cannot be resolved is recorded, never dropped: it may be the
                // one that admits the internet.
                let mut sgs: Vec<String> = Vec::new();
                if let Some((k, list)) = props.entry("SecurityGroups") {
                    sink.at(&id, "SecurityGroups", k.pos);
                    if list.seq().is_none() {
                        sink.unknown(&id, "SecurityGroups", list);
                    }
                    for (i, s) in list.seq().unwrap_or(&[]).iter().enumerate() {
                        match s.text() {
                            Some(s) => sgs.push(s),
                            None => sink.unknown(&id, &format!("SecurityGroups[{i}]"), s),
                        }
                    }
                }
                doc.load_balancers.push(model(
                    &id,
                    json!({"LoadBalancerArn": id,
                        "LoadBalancerName": text_of(props, "Name").unwrap_or_else(|| logical.to_string()),
                        // CloudFormation's defaults.
                        "Scheme": text_of(props, "Scheme").unwrap_or_else(|| "internet-facing".into()),
                        "Type": text_of(props, "Type").unwrap_or_else(|| "application".into()),
                        "SecurityGroups": sgs,
                        "AvailabilityZones": subnets,
                        "IpAddressType": text_of(props, "IpAddressType")}),
                )?);
                doc.kinds.insert(Kind::Elbv2LoadBalancers);
            }
            "AWS::ElasticLoadBalancingV2::TargetGroup" => {
                let mut v = sink.json(&id, props, "", false).unwrap_or(json!({}));
                let o = obj(&mut v);
                o.insert("TargetGroupArn".into(), id.clone().into());
                o.insert(
                    "TargetGroupName".into(),
                    text_of(props, "Name")
                        .unwrap_or_else(|| logical.to_string())
                        .into(),
                );
                let lbs: Vec<String> = of_type("AWS::ElasticLoadBalancingV2::Listener")
                    .filter(|(_, _, l, _)| listener_targets(l).iter().any(|tg| tg == &id))
                    .filter_map(|(_, _, l, _)| text_of(l, "LoadBalancerArn"))
                    .collect();
                o.insert("LoadBalancerArns".into(), lbs.into());
                doc.target_groups.push(model(&id, v)?);
                doc.kinds.insert(Kind::Elbv2TargetGroups);
            }
            "AWS::ElasticLoadBalancingV2::Listener" => {
                let mut v = sink.json(&id, props, "", false).unwrap_or(json!({}));
                let o = obj(&mut v);
                o.insert("ListenerArn".into(), id.clone().into());
                let lb = sink.required(&id, props, "LoadBalancerArn");
                o.insert("LoadBalancerArn".into(), lb.into());
                doc.listeners.push(model(&id, v)?);
                doc.kinds.insert(Kind::Elbv2Listeners);
                // A template declares all the rules of its listeners.
                doc.kinds.insert(Kind::Elbv2Rules);
            }
            "AWS::ElasticLoadBalancingV2::ListenerRule" => {
                // Already the API's shape (Conditions, Actions); Priority is a number here.
                let mut v = sink.json(&id, props, "", false).unwrap_or(json!({}));
                let o = obj(&mut v);
                o.insert("RuleArn".into(), id.clone().into());
                let listener = sink.required(&id, props, "ListenerArn");
                o.insert("ListenerArn".into(), listener.into());
                doc.listener_rules.push(model(&id, v)?);
                doc.kinds.insert(Kind::Elbv2Rules);
            }
            "AWS::IAM::Role" => {
                let mut inline = Vec::new();
                if let Some(list) = props.get("Policies").and_then(Node::seq) {
                    for p in list {
                        let path = format!("RolePolicyList[{}]", inline.len());
                        sink.at(&id, &path, p.pos);
                        if let Some(v) = sink.json(&id, p, &path, false) {
                            inline.push(v);
                        }
                    }
                }
                let mut attached = Vec::new();
                if let Some(list) = props.get("ManagedPolicyArns").and_then(Node::seq) {
                    for a in list {
                        let path = format!("AttachedManagedPolicies[{}]", attached.len());
                        match a.text() {
                            Some(arn) => {
                                sink.at(&id, &path, a.pos);
                                attached.push(json!({"PolicyArn": arn}));
                            }
                            None => sink.unknown(&id, &path, a),
                        }
                    }
                }
                for (_, pty, p, ppos) in &resolved {
                    let names_role = |n: &Node| {
                        n.get("Roles")
                            .and_then(Node::seq)
                            .unwrap_or(&[])
                            .iter()
                            .any(|r| r.str() == Some(id.as_str()))
                            || n.get("RoleName").and_then(Node::str) == Some(id.as_str())
                    };
                    match *pty {
                        "AWS::IAM::Policy" | "AWS::IAM::RolePolicy" if names_role(p) => {
                            let path = format!("RolePolicyList[{}]", inline.len());
                            sink.at(&id, &path, *ppos);
                            let mut v = sink.json(&id, p, &path, false).unwrap_or(json!({}));
                            let o = obj(&mut v);
                            o.remove("Roles");
                            o.remove("RoleName");
                            o.remove("Users");
                            o.remove("Groups");
                            inline.push(v);
                        }
                        _ => {}
                    }
                }
                for (pl, _, p, _) in of_type("AWS::IAM::ManagedPolicy") {
                    if p.get("Roles")
                        .and_then(Node::seq)
                        .unwrap_or(&[])
                        .iter()
                        .any(|r| r.str() == Some(id.as_str()))
                    {
                        attached.push(json!({"PolicyArn": t.id(pl), "PolicyName": pl}));
                    }
                }
                let mut role = json!({"Arn": id,
                    "RoleName": text_of(props, "RoleName").unwrap_or_else(|| logical.to_string()),
                    "RolePolicyList": inline, "AttachedManagedPolicies": attached});
                if let Some(d) = props.get("AssumeRolePolicyDocument") {
                    let d = sink.json(&id, d, "AssumeRolePolicyDocument", false);
                    obj(&mut role)
                        .insert("AssumeRolePolicyDocument".into(), d.unwrap_or(Value::Null));
                }
                doc.roles.push(model(&id, role)?);
                doc.kinds.insert(Kind::IamAuthorizationDetails);
            }
            "AWS::IAM::ManagedPolicy" => {
                let path = "PolicyVersionList[0].Document";
                let d = props.get("PolicyDocument");
                if let Some((k, _)) = props.entry("PolicyDocument") {
                    sink.at(&id, path, k.pos);
                }
                let d = d.and_then(|d| sink.json(&id, d, path, false));
                doc.policies.push(model(
                    &id,
                    json!({"Arn": id, "PolicyName": text_of(props, "ManagedPolicyName").unwrap_or_else(|| logical.to_string()),
                        "DefaultVersionId": "v1",
                        "PolicyVersionList": [{"Document": d, "VersionId": "v1", "IsDefaultVersion": true}]}),
                )?);
                doc.kinds.insert(Kind::IamAuthorizationDetails);
            }
            _ => {}
        }
    }
    doc.host_groups = hosts::host_groups(t, &resolved, &mut sink);
    for (logical, r) in &t.resources {
        inline_suppressions(t, logical, r, &mut doc.suppressions);
    }
    for (_, o) in t.root.get("Outputs").and_then(Node::map).unwrap_or(&[]) {
        if !super::conditions::output_present(t, o) {
            continue;
        }
        let name = o
            .get("Export")
            .and_then(|e| e.get("Name"))
            .map(|n| t.resolve(n));
        let value = o.get("Value").map(|v| t.resolve(v));
        if let (Some(n), Some(v)) = (name.and_then(|n| n.text()), value.and_then(|v| v.text())) {
            doc.exports.push((n, v));
        }
    }
    doc.sources = sink.sources;
    doc.unresolved = sink.unresolved;
    Ok(doc)
}

/// `Metadata: {ecs-exposure: {suppress: [{trait, reason, expires}]}}` on a resource: the
/// suppression applies to traits that come from that resource (or, on a service, to the
/// service's finding).
fn inline_suppressions(
    t: &Template<'_>,
    logical: &str,
    r: &Node,
    out: &mut Vec<crate::model::Suppression>,
) {
    let list = r
        .get("Metadata")
        .and_then(|m| m.get("ecs-exposure"))
        .and_then(|m| m.get("suppress"))
        .and_then(Node::seq)
        .unwrap_or(&[]);
    for s in list {
        let Some(trait_id) = s.get("trait").and_then(Node::text) else {
            continue;
        };
        out.push(crate::model::Suppression {
            trait_id,
            resource: t.id(logical),
            reason: s
                .get("reason")
                .and_then(Node::text)
                .unwrap_or_else(|| "(no reason given)".into()),
            expires: s.get("expires").and_then(Node::text),
            source: format!("{}:{}", t.file, s.pos.line),
        });
    }
}

fn listener_targets(l: &Node) -> Vec<String> {
    let mut out = Vec::new();
    for a in l.get("DefaultActions").and_then(Node::seq).unwrap_or(&[]) {
        if let Some(tg) = a.get("TargetGroupArn").and_then(Node::text) {
            out.push(tg);
        }
        for w in a
            .get("ForwardConfig")
            .and_then(|f| f.get("TargetGroups"))
            .and_then(Node::seq)
            .unwrap_or(&[])
        {
            if let Some(tg) = w.get("TargetGroupArn").and_then(Node::text) {
                out.push(tg);
            }
        }
    }
    out
}

fn obj(v: &mut Value) -> &mut Map<String, Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    v.as_object_mut().expect("just made an object")
}

fn text_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Deserializes converted JSON into a model struct, converting scalars as CloudFormation
/// does (see `coerce`); a failure names the resource.
fn model<T: serde::de::DeserializeOwned>(id: &str, v: Value) -> Result<T, String> {
    super::coerce::model(id, v)
}

impl Sink<'_> {
    /// The converted JSON of a resolved node; records positions of every key and item, and
    /// every unknown value (which is left out).
    pub fn json(&mut self, id: &str, n: &Node, path: &str, camel: bool) -> Option<Value> {
        match &n.v {
            V::NoValue => None,
            V::Unknown(_) => {
                self.unknown(id, path, n);
                None
            }
            V::Null => Some(Value::Null),
            V::Bool(b) => Some(Value::Bool(*b)),
            V::Num(x) => Some(Value::Number(x.clone())),
            V::Str(s) => Some(Value::String(s.clone())),
            V::Seq(items) => {
                let mut out = Vec::new();
                for it in items {
                    let p = format!("{path}[{}]", out.len());
                    self.at(id, &p, it.pos);
                    if let Some(v) = self.json(id, it, &p, camel) {
                        out.push(v);
                    }
                }
                Some(Value::Array(out))
            }
            V::Map(entries) => {
                let mut out = Map::new();
                for (k, v) in entries {
                    let name = if camel {
                        lower_first(&k.name)
                    } else {
                        k.name.clone()
                    };
                    let p = if path.is_empty() {
                        name.clone()
                    } else {
                        format!("{path}.{name}")
                    };
                    self.at(id, &p, k.pos);
                    if let Some(v) = self.json(id, v, &p, camel) {
                        out.insert(name.clone(), coerce(&name, v));
                    }
                }
                Some(Value::Object(out))
            }
        }
    }

    /// A required id (`VpcId`…): its text, or a placeholder and an unresolved record.
    fn required(&mut self, id: &str, props: &Node, key: &str) -> String {
        match props.entry(key) {
            Some((k, v)) => {
                self.at(id, key, k.pos);
                v.text().unwrap_or_else(|| {
                    self.unknown(id, key, v);
                    format!("{id}/unresolved-{key}")
                })
            }
            None => format!("{id}/no-{key}"),
        }
    }

    /// One ingress rule (inline or an `AWS::EC2::SecurityGroupIngress`) as an IpPermission.
    fn ingress(&mut self, sg: &str, n: usize, rule: &Node) -> Option<Value> {
        let base = format!("IpPermissions[{n}]");
        self.at(sg, &base, rule.pos);
        let proto = match rule.get("IpProtocol") {
            Some(p) => match p.text() {
                Some(t) => t,
                None => {
                    self.unknown(sg, &format!("{base}.IpProtocol"), p);
                    return None;
                }
            },
            None => return None,
        };
        let mut perm = json!({"IpProtocol": proto});
        let o = obj(&mut perm);
        for port in ["FromPort", "ToPort"] {
            if let Some((k, v)) = rule.entry(port) {
                self.at(sg, &format!("{base}.{port}"), k.pos);
                match v.text().and_then(|t| t.parse::<i32>().ok()) {
                    Some(x) => {
                        o.insert(port.into(), x.into());
                    }
                    None => {
                        self.unknown(sg, &format!("{base}.{port}"), v);
                        return None;
                    }
                }
            }
        }
        for (key, list, inner) in [
            ("CidrIp", "IpRanges", "CidrIp"),
            ("CidrIpv6", "Ipv6Ranges", "CidrIpv6"),
            ("SourceSecurityGroupId", "UserIdGroupPairs", "GroupId"),
            ("SourcePrefixListId", "PrefixListIds", "PrefixListId"),
        ] {
            let Some((k, v)) = rule.entry(key) else {
                continue;
            };
            let path = format!("{base}.{list}[0]");
            self.at(sg, &path, k.pos);
            match v.text() {
                Some(t) => {
                    o.insert(list.into(), json!([{ inner: t }]));
                }
                None => self.unknown(sg, &path, v),
            }
        }
        Some(perm)
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_lowercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

fn coerce(key: &str, v: Value) -> Value {
    match &v {
        Value::String(s) if NUMERIC.contains(&key) => {
            s.parse::<i64>().map(Value::from).unwrap_or(v)
        }
        Value::String(s) if BOOLEAN.contains(&key) => match s.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => v,
        },
        _ => v,
    }
}
