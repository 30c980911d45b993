//! CloudFormation: the EC2 hosts launched into a cluster, as [`HostGroup`]s.
//!
//! Cluster ← capacity provider (the cluster's `CapacityProviders` or
//! `DefaultCapacityProviderStrategy`, or an `AWS::ECS::ClusterCapacityProviderAssociations`)
//! ← `AutoScalingGroupProvider.AutoScalingGroupArn` ← Auto Scaling group (`VPCZoneIdentifier`,
//! `LaunchTemplate`, `MixedInstancesPolicy`, `LaunchConfigurationName`) ← launch template or
//! launch configuration (security groups, `AssociatePublicIpAddress`, subnet). Templates
//! without a capacity provider (most of them) join the cluster in the instances' UserData or
//! cfn-init metadata (`echo ECS_CLUSTER=${Cluster} >> /etc/ecs/ecs.config`): that reference
//! links them. Single `AWS::EC2::Instance`s join the same way.

use super::super::node::{Key, Node, Pos, V};
use super::super::user_data::cluster_values;
use super::super::{ASG, IacError, Sink};
use super::{Cx, Res, Resolved};
use crate::model::{HostGroup, LaunchPublicIp, Resource};

pub(super) const INSTANCE: &str = "AWS::EC2::Instance";
const LAUNCH_TEMPLATE: &str = "AWS::EC2::LaunchTemplate";
const LAUNCH_CONFIGURATION: &str = "AWS::AutoScaling::LaunchConfiguration";

/// An Auto Scaling group reference (id or name) → the cluster whose capacity provider names
/// it, and how.
pub(super) struct ProviderLink {
    group: String,
    cluster: String,
    how: String,
}

impl<'a> Cx<'a, '_> {
    /// The cluster a reference names: a cluster of this template by id or `ClusterName`, else
    /// the text (a cluster defined elsewhere, matched by name).
    fn cluster(&self, value: &str) -> String {
        self.of_type("AWS::ECS::Cluster")
            .find(|(l, _, p, _)| {
                self.t.id(l) == value || text(p, "ClusterName").as_deref() == Some(value)
            })
            .map(|(l, _, _, _)| self.t.id(l))
            .unwrap_or_else(|| value.to_string())
    }

    /// A resource of `ty` named by `value`: its id, or its name property.
    fn find(&self, ty: &'static str, name_key: &str, value: &str) -> Option<&Resolved<'a>> {
        self.of_type(ty).find(|(l, _, p, _)| {
            self.t.id(l) == value || text(p, name_key).as_deref() == Some(value)
        })
    }

    fn raw(&self, logical: &str) -> Option<&'a Node> {
        self.t
            .resources
            .iter()
            .find(|(l, _)| *l == logical)
            .map(|(_, n)| *n)
    }
}

fn text(n: &Node, k: &str) -> Option<String> {
    n.get(k).and_then(Node::text)
}

fn texts(n: Option<&Node>) -> Vec<&Node> {
    match n.map(|n| &n.v) {
        Some(V::Seq(items)) => items.iter().collect(),
        Some(_) => n.into_iter().collect(),
        None => Vec::new(),
    }
}

/// Every link from an Auto Scaling group to a cluster through capacity providers (the
/// cluster's own, or an `AWS::ECS::ClusterCapacityProviderAssociations`).
fn provider_links(cx: &Cx<'_, '_>) -> Vec<ProviderLink> {
    let t = cx.t;
    let mut provider_links = Vec::new();
    for (l, _, p, _) in cx.of_type("AWS::ECS::Cluster") {
        let id = t.id(l);
        for cp in texts(p.get("CapacityProviders")) {
            provider_links.push((id.clone(), cp.text(), "its `CapacityProviders`".to_string()));
        }
        for s in texts(p.get("DefaultCapacityProviderStrategy")) {
            provider_links.push((
                id.clone(),
                text(s, "CapacityProvider"),
                "its `DefaultCapacityProviderStrategy`".to_string(),
            ));
        }
    }
    for (l, _, p, _) in cx.of_type("AWS::ECS::ClusterCapacityProviderAssociations") {
        let Some(cluster) = text(p, "Cluster") else {
            continue;
        };
        let cluster = cx.cluster(&cluster);
        let how = format!("`{}`", t.id(l));
        for cp in texts(p.get("CapacityProviders")) {
            provider_links.push((cluster.clone(), cp.text(), how.clone()));
        }
        for s in texts(p.get("DefaultCapacityProviderStrategy")) {
            provider_links.push((cluster.clone(), text(s, "CapacityProvider"), how.clone()));
        }
    }
    let mut out = Vec::new();
    for (cluster, cp, how) in provider_links {
        let Some(cp) = cp else { continue };
        let Some((cl, _, cpp, _)) = cx.find("AWS::ECS::CapacityProvider", "Name", &cp) else {
            continue;
        };
        if let Some(group) = cpp
            .get("AutoScalingGroupProvider")
            .and_then(|a| text(a, "AutoScalingGroupArn"))
        {
            out.push(ProviderLink {
                group,
                cluster,
                how: format!("capacity provider `{}` (named in {how})", t.id(cl)),
            });
        }
    }
    out
}

