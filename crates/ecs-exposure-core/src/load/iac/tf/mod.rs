//! Terraform plan JSON (`terraform show -json plan.out`) → inventory. Resources come from
//! `planned_values` (root and child modules); a value unknown until apply (a new resource's
//! id) is linked through the plan's `configuration` references, so that a service still finds
//! the task definition and security groups it will use. Locations point into the plan file,
//! at the planned value (the plan does not record the `.tf` lines).
//!
//! One converter per resource type ([`CONVERTERS`]), each a small function of one signature;
//! [`convert`] is a loop over the plan's resources that looks each type up there. Resolving a
//! reference attribute ([`Plan::refs`], [`Plan::one`]) is shared by all of them.

use super::node::{Node, V};
use super::{IacDocument, IacError, Sink};
use crate::model::*;
use serde_json::Value;
use std::collections::HashMap;

mod ec2;
mod ecs;
mod elbv2;
mod hosts;
mod iam;
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
    /// The links from Auto Scaling groups to clusters through capacity providers, found once
    /// for all the groups (see `hosts`).
    providers: std::cell::OnceCell<Vec<hosts::ProviderLink>>,
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
        format!("{}#{}", self.file, r.address)
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

    /// One reference attribute at `path`, recorded at model path `field`: its id, or an
    /// unresolved record and `None`.
    fn one(
        &self,
        sink: &mut Sink<'_>,
        r: &Res<'_>,
        id: &str,
        path: &[&str],
        field: &str,
    ) -> Option<String> {
        match self.refs(r, path) {
            Ok(mut ids) if !ids.is_empty() => Some(ids.swap_remove(0)),
            Ok(_) => None,
            Err(why) => {
                sink.unknown(id, field, &Node::new(V::Unknown(why), r.pos));
                None
            }
        }
    }

    /// The first id a reference attribute names, if it can be resolved.
    fn first(&self, r: &Res<'_>, path: &[&str]) -> Option<String> {
        self.refs(r, path).ok().and_then(|x| x.into_iter().next())
    }

    /// Whether a reference attribute of `r` names the resource `id`.
    fn names(&self, r: &Res<'_>, path: &[&str], id: &str) -> bool {
        self.refs(r, path)
            .ok()
            .is_some_and(|x| x.iter().any(|x| x == id))
    }

    fn of(&self, ty: &'static str) -> impl Iterator<Item = &Res<'a>> {
        self.resources.iter().filter(move |r| r.ty == ty)
    }
}

