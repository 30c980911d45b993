//! The load balancer path of `internet-reachable`: an internet-facing load balancer whose
//! listener forwards to a target group of the service, checked on the load balancer's side
//! and on the service's security group.

use super::hops::*;
use super::rules::*;
use super::*;

/// The protocol a listener carries to its targets.
pub(super) fn listener_proto(protocol: Option<&str>) -> Proto {
    if protocol.is_some_and(|p| p.eq_ignore_ascii_case("UDP")) {
        UDP
    } else {
        TCP
    }
}

/// A subnet of the load balancer that the internet reaches, and how.
pub(super) struct LbSubnet<'a> {
    pub(super) subnet: &'a Subnet,
    pub(super) route: RoutePass<'a>,
    pub(super) acl: AclPass<'a>,
}

pub(super) fn lb_subnet<'a>(
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
        gaps.add(super::super::gap_reasons::load_balancer_without_subnets(
            inv, lb,
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
        let Some(acl) = acl_pass(inv, subnet, family, proto, Ports::one(port), gaps) else {
            continue;
        };
        return Some(LbSubnet { subnet, route, acl });
    }
    None
}

/// How the service's security groups admit traffic from the load balancer to the target port.
pub(super) fn target_admission(
    inv: &Inventory,
    service_groups: &[&SecurityGroup],
    lb: &LoadBalancer,
    proto: Proto,
    port: u16,
    gaps: &mut Gaps,
) -> Option<Vec<PathStep>> {
    // From the load balancer's own security group.
    for sg in service_groups {
        for (i, p) in sg.ip_permissions.iter().enumerate() {
            // A rule that cannot be read is a gap recorded by `read_rules` below.
            let Ok((pp, ports)) = netmath::rule_traffic(&sg.group_id, i, p) else {
                continue;
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
    let grants: Vec<Grant> = read_rules(service_groups, gaps)
        .into_iter()
        .filter(|g| g.proto.admits(proto) && (g.proto == Proto::All || g.ports.contains(port)))
        .collect();
    // From the whole internet (clients reach the target with their own address when the load
    // balancer preserves it).
    for family in [Family::V4, Family::V6] {
        if let Some(o) = find_opening(&netmath::openings(&grants), family, proto, port) {
            return Some(grant_steps(&o.grants, proto, Ports::one(port), ""));
        }
    }
    // From ranges that cover every subnet of the load balancer (its private addresses).
    let mut lb_cidrs: Vec<Cidr> = Vec::new();
    for s in lb
        .availability_zones
        .iter()
        .filter_map(|z| inv.subnets.get(z.subnet_id.as_deref()?))
    {
        let Some(text) = s.cidr_block.as_deref() else {
            continue;
        };
        match Cidr::parse(text).filter(|c| c.family == Family::V4) {
            Some(c) => lb_cidrs.push(c),
            // Without it the rules admitting the load balancer's addresses cannot be judged.
            None => gaps.add(
                Unreadable::new(
                    "subnet",
                    &s.subnet_id,
                    "CidrBlock",
                    Problem::Cidr(Family::V4),
                )
                .gap_reason(),
            ),
        }
    }
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
            Ports::one(port),
            ", which covers the load balancer's subnets",
        ));
    }
    None
}