/// An Auto Scaling group that joins a cluster, as a [`HostGroup`].
pub(super) fn auto_scaling_group(
    cx: &Cx<'_, '_>,
    sink: &mut Sink<'_>,
    r: &Res<'_, '_>,
) -> Result<Vec<Resource>, IacError> {
    let (id, props) = (&r.id, r.props);
    let t = cx.t;
    let name = text(props, "AutoScalingGroupName");
    let launch = launch_ref(cx, id, props);
    let mut links: Vec<(String, String)> = cx
        .providers
        .get_or_init(|| provider_links(cx))
        .iter()
        .filter(|p| p.group == *id || Some(&p.group) == name.as_ref())
        .map(|p| (p.cluster.clone(), p.how.clone()))
        .collect();
    if links.is_empty()
        && let Ok(Some((ll, _))) = &launch
    {
        links = user_data_links(cx, ll);
    }
    // An instance joins one cluster (one `ECS_CLUSTER`; a capacity provider belongs to one
    // cluster): the first link found is the group's.
    let Some((cluster, how)) = links.into_iter().next() else {
        return Ok(Vec::new());
    };
    let mut g = HostGroup::new(id.clone(), ASG, cluster, how);
    match &launch {
        Ok(Some((ll, ty))) => {
            let lid = t.id(ll);
            g.launch = Some(lid.clone());
            if let Some((_, _, lp, _)) = cx.resolved.iter().find(|r| r.0 == *ll) {
                if *ty == LAUNCH_TEMPLATE {
                    let data = lp.get("LaunchTemplateData");
                    read_launch(sink, &mut g, &lid, data, "LaunchTemplateData.", "Groups");
                } else {
                    read_launch(sink, &mut g, &lid, Some(lp), "", "Groups");
                }
            }
        }
        Ok(None) => g.gaps.push(format!(
            "Auto Scaling group `{id}` names no launch template or launch configuration, so its instances' security groups and public addresses are unknown"
        )),
        Err(why) => g.gaps.push(why.clone()),
    }
    match props.entry("VPCZoneIdentifier") {
        Some((k, list)) => {
            sink.at(id, "VPCZoneIdentifier", k.pos);
            let mut subnets = Vec::new();
            for (i, s) in texts(Some(list)).into_iter().enumerate() {
                match s.text() {
                    // A `List<…>` parameter's default is one comma-separated text.
                    Some(s) => subnets
                        .extend(s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)),
                    None => g.gaps.push(format!(
                        "`VPCZoneIdentifier[{i}]` of Auto Scaling group `{id}` cannot be resolved ({}), so not every subnet its instances run in is known",
                        reason(s)
                    )),
                }
            }
            g.subnets = subnets;
        }
        None if !g.subnets.is_empty() => {}
        None => g.gaps.push(format!(
            "Auto Scaling group `{id}` names no subnets (`VPCZoneIdentifier`) and its launch settings none, so where its instances run is unknown"
        )),
    }
    Ok(vec![Resource::HostGroup(g)])
}

/// A single EC2 instance that joins a cluster (in its UserData), as a [`HostGroup`].
pub(super) fn instance(
    cx: &Cx<'_, '_>,
    sink: &mut Sink<'_>,
    r: &Res<'_, '_>,
) -> Result<Vec<Resource>, IacError> {
    let (id, props) = (&r.id, r.props);
    let Some((cluster, how)) = user_data_links(cx, r.logical).into_iter().next() else {
        return Ok(Vec::new());
    };
    let mut g = HostGroup::new(id.clone(), INSTANCE, cluster, how);
    read_launch(sink, &mut g, id, Some(props), "", "GroupSet");
    if let Some(s) = text(props, "SubnetId") {
        g.subnets.push(s);
    }
    if g.subnets.is_empty() {
        g.gaps.push(format!(
            "EC2 instance `{id}` names no subnet, so where it runs is unknown"
        ));
    }
    Ok(vec![Resource::HostGroup(g)])
}