/// Converts one resource (with its id) into the resources of the inventory it gives.
type Converter = fn(&Plan<'_>, &mut Sink<'_>, &Res<'_>, &str) -> Result<Vec<Resource>, IacError>;

/// Every supported resource type: its converter, and the kinds of input a plan that has one
/// declares loaded. Types not here (and resources only gathered by others, as
/// `aws_security_group_rule`) give no resource of their own.
// One line per type, so that the table reads as one.
#[rustfmt::skip]
const CONVERTERS: &[(&str, &[Kind], Converter)] = &[
    ("aws_ecs_task_definition", &[Kind::EcsTaskDefinition], ecs::task_definition),
    ("aws_ecs_service", &[Kind::EcsServices], ecs::service),
    ("aws_security_group", &[Kind::Ec2SecurityGroups], ec2::security_group),
    ("aws_subnet", &[Kind::Ec2Subnets], ec2::subnet),
    ("aws_vpc", &[Kind::Ec2RouteTables, Kind::Ec2NetworkAcls], ec2::vpc),
    ("aws_route_table", &[Kind::Ec2RouteTables], ec2::route_table),
    ("aws_internet_gateway", &[Kind::Ec2InternetGateways], ec2::internet_gateway),
    ("aws_network_acl", &[Kind::Ec2NetworkAcls], ec2::network_acl),
    ("aws_lb", &[Kind::Elbv2LoadBalancers], elbv2::load_balancer),
    ("aws_alb", &[Kind::Elbv2LoadBalancers], elbv2::load_balancer),
    ("aws_lb_target_group", &[Kind::Elbv2TargetGroups], elbv2::target_group),
    ("aws_alb_target_group", &[Kind::Elbv2TargetGroups], elbv2::target_group),
    // A plan declares all the rules of its listeners.
    ("aws_lb_listener", &[Kind::Elbv2Listeners, Kind::Elbv2Rules], elbv2::listener),
    ("aws_alb_listener", &[Kind::Elbv2Listeners, Kind::Elbv2Rules], elbv2::listener),
    ("aws_lb_listener_rule", &[Kind::Elbv2Rules], rules::listener_rule),
    ("aws_alb_listener_rule", &[Kind::Elbv2Rules], rules::listener_rule),
    ("aws_iam_role", &[Kind::IamAuthorizationDetails], iam::role),
    ("aws_iam_policy", &[Kind::IamAuthorizationDetails], iam::policy),
    ("aws_autoscaling_group", &[], hosts::auto_scaling_group),
    ("aws_instance", &[], hosts::instance),
];

pub fn convert(file: &str, root: &Node, text: &str) -> Result<IacDocument, IacError> {
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
        providers: Default::default(),
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
    for r in &p.resources {
        let id = p.id(r);
        sink.origin(
            &id,
            crate::model::Origin::TerraformPlan {
                address: r.address.to_string(),
            },
        );
        sink.at(&id, "", r.pos);
        if let Some((_, kinds, converter)) = CONVERTERS.iter().find(|(ty, ..)| *ty == r.ty) {
            doc.resources.extend(converter(p, &mut sink, r, &id)?);
            doc.kinds.extend(kinds.iter().copied());
        }
    }
    for r in &p.resources {
        tag_suppressions(p, r, &mut doc.suppressions);
    }
    doc.sources = sink.sources;
    doc.unresolved = sink.unresolved;
    Ok(doc)
}

/// Tags `ecs-exposure:suppress:<trait-id>` = "<reason>[; expires YYYY-MM-DD]".
fn tag_suppressions(p: &Plan<'_>, r: &Res<'_>, out: &mut Vec<crate::model::Suppression>) {
    for (k, v) in r.values.get("tags").and_then(Node::map).unwrap_or(&[]) {
        let Some(trait_id) = k.name.strip_prefix("ecs-exposure:suppress:") else {
            continue;
        };
        let text = v.text().unwrap_or_default();
        let (reason, expires) = match text.split_once("; expires ") {
            Some((r, e)) => (r.to_string(), Some(e.trim().to_string())),
            None => (text, None),
        };
        out.push(crate::model::Suppression {
            trait_id: trait_id.to_string(),
            resource: p.id(r),
            reason,
            expires,
            source: format!("{}:{}", p.file, k.pos.line),
            written: crate::model::Written::InSource,
        });
    }
}

/// A text attribute of a planned value.
fn s(n: &Node, k: &str) -> Option<String> {
    n.get(k).and_then(Node::text)
}

/// A number attribute (planned values may hold it as a number or a text).
fn number<T: std::str::FromStr>(n: &Node, k: &str) -> Option<T> {
    s(n, k).and_then(|x| x.parse::<T>().ok())
}

/// The line of an attribute, recorded at model path `field` when it is written.
fn key_at(sink: &mut Sink<'_>, id: &str, n: &Node, attr: &str, field: &str) {
    if let Some((k, _)) = n.entry(attr) {
        sink.at(id, field, k.pos);
    }
}

/// A boolean attribute that is `true`.
fn is_true(n: &Node, k: &str) -> bool {
    matches!(n.get(k).map(|b| &b.v), Some(V::Bool(true)))
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

/// Deserializes converted JSON into a model struct; a failure names the resource and path.
fn model<T: serde::de::DeserializeOwned>(id: &str, v: Value) -> Result<T, IacError> {
    serde_path_to_error::deserialize(v).map_err(|e| IacError::Model {
        resource: id.to_string(),
        path: e.path().to_string(),
        expected: crate::load::redact::json_error(e.inner()),
        repairs: 0,
    })
}

#[cfg(test)]
mod table_tests {
    #[test]
    fn each_type_has_one_converter() {
        let types: Vec<&str> = super::CONVERTERS.iter().map(|(t, ..)| *t).collect();
        let mut unique = types.clone();
        unique.sort_unstable();
        unique.dedup();
        // A type given twice would leave the later converter unreachable.
        assert_eq!(unique.len(), types.len(), "{types:?}");
    }
}
