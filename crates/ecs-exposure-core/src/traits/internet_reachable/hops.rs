//! Hops shared by both paths of `internet-reachable`: the ports a task listens on, the
//! route to an internet gateway, the network ACL and the security groups.

use super::*;

/// Gap reasons, kept once each: the same missing table is needed by many subnets and ports.
#[derive(Default)]
pub(super) struct Gaps(pub(super) Vec<String>);

impl Gaps {
    pub(super) fn add(&mut self, reason: String) {
        if !self.0.contains(&reason) {
            self.0.push(reason);
        }
    }
    /// Whether a kind of input is present; a gap when it is not.
    pub(super) fn need(&mut self, inv: &Inventory, kind: Kind) -> bool {
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
pub(super) struct Listening {
    pub(super) container: String,
    pub(super) field: String,
    pub(super) proto: Proto,
    pub(super) port: u16,
}

pub(super) fn container_ports(td: &TaskDefinition) -> Vec<Listening> {
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

pub(super) fn mapping_proto(p: Option<&str>) -> Proto {
    if p.is_some_and(|p| p.eq_ignore_ascii_case("udp")) {
        UDP
    } else {
        TCP
    }
}

/// A route table's way to the internet through an attached internet gateway.
pub(super) struct RoutePass<'a> {
    pub(super) table: &'a RouteTable,
    pub(super) explicit: bool,
    pub(super) igw: String,
    /// `Routes[i]: destination`.
    pub(super) routes: Vec<String>,
}

/// Whether `subnet`'s route table sends the whole `family` space to an internet gateway that
/// exists and is attached to the subnet's VPC.
pub(super) fn route_to_igw<'a>(
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
    // Routes to a gateway that cannot be read; they matter only if the others fall short.
    let mut unreadable: Vec<Unreadable> = Vec::new();
    for (i, r) in table.routes.iter().enumerate() {
        let Some(gw) = r.gateway_id.as_deref() else {
            continue;
        };
        // NAT and egress-only gateways only carry connections started from inside.
        if !inv.is_internet_gateway(gw) || r.state.as_deref() == Some("blackhole") {
            continue;
        }
        let (dest, key) = match family {
            Family::V4 => (r.destination_cidr_block.as_deref(), "DestinationCidrBlock"),
            Family::V6 => (
                r.destination_ipv6_cidr_block.as_deref(),
                "DestinationIpv6CidrBlock",
            ),
        };
        let Some(dest) = dest else {
            if r.destination_prefix_list_id.is_some() {
                unreadable.push(Unreadable::new(
                    ROUTE_TABLE,
                    &table.route_table_id,
                    format!("Routes[{i}].DestinationPrefixListId"),
                    Problem::PrefixList,
                ));
            }
            continue;
        };
        let Some(cidr) = Cidr::parse(dest).filter(|c| c.family == family) else {
            unreadable.push(Unreadable::new(
                ROUTE_TABLE,
                &table.route_table_id,
                format!("Routes[{i}].{key}"),
                Problem::Cidr(family),
            ));
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
            routes.push(format!(
                "Routes[{i}]: {dest}{} → {gw}",
                netmath::read_as(dest)
            ));
            igw.get_or_insert_with(|| gw.to_string());
        }
    }
    if !netmath::covers_all(family, &cidrs) {
        // An unreadable route could be the rest of the way out: not evaluated, not a pass.
        for u in unreadable {
            gaps.add(u.gap_reason());
        }
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
pub(super) struct AclPass<'a> {
    pub(super) acl: &'a NetworkAcl,
    pub(super) inbound: NaclPass,
    pub(super) outbound: NaclPass,
}

/// Whether the subnet's network ACL lets `ports` in (one port, or a host's dynamic range, of
/// which the first part it admits is kept) and the replies out.
pub(super) fn acl_pass<'a>(
    inv: &'a Inventory,
    subnet: &Subnet,
    family: Family,
    proto: Proto,
    ports: Ports,
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
    let mut admits = |egress: bool, ports: Ports| match netmath::nacl_admits(
        acl, egress, family, proto, ports,
    ) {
        Ok(pass) => pass,
        Err(u) => {
            gaps.add(u.gap_reason());
            None
        }
    };
    let inbound = admits(false, ports)?;
    // Network ACLs are stateless: the replies need their own outbound rule.
    let outbound = admits(true, Ports::EPHEMERAL)?;
    Some(AclPass {
        acl,
        inbound,
        outbound,
    })
}

/// The hops of a direct path from the internet into `subnet`: its VPC's internet gateway, the
/// route table that sends the internet there, and the network ACL that lets `ports` through.
pub(super) fn subnet_entry_steps(
    subnet: &Subnet,
    route: &RoutePass<'_>,
    acl: &AclPass<'_>,
    proto: Proto,
    ports: Ports,
) -> [PathStep; 3] {
    let governs = if route.explicit {
        format!("explicitly associated with `{}`", subnet.subnet_id)
    } else {
        format!(
            "main route table of `{}`, which governs `{}` (no explicit association)",
            subnet.vpc_id, subnet.subnet_id
        )
    };
    [
        PathStep::new(
            T_IGW,
            &route.igw,
            format!(
                "attached to `{}`: internet traffic enters the VPC here",
                subnet.vpc_id
            ),
        ),
        PathStep::new(
            T_RTB,
            &route.table.route_table_id,
            format!("{} (active); {governs}", route.routes.join(", ")),
        ),
        PathStep::new(
            T_ACL,
            &acl.acl.network_acl_id,
            acl_detail(acl, proto, ports),
        ),
    ]
}

/// What a network ACL lets through for `ports` (one port, or a host's dynamic range).
pub(super) fn acl_detail(a: &AclPass<'_>, proto: Proto, ports: Ports) -> String {
    format!(
        "{} rule {} allows inbound {} {} from {}{}; {} rule {} allows the replies out ({} {} to {}{})",
        a.inbound.field,
        a.inbound.rule_number,
        proto.name(),
        ports,
        a.inbound.cidr,
        netmath::read_as(&a.inbound.cidr),
        a.outbound.field,
        a.outbound.rule_number,
        proto.name(),
        a.outbound.ports,
        a.outbound.cidr,
        netmath::read_as(&a.outbound.cidr)
    )
}

/// The grants of `groups`; a gap for each rule part that cannot be read (it could be the one
/// that admits the internet, so it is never silently dropped).
pub(super) fn read_rules(groups: &[&SecurityGroup], gaps: &mut Gaps) -> Vec<Grant> {
    let rules = netmath::read_rules(groups);
    for u in &rules.unreadable {
        gaps.add(u.gap_reason());
    }
    rules.grants
}

/// How an [`Unreadable`] names a route table.
const ROUTE_TABLE: &str = "route table";

/// Security groups by id; a gap for each one missing.
pub(super) fn groups<'a>(
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

/// The groups of an `awsvpc` service; one that names none runs with the VPC default group,
/// which the input cannot point at (or names groups the template cannot resolve).
pub(super) fn service_groups<'a>(
    inv: &'a Inventory,
    service: &Service,
    gaps: &mut Gaps,
) -> Vec<&'a SecurityGroup> {
    let ids = service
        .awsvpc()
        .map(|v| v.security_groups.as_slice())
        .unwrap_or_default();
    if ids.is_empty() {
        gaps.add(gap_reasons::no_security_groups(inv, service));
    }
    groups(inv, ids, "the service", gaps)
}

pub(super) fn grant_steps(
    grants: &[Grant],
    proto: Proto,
    ports: Ports,
    purpose: &str,
) -> Vec<PathStep> {
    grants
        .iter()
        .map(|g| {
            PathStep::new(
                T_SG,
                &g.group_id,
                format!(
                    "{} admits {} {} from {}{}{purpose}",
                    g.field,
                    proto.name(),
                    ports,
                    g.cidr_text,
                    netmath::read_as(&g.cidr_text)
                ),
            )
        })
        .collect()
}

pub(super) fn find_opening(
    openings: &[Opening],
    family: Family,
    proto: Proto,
    port: u16,
) -> Option<&Opening> {
    openings
        .iter()
        .find(|o| o.family == family && o.admits(proto, port))
}
