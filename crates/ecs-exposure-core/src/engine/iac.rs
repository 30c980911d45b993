//! Infrastructure as code in the engine: evidence gets the file and line of its field, and a
//! value the template leaves unresolved becomes a "possible" gap of the traits that read it,
//! so that it is never silently treated as safe.

use crate::model::Inventory;
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
        for &trait_id in traits_reading(&u.field) {
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

/// Which traits read a model field (by JSON path); fields no trait reads give no gap.
fn traits_reading(field: &str) -> &'static [TraitId] {
    use TraitId::*;
    let last = field
        .rsplit('.')
        .next()
        .unwrap_or(field)
        .split('[')
        .next()
        .unwrap_or("");
    let has = |s: &str| field.contains(s);
    if has("linuxParameters") {
        return &[AddedCapabilities];
    }
    if has("mountPoints") || has("volumes") {
        return &[HostFilesystemMount];
    }
    // `environment`, `environmentFiles`, and a container's command line (not, say, its
    // `healthCheck.command`, which no trait reads), where credentials are read too.
    let command_line = field.split('.').nth(1).is_some_and(|s| {
        let name = s.split('[').next().unwrap_or(s);
        field.starts_with("containerDefinitions") && (name == "command" || name == "entryPoint")
    });
    if has("environment") || command_line {
        return &[PlaintextCredentials];
    }
    if has("portMappings") || has("loadBalancers") {
        return &[InternetReachable];
    }
    if has("IpPermissions") {
        return &[OpenSecurityGroup, InternetReachable];
    }
    if has("RolePolicyList") || has("AttachedManagedPolicies") || has("PolicyVersionList") {
        return &[AdminIamRole, ServiceAdminIamRole];
    }
    if has("AssumeRolePolicyDocument") {
        return &[AssumableIamRole];
    }
    if has("awsvpcConfiguration.securityGroups") {
        return &[OpenSecurityGroup, InternetReachable];
    }
    if has("awsvpcConfiguration") {
        return if last == "assignPublicIp" {
            &[PublicIp, InternetReachable]
        } else {
            &[InternetReachable]
        };
    }
    match last {
        "privileged" => &[PrivilegedContainer],
        "pidMode" => &[HostPidNamespace],
        "networkMode" => &[HostNetworkMode, InternetReachable],
        "readonlyRootFilesystem" => &[WritableRootFilesystem],
        "user" => &[RootUser],
        "image" => &[ExploitableVulnerability, SoftwareVulnerability],
        "taskRoleArn" => &[AdminIamRole, AssumableIamRole],
        "enableExecuteCommand" => &[EcsExecEnabled],
        // All container definitions at once (Terraform's `container_definitions` unknown
        // until apply).
        "containerDefinitions" => &[
            PrivilegedContainer,
            PlaintextCredentials,
            HostFilesystemMount,
            AddedCapabilities,
            WritableRootFilesystem,
            RootUser,
            InternetReachable,
        ],
        "taskDefinition" => &[
            PrivilegedContainer,
            HostPidNamespace,
            HostNetworkMode,
            HostFilesystemMount,
            PlaintextCredentials,
            AdminIamRole,
        ],
        "Scheme"
        | "AvailabilityZones"
        | "Routes"
        | "GatewayId"
        | "DestinationCidrBlock"
        | "Entries"
        | "CidrBlock"
        | "MapPublicIpOnLaunch"
        | "VpcId"
        | "LoadBalancerArn"
        | "DefaultActions"
        | "TargetGroupArn"
        | "SecurityGroups" => &[InternetReachable],
        _ if has("Routes")
            || has("Entries")
            || has("DefaultActions")
            || has("AvailabilityZones") =>
        {
            &[InternetReachable]
        }
        _ => &[],
    }
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
            assert_eq!(traits_reading(f), [TraitId::PlaintextCredentials], "{f}");
        }
        assert!(traits_reading("containerDefinitions[0].healthCheck.command[1]").is_empty());
        assert_eq!(
            written_as("AvailabilityZones[1]"),
            "the load balancer's subnets (`Subnets[1]`)"
        );
        assert_eq!(written_as("Scheme"), "`Scheme`");
    }
}
