//! `internet-reachable`: traffic from the internet can reach a port the service listens on,
//! directly (public address, route to an internet gateway, network ACL, security group) or
//! through an internet-facing load balancer.

use super::netmath::{self, Cidr, Family, Grant, NaclPass, Opening, Ports, Proto, TCP, UDP};
use super::open_security_group;
use super::*;
use crate::model::{
    Inventory, Kind, LoadBalancer, NetworkAcl, RouteTable, SecurityGroup, Service, Subnet,
    TaskDefinition,
};

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::InternetReachable,
    category: Category::Reachability,
    title: "The Amazon ECS service is reachable over the internet",
    phrase: "is reachable from the internet",
    doc: include_str!("internet_reachable.md"),
    context_only: false,
    check,
    remediation,
};

const T_IGW: &str = "AWS::EC2::InternetGateway";
const T_RTB: &str = "AWS::EC2::RouteTable";
const T_ACL: &str = "AWS::EC2::NetworkAcl";
const T_SG: &str = "AWS::EC2::SecurityGroup";
const T_TD: &str = "AWS::ECS::TaskDefinition";
const T_SERVICE: &str = "AWS::ECS::Service";
const T_LISTENER: &str = "AWS::ElasticLoadBalancingV2::Listener";
const T_TG: &str = "AWS::ElasticLoadBalancingV2::TargetGroup";

/// Gap reasons, kept once each: the same missing table is needed by many subnets and ports.
#[derive(Default)]
struct Gaps(Vec<String>);

impl Gaps {
    fn add(&mut self, reason: String) {
        if !self.0.contains(&reason) {
            self.0.push(reason);
        }
    }
    /// Whether a kind of input is present; a gap when it is not.
    fn need(&mut self, inv: &Inventory, kind: Kind) -> bool {
        let present = inv.has(kind);
        if !present {
            self.add(format!(
                "no {} in the input (add the output of `{}`)",
                kind.noun(),
                kind.cli_command()
            ));
        }
        present
    }
}

/// A port a container listens on.
struct Listening {
    container: String,
    field: String,
    proto: Proto,
    port: u16,
}

fn container_ports(td: &TaskDefinition) -> Vec<Listening> {
    let mut out = Vec::new();
    for (i, c) in td.container_definitions.iter().enumerate() {
        for (j, p) in c.port_mappings.iter().enumerate() {
            if let Some(port) = p.container_port {
                out.push(Listening {
                    container: c.name().to_string(),
                    field: format!("containerDefinitions[{i}].portMappings[{j}]"),
                    proto: mapping_proto(p.protocol.as_deref()),
                    port,
                });
            }
        }
    }
    out
}

fn mapping_proto(p: Option<&str>) -> Proto {
    if p.is_some_and(|p| p.eq_ignore_ascii_case("udp")) {
        UDP
    } else {
        TCP
    }
}

/// A route table's way to the internet through an attached internet gateway.
struct RoutePass<'a> {
    table: &'a RouteTable,
    explicit: bool,
    igw: String,
    /// `Routes[i]: destination`.
    routes: Vec<String>,
}