/// What an Auto Scaling group launches from: `Ok(Some((logical id, type)))`, `Ok(None)` when
/// it names nothing, `Err` (a gap) when it names something this template does not define.
fn launch_ref<'a>(
    cx: &Cx<'a, '_>,
    id: &str,
    props: &Node,
) -> Result<Option<(&'a str, &'static str)>, String> {
    let spec = props.get("LaunchTemplate").or_else(|| {
        props
            .get("MixedInstancesPolicy")
            .and_then(|m| m.get("LaunchTemplate"))
            .and_then(|l| l.get("LaunchTemplateSpecification"))
    });
    let (value, ty, key, name_key) = if let Some(spec) = spec {
        match spec
            .entry("LaunchTemplateId")
            .or_else(|| spec.entry("LaunchTemplateName"))
        {
            Some((k, v)) => (v, LAUNCH_TEMPLATE, k.name.as_str(), "LaunchTemplateName"),
            None => return Ok(None),
        }
    } else if let Some(v) = props.get("LaunchConfigurationName") {
        (
            v,
            LAUNCH_CONFIGURATION,
            "LaunchConfigurationName",
            "LaunchConfigurationName",
        )
    } else {
        return Ok(None);
    };
    let Some(value) = value.text() else {
        return Err(format!(
            "the `{key}` of Auto Scaling group `{id}` cannot be resolved ({}), so its instances' security groups and public addresses are unknown",
            reason(value)
        ));
    };
    match cx.find(ty, name_key, &value) {
        Some((l, _, _, _)) => Ok(Some((l, ty))),
        None => Err(format!(
            "the {} `{value}` of Auto Scaling group `{id}` is not defined in its template, so its instances' security groups and public addresses are unknown (add the template that defines it)",
            if ty == LAUNCH_TEMPLATE {
                "launch template"
            } else {
                "launch configuration"
            }
        )),
    }
}

fn reason(n: &Node) -> String {
    match &n.v {
        V::Unknown(w) => w.clone(),
        _ => "not a single value".to_string(),
    }
}

/// Security groups, public address, subnet and IPv6 of launch settings: a launch template's
/// `LaunchTemplateData`, a launch configuration, or an instance (`prefix` is the path of
/// `data` in its resource; `ni_groups` the key of a network interface's groups).
fn read_launch(
    sink: &mut Sink<'_>,
    g: &mut HostGroup,
    resource: &str,
    data: Option<&Node>,
    prefix: &str,
    ni_groups: &str,
) {
    let Some(data) = data else {
        return;
    };
    let groups = |g: &mut HostGroup, list: Option<&Node>, field: &str| {
        for (i, s) in texts(list).into_iter().enumerate() {
            match s.text() {
                Some(s) if !g.security_groups.contains(&s) => g.security_groups.push(s),
                Some(_) => {}
                None => g.gaps.push(format!(
                    "`{prefix}{field}[{i}]` of `{resource}` cannot be resolved ({}), so not every security group of {} is known",
                    reason(s),
                    g.id
                )),
            }
        }
    };
    groups(g, data.get("SecurityGroupIds"), "SecurityGroupIds");
    groups(g, data.get("SecurityGroups"), "SecurityGroups");
    let mut public_at = |g: &mut HostGroup, n: &Node, key: &Key, field: String| {
        sink.at(resource, &field, key.pos);
        match n.text().map(|t| t.to_ascii_lowercase()) {
            Some(t) if t == "true" || t == "false" => {
                g.public_ip = LaunchPublicIp::Set {
                    public: t == "true",
                    resource: resource.to_string(),
                    field,
                };
            }
            _ => g.gaps.push(format!(
                "`{field}` of `{resource}` cannot be resolved ({}), so whether {} get public IPv4 addresses is unknown",
                reason(n),
                g.id
            )),
        }
    };
    if let Some((k, v)) = data.entry("AssociatePublicIpAddress") {
        public_at(g, v, k, format!("{prefix}AssociatePublicIpAddress"));
    }
    for (i, ni) in texts(data.get("NetworkInterfaces")).into_iter().enumerate() {
        // The primary interface (device 0) is the one with the instance's address.
        let device = ni.get("DeviceIndex").and_then(Node::text);
        if device.as_deref().is_some_and(|d| d != "0") {
            continue;
        }
        groups(
            g,
            ni.get(ni_groups),
            &format!("NetworkInterfaces[{i}].{ni_groups}"),
        );
        if let Some((k, v)) = ni.entry("AssociatePublicIpAddress") {
            public_at(
                g,
                v,
                k,
                format!("{prefix}NetworkInterfaces[{i}].AssociatePublicIpAddress"),
            );
        }
        if let Some(s) = text(ni, "SubnetId") {
            g.subnets.push(s);
        }
        let count = text(ni, "Ipv6AddressCount").and_then(|c| c.parse::<u32>().ok());
        g.ipv6 |= count.is_some_and(|c| c > 0) || !texts(ni.get("Ipv6Addresses")).is_empty();
    }
}

