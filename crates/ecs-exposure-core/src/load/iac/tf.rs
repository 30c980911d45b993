//! Terraform plan JSON (`terraform show -json plan.out`) → inventory. Resources come from
//! `planned_values` (root and child modules); a value unknown until apply (a new resource's
//! id) is linked through the plan's `configuration` references, so that a service still finds
//! the task definition and security groups it will use. Locations point into the plan file,
//! at the planned value (the plan does not record the `.tf` lines).

use super::node::{Node, V};
use super::{IacDocument, Sink};
use crate::model::*;
use serde_json::{Value, json};
use std::collections::HashMap;

mod hosts;
mod rules;

struct Res<'a> {
    address: String,
    /// The module path prefix (`module.net.`), for references made inside the module.
    module: String,
    ty: &'a str,
    values: &'a Node,
    pos: super::node::Pos,
}

struct Plan<'a> {
    file: &'a str,
    resources: Vec<Res<'a>>,
    /// Configuration expressions by resource address without instance keys.
    expressions: HashMap<String, &'a Node>,
    /// Known `id`/`arn`/`name` values → resource id, for references already applied.
    known: HashMap<String, String>,
    /// Resource addresses without instance keys → (instance key, id) of each instance.
    by_config: HashMap<String, Vec<(String, String)>>,
}