/// Whether `subnet`'s route table sends the whole `family` space to an internet gateway that
/// exists and is attached to the subnet's VPC.
fn route_to_igw<'a>(
    inv: &'a Inventory,
    subnet: &Subnet,
    family: Family,
    gaps: &mut Gaps,
) -> Option<RoutePass<'a>> {
    if !gaps.need(inv, Kind::Ec2RouteTables) {
        return None;
    }
    let Some((table, explicit)) = inv.route_table_for_subnet(subnet) else {
        gaps.add(format!(
            "no route table governs subnet {}: neither an explicit association nor a main route table of {} is in the input (add `{} --filters Name=vpc-id,Values={}`)",
            subnet.subnet_id,
            subnet.vpc_id,
            Kind::Ec2RouteTables.cli_command(),
            subnet.vpc_id
        ));
        return None;
    };
    let mut cidrs = Vec::new();
    let mut routes = Vec::new();
    let mut igw = None;
    for (i, r) in table.routes.iter().enumerate() {
        let dest = match family {
            Family::V4 => r.destination_cidr_block.as_deref(),
            Family::V6 => r.destination_ipv6_cidr_block.as_deref(),
        };
        let (Some(dest), Some(gw)) = (dest, r.gateway_id.as_deref()) else {
            continue;
        };
        // NAT and egress-only gateways only carry connections started from inside.
        if !gw.starts_with("igw-") || r.state.as_deref() == Some("blackhole") {
            continue;
        }
        let Some(cidr) = Cidr::parse(dest) else {
            continue;
        };
        if !gaps.need(inv, Kind::Ec2InternetGateways) {
            return None;
        }
        let Some(g) = inv.internet_gateways.get(gw) else {
            gaps.add(format!(
                "internet gateway {gw} (route {dest} in {}) is not in the input (add `{} --internet-gateway-ids {gw}`)",
                table.route_table_id,
                Kind::Ec2InternetGateways.cli_command()
            ));
            continue;
        };
        let attached = g.attachments.iter().any(|a| {
            a.vpc_id.as_deref() == Some(subnet.vpc_id.as_str())
                && a.state
                    .as_deref()
                    .is_none_or(|s| s == "available" || s == "attached")
        });
        if attached {
            cidrs.push(cidr);
            routes.push(format!("Routes[{i}]: {dest} → {gw}"));
            igw.get_or_insert_with(|| gw.to_string());
        }
    }
    if !netmath::covers_all(family, &cidrs) {
        return None;
    }
    Some(RoutePass {
        table,
        explicit,
        igw: igw?,
        routes,
    })
}

/// A subnet's network ACL letting `proto`/`port` in from the internet and the replies out.
struct AclPass<'a> {
    acl: &'a NetworkAcl,
    inbound: NaclPass,
    outbound: NaclPass,
}

fn acl_pass<'a>(
    inv: &'a Inventory,
    subnet: &Subnet,
    family: Family,
    proto: Proto,
    port: u16,
    gaps: &mut Gaps,
) -> Option<AclPass<'a>> {
    if !gaps.need(inv, Kind::Ec2NetworkAcls) {
        return None;
    }
    let Some(acl) = inv.network_acl_for_subnet(subnet) else {
        gaps.add(format!(
            "no network ACL for subnet {} (no association and no default ACL of {} in the input; add `{} --filters Name=vpc-id,Values={}`)",
            subnet.subnet_id,
            subnet.vpc_id,
            Kind::Ec2NetworkAcls.cli_command(),
            subnet.vpc_id
        ));
        return None;
    };
    let inbound = netmath::nacl_admits(acl, false, family, proto, Ports::one(port))?;
    // Network ACLs are stateless: the replies need their own outbound rule.
    let outbound = netmath::nacl_admits(acl, true, family, proto, Ports::EPHEMERAL)?;
    Some(AclPass {
        acl,
        inbound,
        outbound,
    })
}

fn acl_detail(a: &AclPass<'_>, proto: Proto, port: u16) -> String {
    format!(
        "{} rule {} allows inbound {} {} from {}; {} rule {} allows the replies out ({} {} to {})",
        a.inbound.field,
        a.inbound.rule_number,
        proto.name(),
        Ports::one(port),
        a.inbound.cidr,
        a.outbound.field,
        a.outbound.rule_number,
        proto.name(),
        a.outbound.ports,
        a.outbound.cidr
    )
}

/// Security groups by id; a gap for each one missing.
fn groups<'a>(
    inv: &'a Inventory,
    ids: &[String],
    whose: &str,
    gaps: &mut Gaps,
) -> Vec<&'a SecurityGroup> {
    if ids.is_empty() || !gaps.need(inv, Kind::Ec2SecurityGroups) {
        return Vec::new();
    }
    ids.iter()
        .filter_map(|id| {
            let sg = inv.security_groups.get(id);
            if sg.is_none() {
                gaps.add(format!(
                    "security group {id} of {whose} is not in the input (add `{} --group-ids {id}`)",
                    Kind::Ec2SecurityGroups.cli_command()
                ));
            }
            sg
        })
        .collect()
}