/// The clusters a launch template's, launch configuration's or instance's UserData or
/// cfn-init metadata joins (`ECS_CLUSTER=…`), each with how the link was read.
fn user_data_links(cx: &Cx<'_, '_>, logical: &str) -> Vec<(String, String)> {
    let Some(raw) = cx.raw(logical) else {
        return Vec::new();
    };
    let id = cx.t.id(logical);
    let props = raw.get("Properties");
    let mut places: Vec<(&Node, String)> = Vec::new();
    if let Some(u) = props
        .and_then(|p| p.get("LaunchTemplateData"))
        .and_then(|d| d.get("UserData"))
        .or_else(|| props.and_then(|p| p.get("UserData")))
    {
        places.push((u, format!("the UserData of `{id}`")));
    }
    if let Some(m) = raw.get("Metadata") {
        places.push((m, format!("the metadata (cfn-init) of `{id}`")));
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for (node, place) in places {
        let mut parts = Vec::new();
        flatten(node, &mut parts, 0);
        for (i, p) in parts.iter().enumerate() {
            let Part::Text(s) = p else { continue };
            for value in cluster_values(s) {
                let (target, written) = if let Some(name) =
                    value.strip_prefix("${").and_then(|v| v.strip_suffix('}'))
                {
                    (reference(cx, name), format!("`ECS_CLUSTER=${{{name}}}`"))
                } else if value.is_empty() {
                    // `Fn::Join` parts: the value is the next part.
                    match parts.get(i + 1) {
                        Some(Part::Ref(name)) => (
                            reference(cx, name),
                            format!("`ECS_CLUSTER=` + `Ref {name}`"),
                        ),
                        _ => continue,
                    }
                } else if value.contains("${") {
                    // Built from several values: not followed.
                    continue;
                } else {
                    (Some(value.to_string()), format!("`ECS_CLUSTER={value}`"))
                };
                // A pseudo parameter left as written (`${AWS::StackName}`) names nothing.
                let Some(target) = target.filter(|t| !t.contains("${")) else {
                    continue;
                };
                let link = (cx.cluster(&target), format!("{written} in {place}"));
                if !out.iter().any(|(c, _)| *c == link.0) {
                    out.push(link);
                }
            }
        }
    }
    out
}

/// A `${Name}` or `Ref` in UserData: a resource's id, or a parameter's value.
fn reference(cx: &Cx<'_, '_>, name: &str) -> Option<String> {
    let at = Pos::default();
    let n = Node::new(
        V::Map(vec![(
            Key {
                name: "Ref".into(),
                pos: at,
            },
            Node::new(V::Str(name.to_string()), at),
        )]),
        at,
    );
    cx.t.resolve(&n).text()
}

enum Part {
    Text(String),
    Ref(String),
}

/// The texts and references of a raw (unresolved) node, in order: `Fn::Sub` templates,
/// `Fn::Join` parts, plain strings. Bounded by the tree's own nesting limit.
fn flatten(n: &Node, out: &mut Vec<Part>, depth: usize) {
    if depth > super::super::MAX_NESTING {
        return;
    }
    match &n.v {
        V::Str(s) => out.push(Part::Text(s.clone())),
        V::Seq(items) => items.iter().for_each(|i| flatten(i, out, depth + 1)),
        V::Map(m) => {
            if let [(k, v)] = m.as_slice()
                && k.name == "Ref"
                && let Some(name) = v.str()
            {
                out.push(Part::Ref(name.to_string()));
                return;
            }
            m.iter().for_each(|(_, v)| flatten(v, out, depth + 1));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
