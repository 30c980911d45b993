//! The direct path of `internet-reachable` for `bridge` and `host` network modes: the tasks
//! are reached at their EC2 host's address, on a host port, through the host's security
//! groups, network ACL and route table.

use super::hops::*;
use super::*;
use crate::model::{Host, HostPublicIp};

/// The host ports ECS picks from for a `bridge` mapping without a host port (`hostPort` 0
/// or absent): the ephemeral range of the ECS-optimized AMI's agent. Which one a task gets is
/// known only at launch, so any of them the path admits counts.
const DYNAMIC_HOST_PORTS: Ports = Ports {
    from: 32768,
    to: 65535,
};

/// A host port a container is published on.
struct HostPort {
    container: String,
    field: String,
    proto: Proto,
    container_port: u16,
    ports: Ports,
    /// How the host port was decided, for the evidence.
    how: String,
}

fn host_ports(td: &TaskDefinition, mode: &str) -> Vec<HostPort> {
    let mut out = Vec::new();
    for (i, c) in td.container_definitions.iter().enumerate() {
        for (j, p) in c.port_mappings.iter().enumerate() {
            let Some(cp) = p.container_port else { continue };
            let field = format!("containerDefinitions[{i}].portMappings[{j}]");
            let (ports, how) = match (mode, p.host_port) {
                ("host", _) => (
                    Ports::one(cp),
                    "`host` mode: the container port is the host's".to_string(),
                ),
                (_, Some(h)) if h != 0 => (Ports::one(h), format!("`hostPort: {h}`")),
                _ => (
                    DYNAMIC_HOST_PORTS,
                    format!(
                        "dynamic host port (`hostPort` 0 or absent): ECS picks one of {}-{} at launch",
                        DYNAMIC_HOST_PORTS.from, DYNAMIC_HOST_PORTS.to
                    ),
                ),
            };
            out.push(HostPort {
                container: c.name().to_string(),
                field,
                proto: mapping_proto(p.protocol.as_deref()),
                container_port: cp,
                ports,
                how,
            });
        }
    }
    out
}

/// The part of `ports` an opening admits, if any.
fn overlap(o: &Opening, family: Family, proto: Proto, ports: Ports) -> Option<Ports> {
    if o.family != family || !o.proto.admits(proto) {
        return None;
    }
    if o.proto == Proto::All {
        return Some(ports);
    }
    let from = o.ports.from.max(ports.from);
    let to = o.ports.to.min(ports.to);
    (from <= to).then_some(Ports { from, to })
}

/// The address a family reaches the host at in `subnet`, or `None` when it has none there.
fn address(h: &Host, subnet: &Subnet, family: Family) -> Option<String> {
    match family {
        Family::V4 => match &h.public_ipv4 {
            HostPublicIp::Address { address, field } => {
                Some(format!("its public IPv4 address {address} (`{field}`)"))
            }
            HostPublicIp::AtLaunch { resource, field } => Some(format!(
                "the public IPv4 address its instances get at launch (`{field}: true` in `{resource}`)"
            )),
            HostPublicIp::SubnetDefault if subnet.map_public_ip_on_launch => Some(format!(
                "the public IPv4 address its instances get at launch in subnet `{}` (`MapPublicIpOnLaunch: true`; the launch settings do not set `AssociatePublicIpAddress`)",
                subnet.subnet_id
            )),
            _ => None,
        },
        Family::V6 if !h.ipv6.is_empty() => {
            Some(format!("its IPv6 address ({})", h.ipv6.join(", ")))
        }
        Family::V6 => None,
    }
}