/// The service's own groups; an `awsvpc` service that names none runs with the VPC default
/// group, which the input cannot point at.
fn service_groups<'a>(
    inv: &'a Inventory,
    ids: &[String],
    gaps: &mut Gaps,
) -> Vec<&'a SecurityGroup> {
    if ids.is_empty() {
        gaps.add(
            "the service's awsvpcConfiguration names no security group, so its tasks get the VPC's default security group, which the input does not identify".to_string(),
        );
    }
    groups(inv, ids, "the service", gaps)
}

fn grant_steps(grants: &[Grant], proto: Proto, port: u16, purpose: &str) -> Vec<PathStep> {
    grants
        .iter()
        .map(|g| {
            PathStep::new(
                T_SG,
                &g.group_id,
                format!(
                    "{} admits {} {} from {}{purpose}",
                    g.field,
                    proto.name(),
                    Ports::one(port),
                    g.cidr_text
                ),
            )
        })
        .collect()
}

fn find_opening(openings: &[Opening], family: Family, proto: Proto, port: u16) -> Option<&Opening> {
    openings
        .iter()
        .find(|o| o.family == family && o.admits(proto, port))
}

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let mut gaps = Gaps::default();
    direct_paths(ctx, out, &mut gaps);
    load_balancer_paths(ctx, out, &mut gaps);
    for g in gaps.0 {
        out.gap(g);
    }
}

