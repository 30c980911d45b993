//! Infrastructure as code in the engine: evidence gets the file and line of its field, and a
//! value the template leaves unresolved becomes a "possible" gap of the traits that read it,
//! so that it is never silently treated as safe.

use crate::model::{Inventory, Kind};
use crate::traits::{Evidence, Gap, ServiceContext, TraitId};

pub fn locate(inv: &Inventory, evidence: &mut [Evidence]) {
    if inv.sources.is_empty() {
        return;
    }
    for e in evidence {
        if e.location.is_none() {
            e.location = inv.locate(&e.resource, e.field.as_deref()).cloned();
        }
    }
}

/// Gaps for the unresolved values of the resources a service is built from.
pub fn unresolved_gaps(ctx: &ServiceContext<'_>, gaps: &mut Vec<Gap>) {
    let inv = ctx.inventory;
    if inv.unresolved.is_empty() {
        return;
    }
    let related = related(ctx);
    for u in &inv.unresolved {
        if !related.contains(&u.resource.as_str()) {
            continue;
        }
        let at = u
            .location
            .as_ref()
            .map(|l| format!(" ({}:{}:{})", l.file, l.line, l.column))
            .unwrap_or_default();
        for trait_id in traits_reading(inv.kind_of(&u.resource), &u.field) {
            gaps.push(Gap {
                trait_id,
                reason: format!(
                    "possible: {} of {} cannot be resolved because {}{at}; the check cannot rule the trait out",
                    written_as(&u.field),
                    u.resource,
                    u.reason
                ),
                resource: ctx.service.service_arn.clone(),
            });
        }
    }
}

/// How a reason names a model field: as the template wrote it where the model keeps the AWS
/// API's name for something else. A load balancer's subnets are its `AvailabilityZones` in
/// `describe-load-balancers`, but templates write `Subnets` (CloudFormation) or `subnets`.
fn written_as(field: &str) -> String {
    match field.strip_prefix("AvailabilityZones") {
        Some(rest) => format!("the load balancer's subnets (`Subnets{rest}`)"),
        None => format!("`{field}`"),
    }
}

/// The ids of the service, its task definition, roles, security groups, subnets (with their
/// route tables and network ACLs) and load balancing resources.
fn related<'a>(ctx: &ServiceContext<'a>) -> Vec<&'a str> {
    let inv = ctx.inventory;
    let s = ctx.service;
    let mut ids: Vec<&str> = vec![s.service_arn.as_str()];
    if let Some(td) = ctx.task_definition {
        ids.push(&td.task_definition_arn);
        for arn in [&td.task_role_arn, &td.execution_role_arn]
            .into_iter()
            .flatten()
        {
            if let Some(r) = inv.role(arn) {
                ids.push(&r.arn);
                for a in &r.attached_managed_policies {
                    ids.push(&a.policy_arn);
                }
            }
        }
    }
    if let Some(vpc) = s.awsvpc() {
        ids.extend(vpc.security_groups.iter().map(String::as_str));
        for id in &vpc.subnets {
            ids.push(id);
            if let Some(sub) = inv.subnets.get(id) {
                if let Some((rt, _)) = inv.route_table_for_subnet(sub) {
                    ids.push(&rt.route_table_id);
                }
                if let Some(acl) = inv.network_acl_for_subnet(sub) {
                    ids.push(&acl.network_acl_id);
                }
            }
        }
    }
    for lb in &s.load_balancers {
        if let Some(tg) = lb.target_group_arn.as_deref() {
            ids.push(tg);
            for l in inv.listeners_forwarding_to(tg) {
                ids.push(&l.listener_arn);
                ids.push(&l.load_balancer_arn);
            }
        }
    }
    ids
}

/// Which traits read a field (by JSON path) of a resource of `kind`, as they declare it:
/// directly, or through the resource the field names (an unresolved `taskDefinition` leaves
/// every trait that reads the task definition unjudged). Fields no trait reads give no gap.
/// A resource of no known kind: every trait that reads such a field of any kind.
fn traits_reading(kind: Option<Kind>, field: &str) -> Vec<TraitId> {
    let referenced = kind.and_then(|k| k.referenced_by(field));
    crate::traits::ALL
        .iter()
        .filter(|t| match kind {
            Some(k) => t.reads_field(k, field) || referenced.is_some_and(|r| t.reads_field(r, "")),
            None => t.reads.iter().any(|r| t.reads_field(r.kind, field)),
        })
        .map(|t| t.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_are_read_by_plaintext_credentials_health_checks_by_none() {
        for f in [
            "containerDefinitions[0].command[2]",
            "containerDefinitions[1].entryPoint",
            "containerDefinitions[0].environment[1].value",
        ] {
            assert_eq!(
                traits_reading(Some(Kind::EcsTaskDefinition), f),
                [TraitId::PlaintextCredentials],
                "{f}"
            );
        }
        assert!(
            traits_reading(
                Some(Kind::EcsTaskDefinition),
                "containerDefinitions[0].healthCheck.command[1]"
            )
            .is_empty()
        );
        assert_eq!(
            written_as("AvailabilityZones[1]"),
            "the load balancer's subnets (`Subnets[1]`)"
        );
        assert_eq!(written_as("Scheme"), "`Scheme`");
    }
}
