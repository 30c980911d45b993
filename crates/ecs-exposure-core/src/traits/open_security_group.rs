//! `open-security-group`: a security group of the service admits the whole IPv4 or IPv6
//! internet on some port.

use super::gap_reasons;
use super::netmath::{self, Grant, Opening, Proto};
use super::*;
use crate::model::{Kind, SecurityGroup};

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::OpenSecurityGroup,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service has an open security group",
    phrase: "has an open security group",
    doc: include_str!("open_security_group.md"),
    reads: &[Read::fields(Kind::EcsServices, &["networkConfiguration.awsvpcConfiguration.securityGroups"]), Read::fields(Kind::EcsTaskDefinition, &["networkMode"]), Read::all(Kind::Ec2SecurityGroups), Read::all(Kind::EcsContainerInstances), Read::all(Kind::Ec2Instances)],
    likelihood: LikelihoodRole::Weak,
    impact: &[],
    check,
    remediation,
    change,
};

const DOC_SG_RULES: &str =
    "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html";
const DOC_ECS_SG: &str =
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-network.html";

/// The security groups the service's tasks run with, those found in the input; gaps name the
/// ones that are not. `None` when the task security groups cannot be known at all.
pub(super) fn service_security_groups<'a>(
    ctx: &ServiceContext<'a>,
    out: &mut Outcome,
) -> Option<Vec<&'a SecurityGroup>> {
    let Some(vpc) = ctx.service.awsvpc() else {
        // `bridge` and `host` are judged on the hosts (see `check`); `none` has no network.
        match ctx.task_definition.map(|t| t.network_mode()) {
            Some("none") => {}
            Some("awsvpc") => out.gap(gap_reasons::no_awsvpc_configuration(
                ctx.inventory,
                ctx.service,
                "security groups",
            )),
            Some(mode) => out.gap(format!(
                "the task definition uses `{mode}` network mode but the service has no awsvpcConfiguration, so its security groups are unknown"
            )),
            // Without the task definition the network mode is unknown: no guess at it.
            None => out.gap(format!(
                "the service has no awsvpcConfiguration and its task definition is not in the input, so its network mode and security groups are unknown (add `{}` for it)",
                Kind::EcsTaskDefinition.cli_command()
            )),
        }
        return None;
    };
    if vpc.security_groups.is_empty() {
        out.gap(gap_reasons::no_security_groups(ctx.inventory, ctx.service));
        return None;
    }
    if !ctx.require_kind(Kind::Ec2SecurityGroups, out) {
        return None;
    }
    let mut found = Vec::new();
    for id in &vpc.security_groups {
        match ctx.inventory.security_groups.get(id) {
            Some(sg) => found.push(sg),
            None => out.gap(format!(
                "security group {id} of the service is not in the input (add `{} --group-ids {id}`)",
                Kind::Ec2SecurityGroups.cli_command()
            )),
        }
    }
    Some(found)
}

/// "tcp port 22", "udp ports 1000-2000", "all traffic", "icmp".
pub(super) fn traffic(o: &Opening) -> String {
    match o.proto {
        Proto::All => "all traffic".to_string(),
        p if p.has_ports() => format!("{} {}", p.name(), o.ports),
        p => p.name(),
    }
}

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    if let Some(mode) = super::hosts::host_network(ctx) {
        host_check(ctx, mode, out);
        return;
    }
    let Some(groups) = service_security_groups(ctx, out) else {
        return;
    };
    for ev in fire_openings(&groups, "", out) {
        out.fire(ev);
    }
}