pub(super) fn load_balancer_paths(ctx: &ServiceContext<'_>, out: &mut Outcome, gaps: &mut Gaps) {
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
        let tg_name = tg.target_group_name.as_deref().unwrap_or(tg_arn);
        // The load balancers of a target group: its own list, any listener forwarding to it,
        // and the listener of any rule forwarding to it.
        let mut lb_arns: Vec<&str> = tg.load_balancer_arns.iter().map(String::as_str).collect();
        lb_arns.extend(
            inv.listeners_forwarding_to(tg_arn)
                .map(|l| l.load_balancer_arn.as_str()),
        );
        lb_arns.extend(rule_load_balancers(inv, tg_arn, tg_name, gaps));
        lb_arns.sort();
        lb_arns.dedup();
        // Forwards that send no traffic, or rules that admit no internet address: not paths,
        // said in the evidence of the paths there are.
        let mut not_counted: Vec<String> = Vec::new();
        let mut found: Vec<(&str, Evidence)> = Vec::new();
        for lb_arn in lb_arns {
            if !gaps.need(inv, Kind::Elbv2LoadBalancers) {
                break;
            }
            let Some(lb) = inv.load_balancers.get(lb_arn) else {
                gaps.add(format!(
                    "load balancer {lb_arn} of target group {tg_name} is not in the input (add `{} --load-balancer-arns {lb_arn}`)",
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
            for listener in inv.listeners_of(lb_arn) {
                let routes = routes(
                    inv,
                    listener,
                    lb.name(),
                    tg_arn,
                    tg_name,
                    gaps,
                    &mut not_counted,
                );
                if routes.is_empty() {
                    continue;
                }
                let Some(front) = front_door(inv, lb, listener, gaps) else {
                    continue;
                };
                let Some(target) = target_side(ctx, i, slb, tg, lb, gaps) else {
                    continue;
                };
                for route in &routes {
                    let sources = sources(route, front.family, gaps);
                    match &sources {
                        Sources::NotInternet(list) => {
                            let rule = route.rule.map(|r| r.label()).unwrap_or_default();
                            let s = format!(
                                "{rule} of listener {} of `{}` admits only source IPs {}, none of them on the internet",
                                listener_label(listener),
                                lb.name(),
                                list.join(", ")
                            );
                            note(&mut not_counted, s);
                            continue;
                        }
                        Sources::Unreadable => continue,
                        Sources::Any | Sources::Some(_) => {}
                    }
                    let guards = guards(route, &sources);
                    found.push((
                        lb_arn,
                        path_evidence(ctx, i, lb, listener, &front, &target, tg, route, &guards),
                    ));
                }
            }
        }
        let not_counted = listed(&not_counted);
        for (lb_arn, mut ev) in found {
            if !not_counted.is_empty() {
                ev = ev.detail("not_counted", not_counted.clone());
            }
            out.facet(Facet::LoadBalancerPath);
            out.resource(lb_arn);
            out.fire(ev);
        }
    }
}

/// The load balancers of the rules that forward to a target group; a gap for each rule whose
/// listener is unknown.
fn rule_load_balancers<'a>(
    inv: &'a Inventory,
    tg_arn: &str,
    tg_name: &str,
    gaps: &mut Gaps,
) -> Vec<&'a str> {
    let mut out = Vec::new();
    for rule in inv.rules_forwarding_to(tg_arn) {
        let Some(l) = rule.listener() else {
            gaps.add(format!(
                "listener rule {} forwards to target group {tg_name}, but its ARN names no listener (expected `arn:…:listener-rule/<type>/<load balancer>/<id>/<listener id>/<rule id>`), so its path cannot be judged",
                rule.rule_arn
            ));
            continue;
        };
        match inv.listeners.get(&l) {
            Some(listener) => out.push(listener.load_balancer_arn.as_str()),
            None if gaps.need(inv, Kind::Elbv2Listeners) => gaps.add(format!(
                "listener {l} of listener rule {} (which forwards to target group {tg_name}) is not in the input (add `{} --listener-arns {l}`)",
                rule.rule_arn,
                Kind::Elbv2Listeners.cli_command()
            )),
            None => {}
        }
    }
    out
}

/// The load balancer's side of a listener: its port, what its security groups admit from the
/// internet, and a subnet the internet reaches.
struct Front<'a> {
    lport: u16,
    lproto: Proto,
    family: Family,
    /// What admits the internet at the load balancer, for the listener step.
    admits: String,
    entry: LbSubnet<'a>,
}

fn front_door<'a>(
    inv: &'a Inventory,
    lb: &LoadBalancer,
    listener: &Listener,
    gaps: &mut Gaps,
) -> Option<Front<'a>> {
    let Some(lport) = listener.port else {
        // A listener that cannot be read may be the way in.
        gaps.add(format!(
            "listener {} of load balancer {} has no port, so its path cannot be judged",
            listener.listener_arn,
            lb.name()
        ));
        return None;
    };
    let lproto = listener_proto(listener.protocol.as_deref());
    // The load balancer's front door: its security groups (none on an NLB without security
    // groups, which then lets everything in).
    if lb.security_groups.is_empty() && lb.lb_type.as_deref() != Some("network") {
        // Application load balancers always have security groups: none listed means the
        // input is incomplete, not that everything is admitted.
        gaps.add(super::super::gap_reasons::load_balancer_without_security_groups(inv, lb));
        return None;
    }
    let (family, admits) = if lb.security_groups.is_empty() {
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
        let openings = netmath::openings(&read_rules(&sgs, gaps));
        let o = [Family::V4, Family::V6]
            .into_iter()
            .find_map(|f| find_opening(&openings, f, lproto, lport))?;
        (
            o.family,
            format!(
                "its security group(s) admit {} {} from the internet: {}",
                lproto.name(),
                Ports::one(lport),
                o.grants
                    .iter()
                    .map(Grant::reference)
                    .collect::<Vec<_>>()
                    .join(" + ")
            ),
        )
    };
    let entry = lb_subnet(inv, lb, family, lproto, lport, gaps)?;
    Some(Front {
        lport,
        lproto,
        family,
        admits,
        entry,
    })
}

/// The service's side: the port its container receives and how its security groups admit
/// the load balancer.
struct Target {
    port: u16,
    proto: Proto,
    container: String,
    steps: Vec<PathStep>,
    port_step: PathStep,
    /// The targets' security groups are not in the input (EC2 container instances).
    unverified: bool,
}

