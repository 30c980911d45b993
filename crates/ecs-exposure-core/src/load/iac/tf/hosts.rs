//! Terraform: the EC2 hosts launched into a cluster, as [`HostGroup`]s.
//!
//! `aws_ecs_cluster` ← `aws_ecs_cluster_capacity_providers` (or the cluster's own
//! `capacity_providers`) ← `aws_ecs_capacity_provider` (`auto_scaling_group_arn`) ←
//! `aws_autoscaling_group` (`vpc_zone_identifier`, `launch_template`,
//! `mixed_instances_policy`, `launch_configuration`) ← `aws_launch_template` or
//! `aws_launch_configuration`. Without a capacity provider, the launch settings' `user_data`
//! joins the cluster: through a reference to the cluster in its configuration expression
//! (`templatefile(…, {cluster = aws_ecs_cluster.main.name})`), or a literal
//! `ECS_CLUSTER=<name>` in its planned text (base64 for launch templates). An `aws_instance`
//! joins the same way.

use super::super::node::{Node, V};
use super::super::user_data::{cluster_values, decode_base64};
use super::super::{ASG, IacError, Sink};
use super::{Plan, Res, strings, strip_keys};
use crate::model::{HostGroup, LaunchPublicIp, Resource};

const INSTANCE: &str = "AWS::EC2::Instance";

fn s(n: &Node, k: &str) -> Option<String> {
    n.get(k).and_then(Node::text).filter(|t| !t.is_empty())
}

impl<'a> Plan<'a> {
    /// A resource of one of `types` named by `value` (an id this plan gives it, or its `name`).
    fn named(&self, types: &[&str], value: &str) -> Option<&Res<'a>> {
        self.resources.iter().find(|r| {
            types.contains(&r.ty)
                && (self.id(r) == value || s(r.values, "name").as_deref() == Some(value))
        })
    }

    /// The cluster a value names: an `aws_ecs_cluster` of the plan, else the text.
    fn cluster(&self, value: &str) -> String {
        self.named(&["aws_ecs_cluster"], value)
            .map(|c| self.id(c))
            .unwrap_or_else(|| value.to_string())
    }
}

/// An Auto Scaling group reference (id or name) → the cluster whose capacity provider names
/// it, and how.
pub(super) struct ProviderLink {
    group: String,
    cluster: String,
    how: String,
}

/// Every link from an Auto Scaling group to a cluster through capacity providers.
fn provider_links(p: &Plan<'_>) -> Vec<ProviderLink> {
    let mut links: Vec<(String, String, String)> = Vec::new();
    for c in p.of("aws_ecs_cluster_capacity_providers") {
        let Some(cluster) = p.first(c, &["cluster_name"]) else {
            continue;
        };
        let cluster = p.cluster(&cluster);
        let how = format!("`{}`", c.address);
        for cp in p.refs(c, &["capacity_providers"]).unwrap_or_default() {
            links.push((cluster.clone(), cp, how.clone()));
        }
        for (i, _) in c
            .values
            .get("default_capacity_provider_strategy")
            .and_then(Node::seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let path = [
                "default_capacity_provider_strategy",
                &i.to_string(),
                "capacity_provider",
            ];
            for cp in p.refs(c, &path).unwrap_or_default() {
                links.push((cluster.clone(), cp, how.clone()));
            }
        }
    }
    for c in p.of("aws_ecs_cluster") {
        for cp in p.refs(c, &["capacity_providers"]).unwrap_or_default() {
            links.push((
                p.id(c),
                cp,
                format!("the `capacity_providers` of `{}`", c.address),
            ));
        }
    }
    let mut out = Vec::new();
    for (cluster, cp, how) in links {
        let Some(cpr) = p.named(&["aws_ecs_capacity_provider"], &cp) else {
            continue;
        };
        let path = ["auto_scaling_group_provider", "0", "auto_scaling_group_arn"];
        if let Some(group) = p.first(cpr, &path) {
            out.push(ProviderLink {
                group,
                cluster,
                how: format!("capacity provider `{}` (named in {how})", cpr.address),
            });
        }
    }
    out
}