fn strip_keys(address: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in address.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

impl<'a> Plan<'a> {
    fn id(&self, r: &Res<'_>) -> String {
        if r.ty == "aws_internet_gateway" {
            format!("igw-{}#{}", self.file, r.address)
        } else {
            format!("{}#{}", self.file, r.address)
        }
    }

    /// The id a reference attribute points at: a known value (mapped to a resource of the plan
    /// when it is one), else the resource the configuration references.
    fn refs(&self, r: &Res<'_>, path: &[&str]) -> Result<Vec<String>, String> {
        let mut v = Some(r.values);
        for p in path {
            v = v.and_then(|n| match p.parse::<usize>() {
                Ok(i) => n.seq().and_then(|s| s.get(i)),
                Err(_) => n.get(p),
            });
        }
        let known: Option<Vec<String>> = match v.map(|n| &n.v) {
            Some(V::Str(s)) => Some(vec![s.clone()]),
            Some(V::Seq(items)) if !items.is_empty() => {
                items.iter().map(Node::text).collect::<Option<Vec<_>>>()
            }
            _ => None,
        };
        if let Some(vals) = known {
            return Ok(vals
                .into_iter()
                .map(|s| self.known.get(&s).cloned().unwrap_or(s))
                .collect());
        }
        // Unknown until apply (or empty): the configuration says what it refers to.
        let mut e = self.expressions.get(&strip_keys(&r.address)).copied();
        for p in path {
            e = e.and_then(|n| match p.parse::<usize>() {
                Ok(i) => n.seq().and_then(|s| s.get(i)),
                Err(_) => n.get(p),
            });
        }
        let Some(e) = e else {
            return if matches!(v.map(|n| &n.v), Some(V::Seq(_))) {
                Ok(Vec::new())
            } else {
                Err(format!(
                    "`{}` is not set or known only after apply",
                    path.join(".")
                ))
            };
        };
        let mut out = Vec::new();
        let mut unresolved = Vec::new();
        for rf in e.get("references").and_then(Node::seq).unwrap_or(&[]) {
            let Some(rf) = rf.str() else { continue };
            let full = format!("{}{rf}", r.module);
            // `aws_x.name.attr` and `aws_x.name`: the resource is the longest known prefix.
            let mut found = None;
            let parts: Vec<&str> = full.split('.').collect();
            for n in (2..=parts.len()).rev() {
                let prefix = parts[..n].join(".");
                if let Some(instances) = self.by_config.get(&strip_keys(&prefix)) {
                    // A key in the reference (`aws_x.y["a"].arn`) names the instance;
                    // else the referring resource's own key (`each.key`).
                    let key = match instance_key(&prefix) {
                        k if !k.is_empty() => k,
                        _ => instance_key(&r.address),
                    };
                    found = pick_instance(instances, &key);
                    if found.is_none() {
                        unresolved.push(format!("{rf} (one of {} instances)", instances.len()));
                    }
                    break;
                }
            }
            match found {
                Some(id) if !out.contains(&id) => out.push(id),
                Some(_) => {}
                None if unresolved.iter().any(|u| u.starts_with(rf)) => {}
                None => unresolved.push(rf.to_string()),
            }
        }
        if out.is_empty() {
            return Err(if unresolved.is_empty() {
                format!("`{}` is known only after apply", path.join("."))
            } else {
                format!(
                    "`{}` is known only after apply and refers to {}, which is not a resource of the plan",
                    path.join("."),
                    unresolved.join(", ")
                )
            });
        }
        Ok(out)
    }
}

pub fn convert(file: &str, root: &Node, text: &str) -> Result<IacDocument, String> {
    let mut resources = Vec::new();
    if let Some(m) = root
        .get("planned_values")
        .and_then(|p| p.get("root_module"))
    {
        walk_planned(m, &mut resources);
    }
    let mut expressions = HashMap::new();
    if let Some(m) = root.get("configuration").and_then(|c| c.get("root_module")) {
        walk_config(m, "", &mut expressions);
    }
    let mut plan = Plan {
        file,
        resources,
        expressions,
        known: HashMap::new(),
        by_config: HashMap::new(),
    };
    let mut known = HashMap::new();
    let mut by_config = HashMap::new();
    for r in &plan.resources {
        let id = plan.id(r);
        for k in ["id", "arn"] {
            if let Some(v) = r.values.get(k).and_then(Node::str) {
                known.insert(v.to_string(), id.clone());
            }
        }
        by_config
            .entry(strip_keys(&r.address))
            .or_insert_with(Vec::new)
            .push((instance_key(&r.address), id));
    }
    plan.known = known;
    plan.by_config = by_config;

    let mut sink = Sink::new(file, text);
    let mut doc = IacDocument::default();
    let p = &plan;
    let of = |ty: &'static str| p.resources.iter().filter(move |r| r.ty == ty);
    let s = |n: &Node, k: &str| n.get(k).and_then(Node::text);

    for r in &p.resources {
        let id = p.id(r);
        sink.at(&id, "", r.pos);
        let v = r.values;
        // One reference attribute: its id, or an unresolved record and `None`.
        let one = |sink: &mut Sink<'_>, path: &[&str], field: &str| -> Option<String> {
            match p.refs(r, path) {
                Ok(mut ids) if !ids.is_empty() => Some(ids.swap_remove(0)),
                Ok(_) => None,
                Err(why) => {
                    sink.unknown(&id, field, &Node::new(V::Unknown(why), r.pos));
                    None
                }
            }
        };
        match r.ty {
            "aws_ecs_task_definition" => {
                let mut td = json!({"taskDefinitionArn": id, "family": s(v, "family"),
                    "networkMode": s(v, "network_mode"), "pidMode": s(v, "pid_mode"),
                    "ipcMode": s(v, "ipc_mode"),
                    "requiresCompatibilities": strings(v.get("requires_compatibilities"))});
                for (attr, field) in [
                    ("pid_mode", "pidMode"),
                    ("network_mode", "networkMode"),
                    ("ipc_mode", "ipcMode"),
                ] {
                    if let Some((k, _)) = v.entry(attr) {
                        sink.at(&id, field, k.pos);
                    }
                }
                for (attr, field) in [
                    ("task_role_arn", "taskRoleArn"),
                    ("execution_role_arn", "executionRoleArn"),
                ] {
                    if let Some((k, _)) = v.entry(attr) {
                        sink.at(&id, field, k.pos);
                    }
                    if v.get(attr).is_some() || p.refs(r, &[attr]).is_ok() {
                        td[field] = json!(one(&mut sink, &[attr], field));
                    }
                }
                let mut vols = Vec::new();
                for (i, vol) in v
                    .get("volume")
                    .and_then(Node::seq)
                    .unwrap_or(&[])
                    .iter()
                    .enumerate()
                {
                    sink.at(&id, &format!("volumes[{i}]"), vol.pos);
                    let mut x = json!({"name": s(vol, "name")});
                    if let Some(h) = s(vol, "host_path") {
                        x["host"] = json!({"sourcePath": h});
                    }
                    vols.push(x);
                }
                td["volumes"] = json!(vols);
                match v.entry("container_definitions") {
                    Some((k, cd)) => {
                        sink.at(&id, "containerDefinitions", k.pos);
                        // Read with duplicate keys refused: a value keeps the last of two.
                        match cd
                            .str()
                            .map(serde_json::from_str::<crate::model::unique::UniqueKeys>)
                        {
                            Some(Ok(defs)) => td["containerDefinitions"] = defs.0,
                            Some(Err(e)) => {
                                return Err(format!(
                                    "resource `{id}`: `container_definitions` cannot be read: {} (line {} column {} of its JSON text)",
                                    crate::load::redact::json_error(&e),
                                    e.line(),
                                    e.column()
                                ));
                            }
                            None => sink.unknown(
                                &id,
                                "containerDefinitions",
                                &Node::new(
                                    V::Unknown(
                                        "`container_definitions` is known only after apply".into(),
                                    ),
                                    cd.pos,
                                ),
                            ),
                        }
                    }
                    None => sink.unknown(
                        &id,
                        "containerDefinitions",
                        &Node::new(
                            V::Unknown("`container_definitions` is known only after apply".into()),
                            r.pos,
                        ),
                    ),
                }
                doc.task_definitions.push(model(&id, td)?);
                doc.kinds.insert(Kind::EcsTaskDefinition);
            }
            "aws_ecs_service" => {
                let mut svc = json!({"serviceArn": id, "serviceName": s(v, "name"),
                    "launchType": s(v, "launch_type"), "platformVersion": s(v, "platform_version"),
                    "enableExecuteCommand": v.get("enable_execute_command").and_then(|b| match b.v { V::Bool(b) => Some(b), _ => None }).unwrap_or(false)});
                for (attr, field) in [
                    ("task_definition", "taskDefinition"),
                    ("cluster", "clusterArn"),
                    ("enable_execute_command", "enableExecuteCommand"),
                    ("launch_type", "launchType"),
                ] {
                    if let Some((k, _)) = v.entry(attr) {
                        sink.at(&id, field, k.pos);
                    }
                }
                svc["taskDefinition"] =
                    json!(one(&mut sink, &["task_definition"], "taskDefinition"));
                // A new cluster's id is known only after apply: the reference says which.
                if v.get("cluster").is_some() || p.refs(r, &["cluster"]).is_ok() {
                    svc["clusterArn"] = json!(
                        p.refs(r, &["cluster"])
                            .ok()
                            .and_then(|c| c.into_iter().next())
                    );
                }
                if let Some(nc) = v
                    .get("network_configuration")
                    .and_then(Node::seq)
                    .and_then(|s| s.first())
                {
                    let base = "networkConfiguration.awsvpcConfiguration";
                    sink.at(&id, base, nc.pos);
                    let mut lists = HashMap::new();
                    for (attr, field) in [
                        ("subnets", "subnets"),
                        ("security_groups", "securityGroups"),
                    ] {
                        let path = format!("{base}.{field}");
                        if let Some((k, _)) = nc.entry(attr) {
                            sink.at(&id, &path, k.pos);
                        }
                        let ids = match p.refs(r, &["network_configuration", "0", attr]) {
                            Ok(ids) => ids,
                            Err(why) => {
                                sink.unknown(&id, &path, &Node::new(V::Unknown(why), nc.pos));
                                Vec::new()
                            }
                        };
                        lists.insert(field, ids);
                    }
                    let public = match nc.entry("assign_public_ip") {
                        Some((k, b)) => {
                            sink.at(&id, &format!("{base}.assignPublicIp"), k.pos);
                            match b.v {
                                V::Bool(true) => "ENABLED",
                                _ => "DISABLED",
                            }
                        }
                        None => "DISABLED",
                    };
                    svc["networkConfiguration"] = json!({"awsvpcConfiguration": {
                        "subnets": lists["subnets"], "securityGroups": lists["securityGroups"], "assignPublicIp": public}});
                }
                let mut lbs = Vec::new();
                for (i, lb) in v
                    .get("load_balancer")
                    .and_then(Node::seq)
                    .unwrap_or(&[])
                    .iter()
                    .enumerate()
                {
                    sink.at(&id, &format!("loadBalancers[{i}]"), lb.pos);
                    // A Classic Load Balancer is named by `elb_name`, and the path judges it
                    // (as not modelled) only when the name is carried.
                    let elb = s(lb, "elb_name").filter(|n| !n.is_empty());
                    let tg = match p.refs(r, &["load_balancer", &i.to_string(), "target_group_arn"])
                    {
                        Ok(t) => t.into_iter().next().filter(|t| !t.is_empty()),
                        // Unknown until apply (a module's `dynamic "load_balancer"` block is
                        // not in the plan's configuration, so no reference says which group):
                        // the load balancer path is a gap, not "no path".
                        Err(why) if elb.is_none() => {
                            sink.unknown(
                                &id,
                                &format!("loadBalancers[{i}].targetGroupArn"),
                                &Node::new(V::Unknown(why), lb.pos),
                            );
                            None
                        }
                        Err(_) => None,
                    };
                    lbs.push(json!({"targetGroupArn": tg, "loadBalancerName": elb,
                        "containerName": s(lb, "container_name"),
                        "containerPort": s(lb, "container_port").and_then(|x| x.parse::<u16>().ok())}));
                }
                svc["loadBalancers"] = json!(lbs);
                doc.services.push(model(&id, svc)?);
                doc.kinds.insert(Kind::EcsServices);
            }
            "aws_security_group" => {
                let mut perms = Vec::new();
                for rule in v.get("ingress").and_then(Node::seq).unwrap_or(&[]) {
                    tf_rule(
                        &mut sink,
                        &id,
                        &mut perms,
                        rule,
                        s(rule, "protocol"),
                        strings(rule.get("cidr_blocks")),
                        strings(rule.get("ipv6_cidr_blocks")),
                        strings(rule.get("security_groups")),
                    );
                }
                for rr in of("aws_security_group_rule") {
                    if s(rr.values, "type").as_deref() == Some("ingress")
                        && p.refs(rr, &["security_group_id"])
                            .ok()
                            .is_some_and(|g| g.contains(&id))
                    {
                        let src = p
                            .refs(rr, &["source_security_group_id"])
                            .unwrap_or_default();
                        tf_rule(
                            &mut sink,
                            &id,
                            &mut perms,
                            rr.values,
                            s(rr.values, "protocol"),
                            strings(rr.values.get("cidr_blocks")),
                            strings(rr.values.get("ipv6_cidr_blocks")),
                            src,
                        );
                    }
                }
                for rr in of("aws_vpc_security_group_ingress_rule") {
                    if p.refs(rr, &["security_group_id"])
                        .ok()
                        .is_some_and(|g| g.contains(&id))
                    {
                        let src = p
                            .refs(rr, &["referenced_security_group_id"])
                            .unwrap_or_default();
                        tf_rule(
                            &mut sink,
                            &id,
                            &mut perms,
                            rr.values,
                            s(rr.values, "ip_protocol"),
                            s(rr.values, "cidr_ipv4").into_iter().collect(),
                            s(rr.values, "cidr_ipv6").into_iter().collect(),
                            src,
                        );
                    }
                }
                let vpc = p
                    .refs(r, &["vpc_id"])
                    .ok()
                    .and_then(|x| x.into_iter().next());
                doc.security_groups.push(model(&id, json!({"GroupId": id, "GroupName": s(v, "name"), "VpcId": vpc, "IpPermissions": perms}))?);
                doc.kinds.insert(Kind::Ec2SecurityGroups);
            }
            "aws_subnet" => {
                let vpc = one(&mut sink, &["vpc_id"], "VpcId")
                    .unwrap_or_else(|| format!("{id}/unresolved-vpc"));
                if let Some((k, _)) = v.entry("map_public_ip_on_launch") {
                    sink.at(&id, "MapPublicIpOnLaunch", k.pos);
                }
                doc.subnets.push(model(&id, json!({"SubnetId": id, "VpcId": vpc, "CidrBlock": s(v, "cidr_block"),
                    "MapPublicIpOnLaunch": matches!(v.get("map_public_ip_on_launch").map(|b| &b.v), Some(V::Bool(true)))}))?);
                doc.kinds.insert(Kind::Ec2Subnets);
            }
            "aws_vpc" => {
                let rtb = format!("{id}/main-route-table");
                sink.at(&rtb, "", r.pos);
                let routes: Vec<Value> = Vec::new();
                let mut assoc = vec![json!({"Main": true})];
                // `aws_main_route_table_association` replaces the main table.
                let replaced = of("aws_main_route_table_association")
                    .any(|m| p.refs(m, &["vpc_id"]).ok().is_some_and(|x| x.contains(&id)));
                if replaced {
                    assoc.clear();
                }
                doc.route_tables.push(model(&rtb, json!({"RouteTableId": rtb, "VpcId": id, "Associations": assoc, "Routes": routes}))?);
                let acl = format!("{id}/default-network-acl");
                sink.at(&acl, "", r.pos);
                let entry = |egress: bool, n: i64, action: &str| json!({"RuleNumber": n, "Protocol": "-1", "RuleAction": action, "Egress": egress, "CidrBlock": "0.0.0.0/0"});
                doc.network_acls.push(model(&acl, json!({"NetworkAclId": acl, "VpcId": id, "IsDefault": true, "Associations": [],
                    "Entries": [entry(false, 100, "allow"), entry(false, 32767, "deny"), entry(true, 100, "allow"), entry(true, 32767, "deny")]}))?);
                doc.kinds
                    .extend([Kind::Ec2RouteTables, Kind::Ec2NetworkAcls]);
            }
            "aws_route_table" => {
                let vpc = one(&mut sink, &["vpc_id"], "VpcId")
                    .unwrap_or_else(|| format!("{id}/unresolved-vpc"));
                let mut routes = Vec::new();
                for (i, rt) in v
                    .get("route")
                    .and_then(Node::seq)
                    .unwrap_or(&[])
                    .iter()
                    .enumerate()
                {
                    let path = format!("Routes[{}]", routes.len());
                    sink.at(&id, &path, rt.pos);
                    let gw = p
                        .refs(r, &["route", &i.to_string(), "gateway_id"])
                        .ok()
                        .and_then(|x| x.into_iter().next());
                    routes.push(json!({"DestinationCidrBlock": s(rt, "cidr_block").filter(|c| !c.is_empty()),
                        "DestinationIpv6CidrBlock": s(rt, "ipv6_cidr_block").filter(|c| !c.is_empty()),
                        "GatewayId": gw.filter(|g| !g.is_empty()), "NatGatewayId": s(rt, "nat_gateway_id").filter(|c| !c.is_empty()), "State": "active"}));
                }
                for rr in of("aws_route") {
                    if p.refs(rr, &["route_table_id"])
                        .ok()
                        .is_some_and(|x| x.contains(&id))
                    {
                        let path = format!("Routes[{}]", routes.len());
                        sink.at(&id, &path, rr.pos);
                        let gw = p
                            .refs(rr, &["gateway_id"])
                            .ok()
                            .and_then(|x| x.into_iter().next());
                        routes.push(json!({"DestinationCidrBlock": s(rr.values, "destination_cidr_block"),
                            "DestinationIpv6CidrBlock": s(rr.values, "destination_ipv6_cidr_block"),
                            "GatewayId": gw, "NatGatewayId": s(rr.values, "nat_gateway_id"), "State": "active"}));
                    }
                }
                let mut assoc = Vec::new();
                for a in of("aws_route_table_association") {
                    if p.refs(a, &["route_table_id"])
                        .ok()
                        .is_some_and(|x| x.contains(&id))
                    {
                        let subnet = p
                            .refs(a, &["subnet_id"])
                            .ok()
                            .and_then(|x| x.into_iter().next());
                        assoc.push(json!({"Main": false, "SubnetId": subnet}));
                    }
                }
                for m in of("aws_main_route_table_association") {
                    if p.refs(m, &["route_table_id"])
                        .ok()
                        .is_some_and(|x| x.contains(&id))
                    {
                        assoc.push(json!({"Main": true}));
                    }
                }
                doc.route_tables.push(model(&id, json!({"RouteTableId": id, "VpcId": vpc, "Associations": assoc, "Routes": routes}))?);
                doc.kinds.insert(Kind::Ec2RouteTables);
            }
            "aws_internet_gateway" => {
                let vpc = p
                    .refs(r, &["vpc_id"])
                    .ok()
                    .and_then(|x| x.into_iter().next());
                let mut att: Vec<Value> = vpc
                    .into_iter()
                    .map(|v| json!({"VpcId": v, "State": "available"}))
                    .collect();
                for a in of("aws_internet_gateway_attachment") {
                    if p.refs(a, &["internet_gateway_id"])
                        .ok()
                        .is_some_and(|x| x.contains(&id))
                    {
                        let vpc = p
                            .refs(a, &["vpc_id"])
                            .ok()
                            .and_then(|x| x.into_iter().next());
                        att.push(json!({"VpcId": vpc, "State": "available"}));
                    }
                }
                doc.internet_gateways.push(model(
                    &id,
                    json!({"InternetGatewayId": id, "Attachments": att}),
                )?);
                doc.kinds.insert(Kind::Ec2InternetGateways);
            }
            "aws_network_acl" => {
                let vpc = one(&mut sink, &["vpc_id"], "VpcId")
                    .unwrap_or_else(|| format!("{id}/unresolved-vpc"));
                let mut entries = Vec::new();
                for (dir, egress) in [("ingress", false), ("egress", true)] {
                    for e in v.get(dir).and_then(Node::seq).unwrap_or(&[]) {
                        sink.at(&id, &format!("Entries[{}]", entries.len()), e.pos);
                        entries.push(json!({"RuleNumber": s(e, "rule_no").and_then(|x| x.parse::<i64>().ok()).unwrap_or(0),
                            "Protocol": proto_number(&s(e, "protocol").unwrap_or_default()), "RuleAction": s(e, "action").unwrap_or_default().to_ascii_lowercase(),
                            "Egress": egress, "CidrBlock": s(e, "cidr_block").filter(|c| !c.is_empty()), "Ipv6CidrBlock": s(e, "ipv6_cidr_block").filter(|c| !c.is_empty()),
                            "PortRange": {"From": s(e, "from_port").and_then(|x| x.parse::<i32>().ok()), "To": s(e, "to_port").and_then(|x| x.parse::<i32>().ok())}}));
                    }
                }
                let subnets: Vec<Value> = p
                    .refs(r, &["subnet_ids"])
                    .unwrap_or_default()
                    .into_iter()
                    .map(|s| json!({"SubnetId": s}))
                    .collect();
                doc.network_acls.push(model(&id, json!({"NetworkAclId": id, "VpcId": vpc, "IsDefault": false, "Associations": subnets, "Entries": entries}))?);
                doc.kinds.insert(Kind::Ec2NetworkAcls);
            }
            "aws_lb" | "aws_alb" => {
                let internal = matches!(v.get("internal").map(|b| &b.v), Some(V::Bool(true)));
                if let Some((k, _)) = v.entry("internal") {
                    sink.at(&id, "Scheme", k.pos);
                }
                // Subnets known only after apply are a gap, not "no subnets".
                let subnets = p.refs(r, &["subnets"]).unwrap_or_else(|why| {
                    sink.unknown(&id, "AvailabilityZones", &Node::new(V::Unknown(why), r.pos));
                    Vec::new()
                });
                let subnets: Vec<Value> = subnets
                    .into_iter()
                    .map(|s| json!({"SubnetId": s}))
                    .collect();
                doc.load_balancers.push(model(
                    &id,
                    json!({"LoadBalancerArn": id, "LoadBalancerName": s(v, "name"),
                    "Scheme": if internal { "internal" } else { "internet-facing" },
                    "Type": s(v, "load_balancer_type").unwrap_or_else(|| "application".into()),
                    "SecurityGroups": p.refs(r, &["security_groups"]).unwrap_or_default(),
                    "AvailabilityZones": subnets}),
                )?);
                doc.kinds.insert(Kind::Elbv2LoadBalancers);
            }
            "aws_lb_target_group" | "aws_alb_target_group" => {
                let lbs: Vec<String> = of("aws_lb_listener")
                    .filter(|l| {
                        p.refs(l, &["default_action", "0", "target_group_arn"])
                            .ok()
                            .is_some_and(|x| x.contains(&id))
                    })
                    .filter_map(|l| {
                        p.refs(l, &["load_balancer_arn"])
                            .ok()
                            .and_then(|x| x.into_iter().next())
                    })
                    .collect();
                doc.target_groups.push(model(&id, json!({"TargetGroupArn": id, "TargetGroupName": s(v, "name"),
                    "Port": s(v, "port").and_then(|x| x.parse::<u16>().ok()), "Protocol": s(v, "protocol"),
                    "TargetType": s(v, "target_type"), "LoadBalancerArns": lbs}))?);
                doc.kinds.insert(Kind::Elbv2TargetGroups);
            }
            "aws_lb_listener" | "aws_alb_listener" => {
                let lb = one(&mut sink, &["load_balancer_arn"], "LoadBalancerArn")
                    .unwrap_or_else(|| format!("{id}/unresolved-lb"));
                // The same blocks as a rule's `action` (forward, weights, sign-in).
                let actions =
                    rules::actions(p, r, &mut sink, &id, "default_action", "DefaultActions");
                doc.listeners.push(model(&id, json!({"ListenerArn": id, "LoadBalancerArn": lb,
                    "Port": s(v, "port").and_then(|x| x.parse::<u16>().ok()), "Protocol": s(v, "protocol"), "DefaultActions": actions}))?);
                doc.kinds.insert(Kind::Elbv2Listeners);
                // A plan declares all the rules of its listeners.
                doc.kinds.insert(Kind::Elbv2Rules);
            }
            "aws_lb_listener_rule" | "aws_alb_listener_rule" => {
                let rule = rules::listener_rule(p, r, &mut sink, &id);
                doc.listener_rules.push(model(&id, rule)?);
                doc.kinds.insert(Kind::Elbv2Rules);
            }
            "aws_iam_role" => {
                let mut inline = Vec::new();
                for pol in v.get("inline_policy").and_then(Node::seq).unwrap_or(&[]) {
                    if let Some(d) = s(pol, "policy").filter(|d| !d.is_empty()) {
                        sink.at(&id, &format!("RolePolicyList[{}]", inline.len()), pol.pos);
                        inline.push(json!({"PolicyName": s(pol, "name"), "PolicyDocument": d}));
                    }
                }
                for rp in of("aws_iam_role_policy") {
                    if p.refs(rp, &["role"]).ok().is_some_and(|x| x.contains(&id)) {
                        sink.at(&id, &format!("RolePolicyList[{}]", inline.len()), rp.pos);
                        match s(rp.values, "policy") {
                            Some(d) => inline.push(json!({"PolicyName": s(rp.values, "name").unwrap_or_else(|| rp.address.clone()), "PolicyDocument": d})),
                            None => sink.unknown(&id, &format!("RolePolicyList[{}]", inline.len()), &Node::new(V::Unknown(format!("the policy of `{}` is known only after apply", rp.address)), rp.pos)),
                        }
                    }
                }
                let mut attached = Vec::new();
                for a in v
                    .get("managed_policy_arns")
                    .and_then(Node::seq)
                    .unwrap_or(&[])
                {
                    if let Some(arn) = a.text() {
                        sink.at(
                            &id,
                            &format!("AttachedManagedPolicies[{}]", attached.len()),
                            a.pos,
                        );
                        attached
                            .push(json!({"PolicyArn": p.known.get(&arn).cloned().unwrap_or(arn)}));
                    }
                }
                for a in of("aws_iam_role_policy_attachment") {
                    if p.refs(a, &["role"]).ok().is_some_and(|x| x.contains(&id)) {
                        let path = format!("AttachedManagedPolicies[{}]", attached.len());
                        sink.at(&id, &path, a.pos);
                        match p.refs(a, &["policy_arn"]) {
                            Ok(x) if !x.is_empty() => attached.push(json!({"PolicyArn": x[0]})),
                            Ok(_) => {}
                            Err(why) => {
                                sink.unknown(&id, &path, &Node::new(V::Unknown(why), a.pos))
                            }
                        }
                    }
                }
                let mut role = json!({"Arn": id, "RoleName": s(v, "name"), "RolePolicyList": inline, "AttachedManagedPolicies": attached});
                if let Some(d) = s(v, "assume_role_policy") {
                    role["AssumeRolePolicyDocument"] = json!(d);
                }
                doc.roles.push(model(&id, role)?);
                doc.kinds.insert(Kind::IamAuthorizationDetails);
            }
            "aws_iam_policy" => {
                if let Some((k, _)) = v.entry("policy") {
                    sink.at(&id, "PolicyVersionList[0].Document", k.pos);
                }
                doc.policies.push(model(&id, json!({"Arn": id, "PolicyName": s(v, "name"), "DefaultVersionId": "v1",
                    "PolicyVersionList": [{"Document": s(v, "policy"), "VersionId": "v1", "IsDefaultVersion": true}]}))?);
                doc.kinds.insert(Kind::IamAuthorizationDetails);
            }
            _ => {}
        }
    }
    // Tags `ecs-exposure:suppress:<trait-id>` = "<reason>[; expires YYYY-MM-DD]".
    for r in &p.resources {
        for (k, v) in r.values.get("tags").and_then(Node::map).unwrap_or(&[]) {
            let Some(trait_id) = k.name.strip_prefix("ecs-exposure:suppress:") else {
                continue;
            };
            let text = v.text().unwrap_or_default();
            let (reason, expires) = match text.split_once("; expires ") {
                Some((r, e)) => (r.to_string(), Some(e.trim().to_string())),
                None => (text, None),
            };
            doc.suppressions.push(crate::model::Suppression {
                trait_id: trait_id.to_string(),
                resource: p.id(r),
                reason,
                expires,
                source: format!("{file}:{}", k.pos.line),
            });
        }
    }
    doc.host_groups = hosts::host_groups(p, &mut sink);
    doc.sources = sink.sources;
    doc.unresolved = sink.unresolved;
    Ok(doc)
}