/// The openings of one set of groups (one network interface's: they add up), each fired;
/// `of` names whose groups they are in the message ("" for the service's own).
fn fire_openings(groups: &[&SecurityGroup], of: &str, out: &mut Outcome) -> Vec<Evidence> {
    let rules = netmath::read_rules(groups);
    // A rule that cannot be read could be the open one: not evaluated, never dropped.
    for u in &rules.unreadable {
        out.gap(u.gap_reason());
    }
    let mut fired = Vec::new();
    for o in netmath::openings(&rules.grants) {
        let mut ids: Vec<&str> = o.grants.iter().map(|g| g.group_id.as_str()).collect();
        ids.dedup();
        let first = &o.grants[0];
        let message = if o.grants.len() == 1 {
            format!(
                "security group `{}`{of} admits {} from the whole {} internet ({}, rule {})",
                first.group_id,
                traffic(&o),
                o.family.label(),
                first.source(),
                first.field
            )
        } else {
            format!(
                "security group(s) {}{of} together admit {} from the whole {} internet: {}",
                ids.iter()
                    .map(|i| format!("`{i}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                traffic(&o),
                o.family.label(),
                o.grants
                    .iter()
                    .map(Grant::reference)
                    .collect::<Vec<_>>()
                    .join(" + ")
            )
        };
        let rules: Vec<serde_json::Value> = o.grants.iter().map(rule_json).collect();
        let mut ev = Evidence::new(&first.group_id, message)
            .field(&first.field)
            .detail("security_groups", ids.clone())
            .with(keys::RULES, rules)
            .with(keys::PROTOCOL, o.proto.cli())
            .with(keys::IP_VERSION, o.family.label());
        if o.proto.has_ports() {
            ev = ev
                .detail("from_port", o.ports.from)
                .detail("to_port", o.ports.to);
        }
        for id in ids.iter().skip(1) {
            out.resource(*id);
        }
        fired.push(ev);
    }
    fired
}

/// `bridge`/`host` mode: the groups of the EC2 hosts the tasks run on. Hosts with the same
/// groups are judged once, and named together.
fn host_check(ctx: &ServiceContext<'_>, mode: &str, out: &mut Outcome) {
    let hosts = super::hosts::service_hosts(ctx, mode);
    for g in hosts.gaps {
        out.gap(g);
    }
    let mut sets: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for h in &hosts.hosts {
        if h.security_groups.is_empty() {
            out.gap(format!(
                "{} names no security group, so it gets the VPC's default security group, which the input does not identify",
                h.description
            ));
            continue;
        }
        let mut ids = h.security_groups.clone();
        ids.sort();
        match sets.iter_mut().find(|(s, _)| *s == ids) {
            Some((_, names)) => names.push(h.description.clone()),
            None => sets.push((ids, vec![h.description.clone()])),
        }
    }
    if sets.is_empty() || !ctx.require_kind(Kind::Ec2SecurityGroups, out) {
        return;
    }
    for (ids, names) in sets {
        let mut found = Vec::new();
        for id in &ids {
            match ctx.inventory.security_groups.get(id) {
                Some(sg) => found.push(sg),
                None => out.gap(format!(
                    "security group {id} of {} is not in the input (add `{} --group-ids {id}`)",
                    names.join(", "),
                    Kind::Ec2SecurityGroups.cli_command()
                )),
            }
        }
        let of = format!(
            " of {}, whose network the service's tasks ({mode} network mode) use,",
            names.join(" and ")
        );
        for ev in fire_openings(&found, &of, out) {
            out.fire(
                ev.detail("hosts", names.clone())
                    .detail("network_mode", mode),
            );
        }
    }
}

/// One rule source as evidence details: enough to check it and to revoke it.
pub(super) fn rule_json(g: &Grant) -> serde_json::Value {
    let mut r = serde_json::json!({
        "group_id": g.group_id,
        "field": g.field,
        "cidr": g.cidr_text,
        "ip_protocol": g.proto.cli(),
    });
    // AWS stores the canonical network: the form to revoke it by, and the one a reader
    // finds in `describe-security-groups`.
    if !netmath::read_as(&g.cidr_text).is_empty() {
        r["aws_reads_as"] = g.cidr.to_string().into();
    }
    if g.proto.has_ports() {
        r["from_port"] = g.ports.from.into();
        r["to_port"] = g.ports.to.into();
    }
    r
}

/// The CLI command that removes exactly one rule source (as [`rule_json`] describes it).
pub(super) fn revoke_command(rule: &serde_json::Value) -> Option<String> {
    let group = rule.get("group_id")?.as_str()?;
    let cidr = rule
        .get("aws_reads_as")
        .or_else(|| rule.get("cidr"))?
        .as_str()?;
    let proto = rule.get("ip_protocol")?.as_str()?;
    let range = if cidr.contains(':') {
        format!("Ipv6Ranges=[{{CidrIpv6={cidr}}}]")
    } else {
        format!("IpRanges=[{{CidrIp={cidr}}}]")
    };
    let ports = match (proto, rule.get("from_port"), rule.get("to_port")) {
        ("tcp" | "udp", Some(f), Some(t)) => format!("FromPort={f},ToPort={t},"),
        _ => String::new(),
    };
    Some(format!(
        "`aws ec2 revoke-security-group-ingress --group-id {group} --ip-permissions IpProtocol={proto},{ports}{range}`"
    ))
}

/// The security groups of the load balancers in front of the service, when the input has them.
fn load_balancer_groups(ctx: &ServiceContext<'_>) -> Vec<String> {
    let inv = ctx.inventory;
    let mut out: Vec<String> = Vec::new();
    for slb in &ctx.service.load_balancers {
        let Some(tg) = slb
            .target_group_arn
            .as_deref()
            .and_then(|a| inv.target_groups.get(a))
        else {
            continue;
        };
        for lb in tg
            .load_balancer_arns
            .iter()
            .filter_map(|a| inv.load_balancers.get(a))
        {
            out.extend(lb.security_groups.iter().cloned());
        }
    }
    out.sort();
    out.dedup();
    out
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    let mut steps = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for e in evidence {
        for rule in e
            .details
            .get("rules")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(cmd) = revoke_command(rule)
                && seen.insert(cmd.clone())
            {
                let at = |k: &str| rule.get(k).and_then(|v| v.as_str()).unwrap_or("?");
                steps.push(format!(
                    "Revoke `{}` {} (`{}`): {cmd}.",
                    at("group_id"),
                    at("field"),
                    at("cidr")
                ));
            }
        }
    }
    let lb_groups = load_balancer_groups(ctx);
    let ports: Vec<String> = ctx
        .task_definition
        .into_iter()
        .flat_map(|t| &t.container_definitions)
        .flat_map(|c| &c.port_mappings)
        .filter_map(|p| p.container_port)
        .map(|p| p.to_string())
        .collect();
    let port = ports
        .first()
        .cloned()
        .unwrap_or_else(|| "<port>".to_string());
    let group = evidence
        .first()
        .map(|e| e.resource.clone())
        .unwrap_or_else(|| "<sg-id>".to_string());
    if lb_groups.is_empty() {
        steps.push(format!(
            "Admit only the sources that need the service: `aws ec2 authorize-security-group-ingress --group-id {group} --protocol tcp --port {port} --cidr <known-cidr>` (a VPN range, a partner's range), or the security group of a load balancer placed in front of it."
        ));
    } else {
        for lb in &lb_groups {
            steps.push(format!(
                "The service sits behind a load balancer: admit only its security group: `aws ec2 authorize-security-group-ingress --group-id {group} --protocol tcp --port {port} --source-group {lb}`."
            ));
        }
    }
    steps.push(
        "Add the new rule before revoking the open one if the service must stay available, and check that no other workload relies on the open rule (security groups are shared).".to_string(),
    );
    Remediation {
        summary: "Stop admitting the whole internet: allow only the load balancer's security group or known address ranges.".into(),
        steps,
        references: vec![
            DOC_SG_RULES.to_string(),
            DOC_ECS_SG.to_string(),
            "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-18"
                .to_string(),
        ],
    }
}

fn change(p: &Proposal<'_>) -> Option<Change> {
    let mut rules = Vec::new();
    for e in &p.hit.evidence {
        for r in e
            .get(keys::RULES)
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
        {
            let s = |k: &str| r.get(k).and_then(serde_json::Value::as_str).map(str::to_string);
            rules.push(IngressRule {
                group_id: s("group_id")?,
                protocol: s("ip_protocol")?,
                from_port: r.get("from_port").and_then(serde_json::Value::as_i64),
                to_port: r.get("to_port").and_then(serde_json::Value::as_i64),
                cidr: s("cidr")?,
            });
        }
    }
    rules.sort();
    rules.dedup();
    Some(Change::RevokeIngress { rules })
}

#[cfg(test)]
mod tests {
    use crate::engine::analyze;
    use crate::load::Loader;
    use crate::traits::TraitId;

    /// The first fixture case (`sg-0api` open on port 22) with its `CidrIp` replaced.
    fn with_cidr(cidr: &str) -> crate::engine::Analysis {
        let fixture: serde_json::Value =
            serde_json::from_str(include_str!("fixtures/open_security_group.json")).unwrap();
        let mut loader = Loader::new();
        for doc in fixture["cases"][0]["documents"].as_array().unwrap() {
            let mut doc = doc.clone();
            if let Some(r) = doc.pointer_mut("/SecurityGroups/0/IpPermissions/1/IpRanges/0/CidrIp")
            {
                *r = cidr.into();
            }
            loader
                .add("fixture", &serde_json::to_vec(&doc).unwrap())
                .unwrap();
        }
        analyze(&loader.finish().0)
    }

    /// Without its task definition, a service without awsvpcConfiguration (which ECS requires
    /// of `awsvpc` services) runs in `bridge` or `host` mode: its hosts are judged, and with
    /// none in the input the gap names what to add.
    #[test]
    fn no_awsvpc_configuration_and_no_task_definition() {
        let mut loader = Loader::new();
        loader
            .add(
                "s.json",
                br#"{"services": [{"serviceArn": "arn:aws:ecs:us-east-1:1:service/c/web", "serviceName": "web", "taskDefinition": "arn:aws:ecs:us-east-1:1:task-definition/web:1"}]}"#,
            )
            .unwrap();
        loader.add("g.json", br#"{"SecurityGroups": []}"#).unwrap();
        let a = analyze(&loader.finish().0);
        let r: Vec<&str> = a
            .not_evaluated
            .iter()
            .filter(|n| n.trait_id == TraitId::OpenSecurityGroup)
            .map(|n| n.reason.as_str())
            .collect();
        assert!(
            r.iter().any(|r| r.starts_with("the service's tasks (bridge or host network mode) use their EC2 hosts' network: no container instances in the input (add ")),
            "{r:#?}"
        );
    }

    /// A block written with host bits set is read by its prefix length, as AWS reads it, and
    /// the evidence says so; the revoke command names the form AWS stores.
    #[test]
    fn host_bits_are_read_as_aws_reads_them() {
        for (written, family) in [("192.168.1.0/0", "IPv4"), ("::1/0", "IPv6")] {
            let a = with_cidr(written);
            let hit = a.findings[0]
                .traits
                .iter()
                .find(|t| t.id == TraitId::OpenSecurityGroup)
                .unwrap_or_else(|| panic!("`{written}` not read as the whole internet"));
            let e = &hit.evidence[0];
            let whole = if family == "IPv4" {
                "0.0.0.0/0"
            } else {
                "::/0"
            };
            assert!(
                e.message.contains(&format!(
                    "`{written}` (host bits set; AWS reads it as `{whole}`, the whole {family} internet)"
                )),
                "{}",
                e.message
            );
            assert_eq!(e.details["rules"][0]["cidr"], written);
            assert_eq!(e.details["rules"][0]["aws_reads_as"], whole);
            let steps = hit.remediation.steps.join("\n");
            assert!(
                steps.contains(&format!(
                    "Cidr{}={whole}}}]",
                    if family == "IPv4" { "Ip" } else { "Ipv6" }
                )),
                "{steps}"
            );
        }
        // A private network written with host bits set stays private.
        let a = with_cidr("10.0.0.5/8");
        assert!(!a.findings.iter().any(|f| f.has(TraitId::OpenSecurityGroup)));
        // Written canonically: no note.
        let a = with_cidr("0.0.0.0/0");
        let hit = a.findings[0]
            .traits
            .iter()
            .find(|t| t.id == TraitId::OpenSecurityGroup)
            .unwrap();
        assert!(!hit.evidence[0].message.contains("host bits"));
        assert!(
            hit.evidence[0].details["rules"][0]
                .get("aws_reads_as")
                .is_none()
        );
    }

    #[test]
    fn an_unreadable_cidr_is_not_evaluated_never_dropped() {
        for cidr in ["0.0.0.0/33", "not-a-cidr", "::/129", ""] {
            let a = with_cidr(cidr);
            assert!(
                !a.findings.iter().any(|f| f.has(TraitId::OpenSecurityGroup)),
                "{cidr}"
            );
            let n = a
                .not_evaluated
                .iter()
                .find(|n| n.trait_id == TraitId::OpenSecurityGroup)
                .unwrap_or_else(|| panic!("`{cidr}` was dropped: {:#?}", a.not_evaluated));
            assert!(
                n.reason
                    .starts_with("security group `sg-0api` IpPermissions[1].IpRanges[0].CidrIp: "),
                "{}",
                n.reason
            );
            assert_eq!(
                n.resources,
                ["arn:aws:ecs:us-east-1:111122223333:service/prod/api"]
            );
            if !cidr.is_empty() {
                assert!(
                    !n.reason.contains(cidr),
                    "the value is quoted: {}",
                    n.reason
                );
            }
        }
        // The same rule, readable, fires.
        assert!(with_cidr("0.0.0.0/0").findings[0].has(TraitId::OpenSecurityGroup));
    }

    #[test]
    fn fixture() {
        super::super::testing::run_fixture(
            &super::TRAIT,
            include_str!("fixtures/open_security_group.json"),
        );
    }
}