fn direct_paths(ctx: &ServiceContext<'_>, out: &mut Outcome, gaps: &mut Gaps) {
    let inv = ctx.inventory;
    let service = ctx.service;
    let Some(td) = ctx.task_definition else {
        let reason = match &service.task_definition {
            Some(arn) => format!(
                "task definition {arn} is not in the input, so the container ports are unknown and a direct path cannot be judged (add `{}` for it)",
                Kind::EcsTaskDefinition.cli_command()
            ),
            None => "the service names no task definition, so its container ports are unknown"
                .to_string(),
        };
        gaps.add(reason);
        return;
    };
    let mode = td.network_mode();
    if mode != "awsvpc" {
        gaps.add(format!(
            "the task definition uses `{mode}` network mode: tasks are reached at the EC2 container instance's address, and container instances are not in the input, so a direct path cannot be judged (the load balancer path is checked)"
        ));
        return;
    }
    let Some(vpc) = service.awsvpc() else {
        gaps.add(
            "the task definition uses `awsvpc` but the service has no awsvpcConfiguration, so its subnets are unknown".to_string(),
        );
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
                let Some(acl) = acl_pass(inv, subnet, family, l.proto, l.port, gaps) else {
                    continue;
                };
                let openings = openings.get_or_insert_with(|| {
                    let sgs = service_groups(inv, &vpc.security_groups, gaps);
                    netmath::openings(&netmath::grants(&sgs))
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
fn direct_evidence(
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
    let governs = if route.explicit {
        format!("explicitly associated with `{}`", subnet.subnet_id)
    } else {
        format!(
            "main route table of `{}`, which governs `{}` (no explicit association)",
            subnet.vpc_id, subnet.subnet_id
        )
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
    .detail("path", "direct")
    .detail("ip_version", family.label())
    .detail("protocol", l.proto.cli())
    .detail("port", l.port)
    .detail("subnet", subnet.subnet_id.as_str())
    .detail("security_groups", sg_ids.clone())
    .detail(
        "rules",
        open.grants
            .iter()
            .map(open_security_group::rule_json)
            .collect::<Vec<_>>(),
    )
    .step(PathStep::new(
        T_IGW,
        &route.igw,
        format!(
            "attached to `{}`: internet traffic enters the VPC here",
            subnet.vpc_id
        ),
    ))
    .step(PathStep::new(
        T_RTB,
        &route.table.route_table_id,
        format!("{} (active); {governs}", route.routes.join(", ")),
    ))
    .step(PathStep::new(
        T_ACL,
        &acl.acl.network_acl_id,
        acl_detail(acl, l.proto, l.port),
    ));
    for s in grant_steps(&open.grants, l.proto, l.port, "") {
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

/// The protocol a listener carries to its targets.
fn listener_proto(protocol: Option<&str>) -> Proto {
    if protocol.is_some_and(|p| p.eq_ignore_ascii_case("UDP")) {
        UDP
    } else {
        TCP
    }
}

/// A subnet of the load balancer that the internet reaches, and how.
struct LbSubnet<'a> {
    subnet: &'a Subnet,
    route: RoutePass<'a>,
    acl: AclPass<'a>,
}

fn lb_subnet<'a>(
    inv: &'a Inventory,
    lb: &LoadBalancer,
    family: Family,
    proto: Proto,
    port: u16,
    gaps: &mut Gaps,
) -> Option<LbSubnet<'a>> {
    let ids: Vec<&str> = lb
        .availability_zones
        .iter()
        .filter_map(|z| z.subnet_id.as_deref())
        .collect();
    if ids.is_empty() {
        gaps.add(format!(
            "load balancer {} lists no subnets (AvailabilityZones), so its route to the internet cannot be judged",
            lb.name()
        ));
        return None;
    }
    if !gaps.need(inv, Kind::Ec2Subnets) {
        return None;
    }
    for id in ids {
        let Some(subnet) = inv.subnets.get(id) else {
            gaps.add(format!(
                "subnet {id} of load balancer {} is not in the input (add `{} --subnet-ids {id}`)",
                lb.name(),
                Kind::Ec2Subnets.cli_command()
            ));
            continue;
        };
        let Some(route) = route_to_igw(inv, subnet, family, gaps) else {
            continue;
        };
        let Some(acl) = acl_pass(inv, subnet, family, proto, port, gaps) else {
            continue;
        };
        return Some(LbSubnet { subnet, route, acl });
    }
    None
}

/// How the service's security groups admit traffic from the load balancer to the target port.
fn target_admission(
    inv: &Inventory,
    service_groups: &[&SecurityGroup],
    lb: &LoadBalancer,
    proto: Proto,
    port: u16,
) -> Option<Vec<PathStep>> {
    // From the load balancer's own security group.
    for sg in service_groups {
        for (i, p) in sg.ip_permissions.iter().enumerate() {
            let Some(pp) = Proto::parse(&p.ip_protocol) else {
                continue;
            };
            let ports = if pp.has_ports() {
                Ports::from_bounds(p.from_port, p.to_port)
            } else {
                Ports::ALL
            };
            if !pp.admits(proto) || !ports.contains(port) {
                continue;
            }
            for (j, pair) in p.user_id_group_pairs.iter().enumerate() {
                if let Some(g) = pair.group_id.as_deref()
                    && lb.security_groups.iter().any(|s| s == g)
                {
                    return Some(vec![PathStep::new(
                        T_SG,
                        &sg.group_id,
                        format!(
                            "IpPermissions[{i}].UserIdGroupPairs[{j}] admits {} {} from the load balancer's security group `{g}`",
                            proto.name(),
                            Ports::one(port)
                        ),
                    )]);
                }
            }
        }
    }
    let grants: Vec<Grant> = netmath::grants(service_groups)
        .into_iter()
        .filter(|g| g.proto.admits(proto) && (g.proto == Proto::All || g.ports.contains(port)))
        .collect();
    // From the whole internet (clients reach the target with their own address when the load
    // balancer preserves it).
    for family in [Family::V4, Family::V6] {
        if let Some(o) = find_opening(&netmath::openings(&grants), family, proto, port) {
            return Some(grant_steps(&o.grants, proto, port, ""));
        }
    }
    // From ranges that cover every subnet of the load balancer (its private addresses).
    let lb_cidrs: Vec<Cidr> = lb
        .availability_zones
        .iter()
        .filter_map(|z| inv.subnets.get(z.subnet_id.as_deref()?))
        .filter_map(|s| Cidr::parse(s.cidr_block.as_deref()?))
        .collect();
    let blocks: Vec<Cidr> = grants.iter().map(|g| g.cidr).collect();
    if !lb_cidrs.is_empty() && lb_cidrs.iter().all(|c| netmath::union_covers(c, &blocks)) {
        let used: Vec<Grant> = grants
            .iter()
            .filter(|g| {
                lb_cidrs
                    .iter()
                    .any(|c| g.cidr.contains(c) || c.contains(&g.cidr))
            })
            .cloned()
            .collect();
        return Some(grant_steps(
            &used,
            proto,
            port,
            ", which covers the load balancer's subnets",
        ));
    }
    None
}

fn load_balancer_paths(ctx: &ServiceContext<'_>, out: &mut Outcome, gaps: &mut Gaps) {
    let inv = ctx.inventory;
    let service = ctx.service;
    for (i, slb) in service.load_balancers.iter().enumerate() {
        let Some(tg_arn) = slb.target_group_arn.as_deref() else {
            if let Some(name) = &slb.load_balancer_name {
                gaps.add(format!(
                    "Classic Load Balancer {name} (loadBalancers[{i}]) is not modelled, so its path cannot be judged"
                ));
            }
            continue;
        };
        if !gaps.need(inv, Kind::Elbv2TargetGroups) {
            continue;
        }
        let Some(tg) = inv.target_groups.get(tg_arn) else {
            gaps.add(format!(
                "target group {tg_arn} of the service is not in the input (add `{} --target-group-arns {tg_arn}`)",
                Kind::Elbv2TargetGroups.cli_command()
            ));
            continue;
        };
        // The load balancers of a target group: its own list, and any listener forwarding to it.
        let mut lb_arns: Vec<&str> = tg.load_balancer_arns.iter().map(String::as_str).collect();
        lb_arns.extend(
            inv.listeners_forwarding_to(tg_arn)
                .map(|l| l.load_balancer_arn.as_str()),
        );
        lb_arns.sort();
        lb_arns.dedup();
        for lb_arn in lb_arns {
            if !gaps.need(inv, Kind::Elbv2LoadBalancers) {
                break;
            }
            let Some(lb) = inv.load_balancers.get(lb_arn) else {
                gaps.add(format!(
                    "load balancer {lb_arn} of target group {} is not in the input (add `{} --load-balancer-arns {lb_arn}`)",
                    tg.target_group_name.as_deref().unwrap_or(tg_arn),
                    Kind::Elbv2LoadBalancers.cli_command()
                ));
                continue;
            };
            if !lb.is_internet_facing() {
                continue;
            }
            if !gaps.need(inv, Kind::Elbv2Listeners) {
                continue;
            }
            for listener in inv
                .listeners_of(lb_arn)
                .filter(|l| l.forward_target_groups().any(|t| t == tg_arn))
            {
                let Some(lport) = listener.port else {
                    continue;
                };
                let lproto = listener_proto(listener.protocol.as_deref());
                // The load balancer's front door: its security groups (none on an NLB
                // without security groups, which then lets everything in).
                if lb.security_groups.is_empty() && lb.lb_type.as_deref() != Some("network") {
                    // Application load balancers always have security groups: none listed
                    // means the input is incomplete, not that everything is admitted.
                    gaps.add(format!(
                        "load balancer {} lists no security groups, so what it admits cannot be judged (add `{} --load-balancer-arns {lb_arn}`)",
                        lb.name(),
                        Kind::Elbv2LoadBalancers.cli_command()
                    ));
                    continue;
                }
                let (family, front) = if lb.security_groups.is_empty() {
                    (
                        Family::V4,
                        format!(
                            "network load balancer `{}` has no security groups, so it admits every source",
                            lb.name()
                        ),
                    )
                } else {
                    let sgs = groups(
                        inv,
                        &lb.security_groups,
                        &format!("load balancer {}", lb.name()),
                        gaps,
                    );
                    let openings = netmath::openings(&netmath::grants(&sgs));
                    let Some(o) = [Family::V4, Family::V6]
                        .into_iter()
                        .find_map(|f| find_opening(&openings, f, lproto, lport))
                    else {
                        continue;
                    };
                    (
                        o.family,
                        format!(
                            "its security group(s) admit {} {} from the internet: {}",
                            lproto.name(),
                            Ports::one(lport),
                            o.grants
                                .iter()
                                .map(|g| format!("`{}` {} `{}`", g.group_id, g.field, g.cidr_text))
                                .collect::<Vec<_>>()
                                .join(" + ")
                        ),
                    )
                };
                let Some(entry) = lb_subnet(inv, lb, family, lproto, lport, gaps) else {
                    continue;
                };
                let target_port = slb.container_port.or(tg.port);
                let Some(target_port) = target_port else {
                    gaps.add(format!(
                        "loadBalancers[{i}] of the service names no containerPort and target group {tg_arn} no port"
                    ));
                    continue;
                };
                let target_proto = listener_proto(tg.protocol.as_deref());
                let container = slb.container_name.clone().unwrap_or_default();
                let mut unverified = false;
                let target_steps = if let Some(vpc) = service.awsvpc() {
                    let sgs = service_groups(inv, &vpc.security_groups, gaps);
                    match target_admission(inv, &sgs, lb, target_proto, target_port) {
                        Some(steps) => steps,
                        None => continue,
                    }
                } else {
                    unverified = true;
                    gaps.add(
                        "the service's targets are EC2 container instances (no awsvpc networking), whose security groups are not in the input: the load balancer path assumes they admit the load balancer".to_string(),
                    );
                    vec![PathStep::new(
                        T_SERVICE,
                        &service.service_arn,
                        "targets are EC2 container instances; their security groups are not in the input, so this hop is assumed",
                    )]
                };
                let port_step = match ctx.task_definition {
                    Some(td) => PathStep::new(
                        T_TD,
                        &td.task_definition_arn,
                        format!(
                            "container `{container}` receives {} {} (loadBalancers[{i}].containerPort)",
                            target_proto.name(),
                            Ports::one(target_port)
                        ),
                    ),
                    None => PathStep::new(
                        T_SERVICE,
                        &service.service_arn,
                        format!(
                            "loadBalancers[{i}] sends {} {} to container `{container}`",
                            target_proto.name(),
                            Ports::one(target_port)
                        ),
                    ),
                };
                let lb_type = lb.lb_type.as_deref().unwrap_or("elbv2");
                let tg_name = tg.target_group_name.as_deref().unwrap_or(tg_arn);
                let listener_label =
                    format!("{} :{lport}", listener.protocol.as_deref().unwrap_or("?"));
                let mut ev = Evidence::new(
                    &service.service_arn,
                    format!(
                        "container `{container}` {} {} is reachable from the internet through internet-facing {lb_type} load balancer `{}` (listener {listener_label} → target group `{tg_name}`)",
                        target_proto.name(),
                        Ports::one(target_port),
                        lb.name()
                    ),
                )
                .field(format!("loadBalancers[{i}]"))
                .detail("path", "load-balancer")
                .detail("load_balancer", lb.name())
                .detail("load_balancer_arn", lb_arn)
                .detail("load_balancer_type", lb_type)
                .detail("load_balancer_security_groups", lb.security_groups.clone())
                .detail("listener_protocol", listener.protocol.clone().unwrap_or_default())
                .detail("listener_port", lport)
                .detail("target_group", tg_name)
                .detail("port", target_port)
                .step(PathStep::new(
                    T_IGW,
                    &entry.route.igw,
                    format!(
                        "attached to `{}`; the load balancer's subnet `{}` reaches it through `{}` ({}) and network ACL `{}` ({})",
                        entry.subnet.vpc_id,
                        entry.subnet.subnet_id,
                        entry.route.table.route_table_id,
                        entry.route.routes.join(", "),
                        entry.acl.acl.network_acl_id,
                        acl_detail(&entry.acl, lproto, lport)
                    ),
                ))
                .step(PathStep::new(
                    T_LISTENER,
                    &listener.listener_arn,
                    format!(
                        "{listener_label} on internet-facing {lb_type} load balancer `{}` forwards to target group `{tg_name}`; {front}",
                        lb.name()
                    ),
                ))
                .step(PathStep::new(
                    T_TG,
                    tg_arn,
                    format!(
                        "target group `{tg_name}` ({} targets) sends {} {} to the service's tasks",
                        tg.target_type.as_deref().unwrap_or("?"),
                        target_proto.name(),
                        Ports::one(target_port)
                    ),
                ));
                if !container.is_empty() {
                    ev = ev.container(&container);
                }
                if unverified {
                    ev = ev.detail("target_security_group", "not checked");
                }
                for s in target_steps {
                    ev = ev.step(s);
                }
                out.facet(Facet::LoadBalancerPath);
                out.resource(lb_arn);
                out.fire(ev.step(port_step));
            }
        }
    }
}

fn cluster_and_service(ctx: &ServiceContext<'_>) -> (String, String) {
    let cluster = ctx
        .service
        .cluster_arn
        .as_deref()
        .and_then(|c| c.rsplit('/').next())
        .unwrap_or("<cluster>")
        .to_string();
    (cluster, ctx.service.name().to_string())
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    let detail = |e: &Evidence, k: &str| -> String {
        match e.details.get(k) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => String::new(),
        }
    };
    let direct: Vec<&Evidence> = evidence
        .iter()
        .filter(|e| e.details.get("path").and_then(|p| p.as_str()) == Some("direct"))
        .collect();
    let via_lb: Vec<&Evidence> = evidence
        .iter()
        .filter(|e| e.details.get("path").and_then(|p| p.as_str()) == Some("load-balancer"))
        .collect();
    let (cluster, service) = cluster_and_service(ctx);
    let groups = ctx
        .service
        .awsvpc()
        .map(|v| v.security_groups.join(","))
        .unwrap_or_default();
    let mut steps = Vec::new();
    let mut summary = Vec::new();
    if !direct.is_empty() {
        summary.push("take the tasks off the internet (no public address, private subnets)");
        let ports: Vec<String> = direct
            .iter()
            .map(|e| format!("{} {}", detail(e, "protocol"), detail(e, "port")))
            .collect();
        if direct.iter().any(|e| detail(e, "ip_version") == "IPv4") {
            steps.push(format!(
                "Stop giving the tasks a public IPv4 address and move them to private subnets: `aws ecs update-service --cluster {cluster} --service {service} --network-configuration \"awsvpcConfiguration={{subnets=[<private-subnet-ids>],securityGroups=[{groups}],assignPublicIp=DISABLED}}\"`."
            ));
            steps.push(
                "Give the private subnets a route `0.0.0.0/0` to a NAT gateway if the tasks need outbound access (image pulls, AWS APIs), or use VPC endpoints.".to_string(),
            );
        }
        if direct.iter().any(|e| detail(e, "ip_version") == "IPv6") {
            steps.push(
                "For IPv6, run the tasks in subnets whose `::/0` route goes to an egress-only internet gateway (outbound only) instead of the internet gateway, or without IPv6.".to_string(),
            );
        }
        let mut revokes: Vec<String> = Vec::new();
        for e in &direct {
            for cmd in e
                .details
                .get("rules")
                .and_then(|r| r.as_array())
                .into_iter()
                .flatten()
                .filter_map(open_security_group::revoke_command)
            {
                if !revokes.contains(&cmd) {
                    revokes.push(cmd);
                }
            }
        }
        steps.push(format!(
            "Tighten the security group rule(s) that admit the internet on {}: {}; admit instead the load balancer's security group or known ranges.",
            ports.join(", "),
            revokes.join(", ")
        ));
        steps.push(
            "If the service must serve internet clients, put an internet-facing Application Load Balancer in public subnets in front of it and admit only that load balancer's security group on the container port.".to_string(),
        );
    }
    if !via_lb.is_empty() {
        summary.push("confirm that the load balancer exposure is intended and harden it");
        let mut seen = Vec::new();
        for e in &via_lb {
            let lb = detail(e, "load_balancer");
            let arn = detail(e, "load_balancer_arn");
            let lproto = detail(e, "listener_protocol");
            let lport = detail(e, "listener_port");
            if seen.contains(&(lb.clone(), lport.clone())) {
                continue;
            }
            seen.push((lb.clone(), lport.clone()));
            steps.push(format!(
                "Confirm that `{service}` is meant to be public through load balancer `{lb}` ({lproto} :{lport}). If not, serve it from an `internal` load balancer (the scheme cannot be changed: create a new one and move the target group)."
            ));
            if detail(e, "load_balancer_type") == "application" {
                steps.push(format!(
                    "Filter requests with AWS WAF: `aws wafv2 associate-web-acl --web-acl-arn <web-acl-arn> --resource-arn {arn}` (start with the AWS managed core rule set)."
                ));
            }
            let lb_groups = e
                .details
                .get("load_balancer_security_groups")
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            if lb_groups.is_empty() {
                steps.push(format!(
                    "Load balancer `{lb}` has no security group: create it anew with security groups (a network load balancer accepts them only at creation) so that sources can be restricted."
                ));
            } else {
                steps.push(format!(
                    "Restrict the load balancer's security group(s) {lb_groups} to the client ranges that need it (or the CloudFront origin-facing prefix list) if it is not meant for everyone."
                ));
            }
            if lproto.eq_ignore_ascii_case("HTTP") {
                steps.push(format!(
                    "Listener {lproto} :{lport} is plain HTTP: add an HTTPS listener with an ACM certificate and make :{lport} redirect to it."
                ));
            }
        }
    }
    Remediation {
        summary: format!("Reduce the internet path: {}.", summary.join("; ")),
        steps,
        references: vec![
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/networking-outbound.html"
                .to_string(),
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/networking-inbound.html"
                .to_string(),
            "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html".to_string(),
            "https://docs.aws.amazon.com/waf/latest/developerguide/waf-application-load-balancer.html"
                .to_string(),
            "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-2"
                .to_string(),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Loader;

    /// An inventory with one subnet in `vpc-1` whose main route table has `routes`.
    fn inventory(routes: serde_json::Value) -> Inventory {
        let docs = [
            serde_json::json!({"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24"}]}),
            serde_json::json!({"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1",
                "Associations": [{"Main": true}], "Routes": routes}]}),
            serde_json::json!({"InternetGateways": [
                {"InternetGatewayId": "igw-1", "Attachments": [{"VpcId": "vpc-1", "State": "available"}]},
                {"InternetGatewayId": "igw-detached", "Attachments": [{"VpcId": "vpc-1", "State": "detached"}]}]}),
        ];
        let mut loader = Loader::new();
        for (i, d) in docs.iter().enumerate() {
            loader
                .add(&format!("doc {i}"), &serde_json::to_vec(d).unwrap())
                .unwrap();
        }
        loader.finish().0
    }

    fn reaches(routes: serde_json::Value, family: Family) -> bool {
        let inv = inventory(routes);
        let subnet = &inv.subnets["subnet-1"];
        let mut gaps = Gaps::default();
        let r = route_to_igw(&inv, subnet, family, &mut gaps).is_some();
        assert!(gaps.0.is_empty(), "{:?}", gaps.0);
        r
    }

    #[test]
    fn split_default_routes_to_the_gateway_cover_the_internet() {
        assert!(reaches(
            serde_json::json!([
                {"DestinationCidrBlock": "0.0.0.0/1", "GatewayId": "igw-1", "State": "active"},
                {"DestinationCidrBlock": "128.0.0.0/1", "GatewayId": "igw-1", "State": "active"}]),
            Family::V4
        ));
        // Half the internet is not enough: replies to the other half go nowhere.
        assert!(!reaches(
            serde_json::json!([{"DestinationCidrBlock": "0.0.0.0/1", "GatewayId": "igw-1"}]),
            Family::V4
        ));
    }

    #[test]
    fn blackhole_egress_only_detached_and_nat_routes_do_not_count() {
        for routes in [
            serde_json::json!([{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "blackhole"}]),
            serde_json::json!([{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-detached", "State": "active"}]),
            serde_json::json!([{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "active"}]),
        ] {
            assert!(!reaches(routes, Family::V4));
        }
        assert!(!reaches(
            serde_json::json!([{"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1", "State": "active"}]),
            Family::V6
        ));
        // An IPv4 default route says nothing about IPv6.
        assert!(!reaches(
            serde_json::json!([{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"}]),
            Family::V6
        ));
    }

    #[test]
    fn a_missing_gateway_is_a_gap() {
        let inv = inventory(serde_json::json!([
            {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-gone", "State": "active"}]));
        let mut gaps = Gaps::default();
        assert!(route_to_igw(&inv, &inv.subnets["subnet-1"], Family::V4, &mut gaps).is_none());
        assert_eq!(gaps.0.len(), 1);
        assert!(gaps.0[0].contains("igw-gone"), "{:?}", gaps.0);
    }

    #[test]
    fn fixture() {
        super::super::testing::run_fixture(
            &super::TRAIT,
            include_str!("fixtures/internet_reachable.json"),
        );
    }
}