#[allow(clippy::too_many_arguments)]
fn tf_rule(
    sink: &mut Sink<'_>,
    sg: &str,
    perms: &mut Vec<Value>,
    rule: &Node,
    proto: Option<String>,
    v4: Vec<String>,
    v6: Vec<String>,
    groups: Vec<String>,
) {
    let base = format!("IpPermissions[{}]", perms.len());
    sink.at(sg, &base, rule.pos);
    for (key, list) in [
        ("cidr_blocks", "IpRanges"),
        ("cidr_ipv4", "IpRanges"),
        ("ipv6_cidr_blocks", "Ipv6Ranges"),
        ("cidr_ipv6", "Ipv6Ranges"),
    ] {
        if let Some((k, _)) = rule.entry(key) {
            sink.at(sg, &format!("{base}.{list}"), k.pos);
        }
    }
    let proto = proto.unwrap_or_else(|| "-1".into());
    let proto = if proto == "all" {
        "-1".to_string()
    } else {
        proto
    };
    let port = |k: &str| {
        rule.get(k)
            .and_then(Node::text)
            .and_then(|x| x.parse::<i32>().ok())
    };
    let mut perm = json!({"IpProtocol": proto,
        "IpRanges": v4.iter().map(|c| json!({"CidrIp": c})).collect::<Vec<_>>(),
        "Ipv6Ranges": v6.iter().map(|c| json!({"CidrIpv6": c})).collect::<Vec<_>>(),
        "UserIdGroupPairs": groups.iter().map(|g| json!({"GroupId": g})).collect::<Vec<_>>()});
    if proto != "-1" {
        perm["FromPort"] = json!(port("from_port"));
        perm["ToPort"] = json!(port("to_port"));
    }
    perms.push(perm);
}