/// An `aws_autoscaling_group` that joins a cluster, as a [`HostGroup`].
pub(super) fn auto_scaling_group(
    p: &Plan<'_>,
    sink: &mut Sink<'_>,
    r: &Res<'_>,
    id: &str,
) -> Result<Vec<Resource>, IacError> {
    let name = s(r.values, "name");
    let launch = launch_of(p, r, id);
    let link = (p.providers.get_or_init(|| provider_links(p)).iter())
        .find(|l| l.group == id || Some(&l.group) == name.as_ref())
        .map(|l| (l.cluster.clone(), l.how.clone()))
        .or_else(|| match &launch {
            Ok(Some(l)) => user_data_link(p, l),
            _ => None,
        });
    let Some((cluster, how)) = link else {
        return Ok(Vec::new());
    };
    let mut g = HostGroup::new(id.to_string(), ASG, cluster, how);
    match &launch {
        Ok(Some(l)) => {
            g.launch = Some(p.id(l));
            read_launch(p, sink, &mut g, l);
        }
        Ok(None) => g.gaps.push(format!(
            "Auto Scaling group `{}` names no launch template or launch configuration, so its instances' security groups and public addresses are unknown",
            r.address
        )),
        Err(why) => g.gaps.push(why.clone()),
    }
    if let Some((k, _)) = r.values.entry("vpc_zone_identifier") {
        sink.at(id, "vpc_zone_identifier", k.pos);
    }
    match p.refs(r, &["vpc_zone_identifier"]) {
        Ok(ids) if !ids.is_empty() => g.subnets = ids,
        Ok(_) if !g.subnets.is_empty() => {}
        Ok(_) => g.gaps.push(format!(
            "Auto Scaling group `{}` names no subnets (`vpc_zone_identifier`), so where its instances run is unknown",
            r.address
        )),
        Err(why) => g.gaps.push(format!(
            "the subnets of Auto Scaling group `{}` are unknown: {why}",
            r.address
        )),
    }
    Ok(vec![Resource::HostGroup(g)])
}

/// An `aws_instance` that joins a cluster (in its `user_data`), as a [`HostGroup`].
pub(super) fn instance(
    p: &Plan<'_>,
    sink: &mut Sink<'_>,
    r: &Res<'_>,
    id: &str,
) -> Result<Vec<Resource>, IacError> {
    let Some((cluster, how)) = user_data_link(p, r) else {
        return Ok(Vec::new());
    };
    let mut g = HostGroup::new(id.to_string(), INSTANCE, cluster, how);
    read_launch(p, sink, &mut g, r);
    match p.refs(r, &["subnet_id"]) {
        Ok(ids) if !ids.is_empty() => g.subnets = ids,
        _ if !g.subnets.is_empty() => {}
        _ => g.gaps.push(format!(
            "the subnet of EC2 instance `{}` is unknown, so where it runs is unknown",
            r.address
        )),
    }
    Ok(vec![Resource::HostGroup(g)])
}

/// The launch template or configuration of an Auto Scaling group.
fn launch_of<'p, 'a>(
    p: &'p Plan<'a>,
    r: &Res<'_>,
    id: &str,
) -> Result<Option<&'p Res<'a>>, String> {
    let candidates: [(&[&str], &[&str]); 5] = [
        (&["launch_template", "0", "id"], &["aws_launch_template"]),
        (&["launch_template", "0", "name"], &["aws_launch_template"]),
        (
            &[
                "mixed_instances_policy",
                "0",
                "launch_template",
                "0",
                "launch_template_specification",
                "0",
                "launch_template_id",
            ],
            &["aws_launch_template"],
        ),
        (
            &[
                "mixed_instances_policy",
                "0",
                "launch_template",
                "0",
                "launch_template_specification",
                "0",
                "launch_template_name",
            ],
            &["aws_launch_template"],
        ),
        (&["launch_configuration"], &["aws_launch_configuration"]),
    ];
    let mut why = None;
    for (path, types) in candidates {
        // Only attributes the group sets (in its values or its configuration).
        let mut v = Some(r.values);
        for k in path {
            v = v.and_then(|n| match k.parse::<usize>() {
                Ok(i) => n.seq().and_then(|s| s.get(i)),
                Err(_) => n.get(k),
            });
        }
        if v.is_some_and(|n| matches!(&n.v, V::Str(x) if x.is_empty()) || matches!(n.v, V::Null)) {
            continue;
        }
        match p.refs(r, path) {
            Ok(vals) => {
                for val in vals {
                    if let Some(l) = p.named(types, &val) {
                        return Ok(Some(l));
                    }
                    why.get_or_insert(format!(
                        "the {} `{val}` of Auto Scaling group `{id}` is not in the plan, so its instances' security groups and public addresses are unknown",
                        if types[0] == "aws_launch_template" {
                            "launch template"
                        } else {
                            "launch configuration"
                        }
                    ));
                }
            }
            Err(e) if v.is_some() => {
                why.get_or_insert(format!(
                    "the launch settings of Auto Scaling group `{id}` are unknown: {e}"
                ));
            }
            Err(_) => {}
        }
    }
    match why {
        Some(w) => Err(w),
        None => Ok(None),
    }
}