fn target_side(
    ctx: &ServiceContext<'_>,
    i: usize,
    slb: &crate::model::ServiceLoadBalancer,
    tg: &crate::model::TargetGroup,
    lb: &LoadBalancer,
    gaps: &mut Gaps,
) -> Option<Target> {
    let inv = ctx.inventory;
    let service = ctx.service;
    let tg_arn = &tg.target_group_arn;
    let Some(target_port) = slb.container_port.or(tg.port) else {
        gaps.add(format!(
            "loadBalancers[{i}] of the service names no containerPort and target group {tg_arn} no port"
        ));
        return None;
    };
    let target_proto = listener_proto(tg.protocol.as_deref());
    let container = slb.container_name.clone().unwrap_or_default();
    let mut unverified = false;
    let steps = if service.awsvpc().is_some() {
        let sgs = service_groups(inv, service, gaps);
        target_admission(inv, &sgs, lb, target_proto, target_port, gaps)?
    } else {
        unverified = true;
        gaps.add(
            "the service's targets are EC2 container instances (no awsvpc networking): the load balancer path does not check whether their security groups admit the load balancer, and assumes they do".to_string(),
        );
        vec![PathStep::new(
            T_SERVICE,
            &service.service_arn,
            "targets are EC2 container instances; whether their security groups admit the load balancer is not checked, so this hop is assumed",
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
    Some(Target {
        port: target_port,
        proto: target_proto,
        container,
        steps,
        port_step,
        unverified,
    })
}

/// The evidence of one path: internet → load balancer → listener → (rule →) target group →
/// security group → container.
#[allow(clippy::too_many_arguments)]
fn path_evidence(
    ctx: &ServiceContext<'_>,
    i: usize,
    lb: &LoadBalancer,
    listener: &Listener,
    front: &Front<'_>,
    target: &Target,
    tg: &crate::model::TargetGroup,
    route: &Route<'_>,
    guards: &[String],
) -> Evidence {
    let service = ctx.service;
    let tg_arn = &tg.target_group_arn;
    let lb_arn = &lb.load_balancer_arn;
    let lb_type = lb.lb_type.as_deref().unwrap_or("elbv2");
    let tg_name = tg.target_group_name.as_deref().unwrap_or(tg_arn);
    let listener_label = listener_label(listener);
    let (container, entry, lport) = (&target.container, &front.entry, front.lport);
    let via = match route.rule {
        Some(rule) => format!(
            "listener {listener_label} → {} → target group `{tg_name}`",
            rule.label()
        ),
        None => format!("listener {listener_label} → target group `{tg_name}`"),
    };
    let mut ev = Evidence::new(
        &service.service_arn,
        format!(
            "container `{container}` {} {} is reachable from the internet through internet-facing {lb_type} load balancer `{}` ({via}){}",
            target.proto.name(),
            Ports::one(target.port),
            lb.name(),
            if guards.is_empty() {
                String::new()
            } else {
                format!(", but {}", guards.join(" and "))
            }
        ),
    )
    .field(format!("loadBalancers[{i}]"))
    .with(keys::PATH, "load-balancer")
    .with(keys::LOAD_BALANCER, lb.name())
    .with(keys::LOAD_BALANCER_ARN, lb_arn.as_str())
    .with(keys::LOAD_BALANCER_TYPE, lb_type)
    .detail("load_balancer_security_groups", lb.security_groups.clone())
    .with(keys::LISTENER_PROTOCOL, listener.protocol.clone().unwrap_or_default(),
    )
    .with(keys::LISTENER_PORT, lport)
    .detail("target_group", tg_name)
    .with(keys::PORT, target.port);
    if let Some(rule) = route.rule {
        ev = ev
            .with(keys::LISTENER_RULE, rule.rule_arn.as_str())
            .with(keys::RULE, rule.label())
            .with(keys::TARGET_GROUP_ARN, tg_arn.as_str());
    }
    if let Some((w, total)) = route.forward.weight {
        ev = ev.detail("weight", format!("{w} of {total}"));
    }
    if !guards.is_empty() {
        ev = ev.with(keys::GUARD, guards.to_vec());
    }
    let forwards = match route.rule {
        Some(rule) => format!("passes requests to its {}", rule.label()),
        None => format!(
            "forwards to target group `{tg_name}`{}",
            forward_detail(&route.forward, guards)
        ),
    };
    ev = ev
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
                acl_detail(&entry.acl, front.lproto, Ports::one(lport))
            ),
        ))
        .step(PathStep::new(
            T_LISTENER,
            &listener.listener_arn,
            format!(
                "{listener_label} on internet-facing {lb_type} load balancer `{}` {forwards}; {}",
                lb.name(),
                front.admits
            ),
        ));
    if let Some(rule) = route.rule {
        ev = ev.step(rule_step(rule, route, tg_name, guards));
    }
    ev = ev.step(PathStep::new(
        T_TG,
        tg_arn,
        format!(
            "target group `{tg_name}` ({} targets) sends {} {} to the service's tasks",
            tg.target_type.as_deref().unwrap_or("?"),
            target.proto.name(),
            Ports::one(target.port)
        ),
    ));
    if !container.is_empty() {
        ev = ev.container(container);
    }
    if target.unverified {
        ev = ev.detail("target_security_group", "not checked");
    }
    for s in &target.steps {
        ev = ev.step(s.clone());
    }
    ev.step(target.port_step.clone())
}