/// The instance key of an address (`aws_x.y["a"]` → `["a"]`, `aws_x.y[0]` → `[0]`).
fn instance_key(address: &str) -> String {
    match (address.rfind('['), address.ends_with(']')) {
        (Some(i), true) if !address[i..].contains('.') => address[i..].to_string(),
        _ => String::new(),
    }
}

/// Which instance of a referenced resource is meant: the only one, or the one with the same
/// instance key as the referring resource (`for_each` over the same keys: `each.key`).
fn pick_instance(instances: &[(String, String)], key: &str) -> Option<String> {
    if let [(_, id)] = instances {
        return Some(id.clone());
    }
    instances
        .iter()
        .find(|(k, _)| !key.is_empty() && k == key)
        .map(|(_, id)| id.clone())
}

fn proto_number(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "tcp" => "6".into(),
        "udp" => "17".into(),
        "icmp" => "1".into(),
        "all" | "-1" => "-1".into(),
        other => other.to_string(),
    }
}

fn strings(n: Option<&Node>) -> Vec<String> {
    n.and_then(Node::seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(Node::text)
        .collect()
}

fn walk_planned<'a>(m: &'a Node, out: &mut Vec<Res<'a>>) {
    let module = m
        .get("address")
        .and_then(Node::str)
        .map(|a| format!("{a}."))
        .unwrap_or_default();
    for r in m.get("resources").and_then(Node::seq).unwrap_or(&[]) {
        if r.get("mode").and_then(Node::str) != Some("managed") {
            continue;
        }
        let (Some(address), Some(ty), Some(values)) = (
            r.get("address").and_then(Node::str),
            r.get("type").and_then(Node::str),
            r.get("values"),
        ) else {
            continue;
        };
        out.push(Res {
            address: address.to_string(),
            module: module.clone(),
            ty,
            values,
            pos: r.pos,
        });
    }
    for c in m.get("child_modules").and_then(Node::seq).unwrap_or(&[]) {
        walk_planned(c, out);
    }
}

fn walk_config<'a>(m: &'a Node, prefix: &str, out: &mut HashMap<String, &'a Node>) {
    for r in m.get("resources").and_then(Node::seq).unwrap_or(&[]) {
        if let (Some(a), Some(e)) = (r.get("address").and_then(Node::str), r.get("expressions")) {
            out.insert(format!("{prefix}{a}"), e);
        }
    }
    for (k, call) in m.get("module_calls").and_then(Node::map).unwrap_or(&[]) {
        if let Some(inner) = call.get("module") {
            walk_config(inner, &format!("{prefix}module.{}.", k.name), out);
        }
    }
}

fn model<T: serde::de::DeserializeOwned>(id: &str, v: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        format!(
            "resource `{id}`: cannot read `{}`: {}",
            e.path(),
            crate::load::redact::json_error(e.inner())
        )
    })
}