/// The cluster a launch template's, launch configuration's or instance's `user_data` joins,
/// and how that was read.
fn user_data_link(p: &Plan<'_>, r: &Res<'_>) -> Option<(String, String)> {
    let refs = p
        .expressions
        .get(&strip_keys(&r.address))
        .and_then(|e| e.get("user_data").or_else(|| e.get("user_data_base64")))
        .and_then(|e| e.get("references"))
        .and_then(Node::seq)
        .unwrap_or(&[]);
    for rf in refs.iter().filter_map(Node::str) {
        let full = format!("{}{rf}", r.module);
        for c in p.of("aws_ecs_cluster") {
            let addr = strip_keys(&c.address);
            if full == addr || full.starts_with(&format!("{addr}.")) {
                return Some((
                    p.id(c),
                    format!("the `user_data` of `{}`, which refers to `{rf}`", r.address),
                ));
            }
        }
    }
    let plain = s(r.values, "user_data");
    let texts = [
        plain.clone(),
        plain.as_deref().and_then(decode_base64),
        s(r.values, "user_data_base64")
            .as_deref()
            .and_then(decode_base64),
    ];
    for t in texts.iter().flatten() {
        if let Some(v) = cluster_values(t)
            .into_iter()
            .find(|v| !v.is_empty() && !v.contains("${"))
        {
            return Some((
                p.cluster(v),
                format!("`ECS_CLUSTER={v}` in the `user_data` of `{}`", r.address),
            ));
        }
    }
    None
}

/// Security groups, public address, subnet and IPv6 of a launch template, launch
/// configuration or instance.
fn read_launch(p: &Plan<'_>, sink: &mut Sink<'_>, g: &mut HostGroup, l: &Res<'_>) {
    let lid = p.id(l);
    let add_groups = |g: &mut HostGroup, path: &[&str]| match p.refs(l, path) {
        Ok(ids) => {
            for id in ids {
                if !g.security_groups.contains(&id) {
                    g.security_groups.push(id);
                }
            }
        }
        Err(why)
            if l.values
                .get(path[0])
                .is_some_and(|n| !matches!(n.v, V::Null)) =>
        {
            g.gaps.push(format!(
                "the security groups of `{}` are unknown: {why}",
                l.address
            ));
        }
        Err(_) => {}
    };
    let v = l.values;
    match l.ty {
        "aws_launch_template" => {
            add_groups(g, &["vpc_security_group_ids"]);
            for name in strings(v.get("security_group_names")) {
                if let Some(sg) = p.named(&["aws_security_group"], &name) {
                    g.security_groups.push(p.id(sg));
                } else {
                    g.security_groups.push(name);
                }
            }
            for (i, ni) in v
                .get("network_interfaces")
                .and_then(Node::seq)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                if s(ni, "device_index").is_some_and(|d| d != "0") {
                    continue;
                }
                add_groups(
                    g,
                    &["network_interfaces", &i.to_string(), "security_groups"],
                );
                let field = format!("network_interfaces[{i}].associate_public_ip_address");
                if let Some((k, val)) = ni.entry("associate_public_ip_address") {
                    sink.at(&lid, &field, k.pos);
                    set_public(g, &lid, field, val);
                }
                if let Ok(ids) = p.refs(l, &["network_interfaces", &i.to_string(), "subnet_id"]) {
                    g.subnets.extend(ids.into_iter().filter(|s| !s.is_empty()));
                }
                let count = s(ni, "ipv6_address_count").and_then(|c| c.parse::<u32>().ok());
                g.ipv6 |=
                    count.is_some_and(|c| c > 0) || !strings(ni.get("ipv6_addresses")).is_empty();
            }
        }
        _ => {
            // `aws_launch_configuration` and `aws_instance`.
            add_groups(g, &["security_groups"]);
            add_groups(g, &["vpc_security_group_ids"]);
            if let Some((k, val)) = v.entry("associate_public_ip_address") {
                sink.at(&lid, "associate_public_ip_address", k.pos);
                set_public(g, &lid, "associate_public_ip_address".into(), val);
            }
            let count = s(v, "ipv6_address_count").and_then(|c| c.parse::<u32>().ok());
            g.ipv6 |= count.is_some_and(|c| c > 0);
        }
    }
}

/// `associate_public_ip_address`: a boolean, or the launch template's text form; null or
/// empty leaves it to the subnet.
fn set_public(g: &mut HostGroup, resource: &str, field: String, n: &Node) {
    let public = match &n.v {
        V::Bool(b) => Some(*b),
        V::Str(t) if t.eq_ignore_ascii_case("true") => Some(true),
        V::Str(t) if t.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    };
    if let Some(public) = public {
        g.public_ip = LaunchPublicIp::Set {
            public,
            resource: resource.to_string(),
            field,
        };
    }
}

#[cfg(test)]
mod tests;
