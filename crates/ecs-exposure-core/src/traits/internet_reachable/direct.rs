//! The direct path of `internet-reachable`: a public address on the task, the subnet's route
//! to an internet gateway, its network ACL, and a security group admitting a container port.

use super::hops::*;
use super::*;

pub(super) fn direct_paths(ctx: &ServiceContext<'_>, out: &mut Outcome, gaps: &mut Gaps) {
    let inv = ctx.inventory;
    let service = ctx.service;
    let Some(td) = ctx.task_definition else {
        let reason = match &service.task_definition {
            Some(arn) => format!(
                "task definition {arn} is not in the input, so the container ports are unknown and a direct path cannot be judged (add `{}` for it)",
                Kind::EcsTaskDefinition.cli_command()
            ),
            None => {
                gap_reasons::no_task_definition(inv, service, "its container ports are unknown")
            }
        };
        gaps.add(reason);
        return;
    };
    let mode = td.network_mode();
    if mode == "bridge" || mode == "host" {
        // Reached at the EC2 host's address (see hosts.rs).
        super::hosts::host_paths(ctx, td, mode, out, gaps);
        return;
    }
    if mode != "awsvpc" {
        // `none`: no interface but loopback, nothing to reach.
        return;
    }
    let Some(vpc) = service.awsvpc() else {
        gaps.add(gap_reasons::no_awsvpc_configuration(
            inv,
            service,
            "subnets and security groups",
        ));
        return;
    };
    let ports = container_ports(td);
    if ports.is_empty() {
        // Nothing listens: there is no port to reach.
        return;
    }
    let public_v4 = service.assigns_public_ip();
    let mut openings: Option<Vec<Opening>> = None;
    let mut fired: Vec<(Family, Proto, u16)> = Vec::new();
    for (k, subnet_id) in vpc.subnets.iter().enumerate() {
        if !gaps.need(inv, Kind::Ec2Subnets) {
            return;
        }
        let Some(subnet) = inv.subnets.get(subnet_id) else {
            gaps.add(format!(
                "subnet {subnet_id} of the service is not in the input (add `{} --subnet-ids {subnet_id}`)",
                Kind::Ec2Subnets.cli_command()
            ));
            continue;
        };
        let has_v6 = subnet.ipv6_cidr_blocks().next().is_some();
        let families = [(Family::V4, public_v4), (Family::V6, has_v6)];
        for (family, addressed) in families {
            if !addressed {
                continue;
            }
            let Some(route) = route_to_igw(inv, subnet, family, gaps) else {
                continue;
            };
            for l in &ports {
                if fired.contains(&(family, l.proto, l.port)) {
                    continue;
                }
                let Some(acl) = acl_pass(inv, subnet, family, l.proto, Ports::one(l.port), gaps)
                else {
                    continue;
                };
                let openings = openings.get_or_insert_with(|| {
                    let sgs = service_groups(inv, service, gaps);
                    netmath::openings(&read_rules(&sgs, gaps))
                });
                let Some(open) = find_opening(openings, family, l.proto, l.port) else {
                    continue;
                };
                fired.push((family, l.proto, l.port));
                out.facet(Facet::DirectPath);
                out.fire(direct_evidence(
                    service, td, subnet, k, family, &route, &acl, open, l,
                ));
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn direct_evidence(
    service: &Service,
    td: &TaskDefinition,
    subnet: &Subnet,
    subnet_index: usize,
    family: Family,
    route: &RoutePass<'_>,
    acl: &AclPass<'_>,
    open: &Opening,
    l: &Listening,
) -> Evidence {
    let (address, field) = match family {
        Family::V4 => (
            "its public IPv4 address (`assignPublicIp: ENABLED`)".to_string(),
            "networkConfiguration.awsvpcConfiguration.assignPublicIp".to_string(),
        ),
        Family::V6 => (
            format!(
                "its IPv6 address in subnet `{}` ({})",
                subnet.subnet_id,
                subnet.ipv6_cidr_blocks().collect::<Vec<_>>().join(", ")
            ),
            format!("networkConfiguration.awsvpcConfiguration.subnets[{subnet_index}]"),
        ),
    };
    let sg_ids: Vec<&str> = open.grants.iter().map(|g| g.group_id.as_str()).collect();
    let mut ev = Evidence::new(
        &service.service_arn,
        format!(
            "container `{}` {} {} is reachable from the internet at {}: `{}` routes {} to `{}`, network ACL `{}` lets it through and security group(s) {} admit it",
            l.container,
            l.proto.name(),
            Ports::one(l.port),
            address,
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
    .field(field)
    .with(keys::PATH, "direct")
    .with(keys::IP_VERSION, family.label())
    .with(keys::PROTOCOL, l.proto.cli())
    .with(keys::PORT, l.port)
    .detail("subnet", subnet.subnet_id.as_str())
    .detail("security_groups", sg_ids.clone())
    .with(keys::RULES, open.grants
            .iter()
            .map(open_security_group::rule_json)
            .collect::<Vec<_>>(),
    )
    ;
    let port = Ports::one(l.port);
    for s in subnet_entry_steps(subnet, route, acl, l.proto, port)
        .into_iter()
        .chain(grant_steps(&open.grants, l.proto, port, ""))
    {
        ev = ev.step(s);
    }
    ev.step(PathStep::new(
        T_TD,
        &td.task_definition_arn,
        format!(
            "container `{}` listens on {} {} ({})",
            l.container,
            l.proto.name(),
            Ports::one(l.port),
            l.field
        ),
    ))
}