pub(super) fn host_paths(
    ctx: &ServiceContext<'_>,
    td: &TaskDefinition,
    mode: &str,
    out: &mut Outcome,
    gaps: &mut Gaps,
) {
    let inv = ctx.inventory;
    let ports = host_ports(td, mode);
    if ports.is_empty() {
        return;
    }
    let hosts = crate::traits::hosts::service_hosts(ctx, mode);
    for g in hosts.gaps {
        gaps.add(g);
    }
    for h in &hosts.hosts {
        let mut openings: Option<Vec<Opening>> = None;
        let mut fired: Vec<(Family, Proto, Ports)> = Vec::new();
        for subnet_id in &h.subnets {
            if !gaps.need(inv, Kind::Ec2Subnets) {
                return;
            }
            let Some(subnet) = inv.subnets.get(subnet_id) else {
                gaps.add(format!(
                    "subnet {subnet_id} of {} is not in the input (add `{} --subnet-ids {subnet_id}`)",
                    h.description,
                    Kind::Ec2Subnets.cli_command()
                ));
                continue;
            };
            for family in [Family::V4, Family::V6] {
                let Some(addr) = address(h, subnet, family) else {
                    continue;
                };
                let Some(route) = route_to_igw(inv, subnet, family, gaps) else {
                    continue;
                };
                for l in &ports {
                    if fired.contains(&(family, l.proto, l.ports)) {
                        continue;
                    }
                    let openings = openings.get_or_insert_with(|| {
                        if h.security_groups.is_empty() {
                            gaps.add(format!(
                                "{} names no security group, so it gets the VPC's default security group, which the input does not identify",
                                h.description
                            ));
                        }
                        let sgs = groups(inv, &h.security_groups, &h.description, gaps);
                        netmath::openings(&read_rules(&sgs, gaps))
                    });
                    let Some((open, admitted)) = openings
                        .iter()
                        .find_map(|o| overlap(o, family, l.proto, l.ports).map(|p| (o, p)))
                    else {
                        continue;
                    };
                    let Some(acl) = acl_pass(inv, subnet, family, l.proto, admitted, gaps) else {
                        continue;
                    };
                    fired.push((family, l.proto, l.ports));
                    out.facet(Facet::DirectPath);
                    out.fire(host_evidence(
                        ctx.service,
                        td,
                        h,
                        subnet,
                        family,
                        &addr,
                        &route,
                        &acl,
                        open,
                        l,
                    ));
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn host_evidence(
    service: &Service,
    td: &TaskDefinition,
    h: &Host,
    subnet: &Subnet,
    family: Family,
    addr: &str,
    route: &RoutePass<'_>,
    acl: &AclPass<'_>,
    open: &Opening,
    l: &HostPort,
) -> Evidence {
    let sg_ids: Vec<&str> = open.grants.iter().map(|g| g.group_id.as_str()).collect();
    let admitted = acl.inbound.ports;
    let mut ev = Evidence::new(
        &service.service_arn,
        format!(
            "container `{}` {} port {} is reachable from the internet on {} of {} at {}: `{}` routes {} to `{}`, network ACL `{}` lets it through and the host's security group(s) {} admit it",
            l.container,
            l.proto.name(),
            l.container_port,
            if l.ports.from == l.ports.to {
                format!("host {}", l.ports)
            } else {
                format!(
                    "its dynamic host port (one of {}-{}, chosen at launch; the path admits {admitted})",
                    l.ports.from, l.ports.to
                )
            },
            h.description,
            addr,
            route.table.route_table_id,
            family.everything(),
            route.igw,
            acl.acl.network_acl_id,
            sg_ids
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .container(&l.container)
    .field(&l.field)
    .with(keys::PATH, "direct")
    .with(keys::IP_VERSION, family.label())
    .with(keys::PROTOCOL, l.proto.cli())
    .with(keys::PORT, admitted.from)
    .detail("host_ports", l.ports.to_string())
    .with(keys::HOST, h.id.as_str())
    .detail("subnet", subnet.subnet_id.as_str())
    .detail("security_groups", sg_ids.clone())
    .with(keys::RULES, open.grants
            .iter()
            .map(open_security_group::rule_json)
            .collect::<Vec<_>>(),
    )
    ;
    for s in subnet_entry_steps(subnet, route, acl, l.proto, admitted)
        .into_iter()
        .chain(grant_steps(
            &open.grants,
            l.proto,
            admitted,
            " (a security group of the host)",
        ))
    {
        ev = ev.step(s);
    }
    ev.step(PathStep::new(
        h.resource_type,
        &h.id,
        format!("{}: the host, reached at {addr}", h.description),
    ))
    .step(PathStep::new(
        T_TD,
        &td.task_definition_arn,
        format!(
            "container `{}` listens on {} port {} ({}), published on host {} ({})",
            l.container,
            l.proto.name(),
            l.container_port,
            l.field,
            l.ports,
            l.how
        ),
    ))
}
