//! Applying a [`Change`] to the inventory, and undoing it.
//!
//! What-if analysis clones the inventory once, then for each change applies it, re-analyses
//! the services it touches, and puts back the resources it edited. That keeps a plan over a
//! large account linear in its size instead of one full copy per remediation.

use super::change::{Change, IngressRule, StatementRef};
use crate::model::{
    ContainerDefinition, Inventory, LoadBalancer, ManagedPolicy, Role, SecretRef, SecurityGroup,
    Service, TaskDefinition,
};
use serde_json::Value;

/// What [`apply`] replaced, for [`undo`].
pub struct Undo {
    task_definitions: Vec<TaskDefinition>,
    services: Vec<Service>,
    load_balancers: Vec<LoadBalancer>,
    groups: Vec<SecurityGroup>,
    roles: Vec<Role>,
    policies: Vec<ManagedPolicy>,
    findings: Vec<(usize, Option<String>)>,
}

/// The placeholder a moved variable's `valueFrom` gets until the user puts the ARN that
/// `create-secret` prints.
pub fn secret_placeholder(td: &TaskDefinition, container: &str, name: &str) -> String {
    let family = td.family.as_deref().unwrap_or("family");
    let (partition, region, account) = arn_parts(&td.task_definition_arn);
    format!(
        "arn:{partition}:secretsmanager:{region}:{account}:secret:{}",
        secret_name(family, container, name)
    )
}

/// The Secrets Manager name for a moved variable.
pub fn secret_name(family: &str, container: &str, name: &str) -> String {
    format!("{family}/{container}/{name}")
}

fn arn_parts(arn: &str) -> (&str, &str, &str) {
    let mut p = arn.split(':').skip(1);
    match (p.next(), p.nth(1), p.next()) {
        (Some(a), Some(r), Some(acc)) if !r.is_empty() && !acc.is_empty() => (a, r, acc),
        _ => ("aws", "<region>", "<account>"),
    }
}

fn containers_named<'a>(
    td: &'a mut TaskDefinition,
    names: &'a [String],
) -> impl Iterator<Item = &'a mut ContainerDefinition> + 'a {
    td.container_definitions
        .iter_mut()
        .filter(move |c| names.iter().any(|n| n == c.name()))
}

/// A non-root user id for containers that set none (the image's own user is unknown here).
pub const NON_ROOT_USER: &str = "1000";

/// Applies a change to a task definition of the model.
pub fn apply_to_task_definition(td: &mut TaskDefinition, change: &Change) {
    match change {
        Change::DropPrivileged { containers, .. } => {
            containers_named(td, containers).for_each(|c| c.privileged = None)
        }
        Change::RemovePidModeHost { .. } => td.pid_mode = None,
        Change::NetworkModeAwsvpc { .. } => {
            td.network_mode = Some("awsvpc".to_string());
            // As the generated revision does: awsvpc takes no other host port.
            for c in &mut td.container_definitions {
                c.port_mappings.iter_mut().for_each(|p| p.host_port = None);
            }
        }
        Change::RemoveHostVolumes { volumes, .. } => {
            td.volumes
                .retain(|v| !v.name.as_ref().is_some_and(|n| volumes.contains(n)));
            for c in &mut td.container_definitions {
                c.mount_points.retain(|m| {
                    !m.source_volume
                        .as_ref()
                        .is_some_and(|n| volumes.contains(n))
                });
            }
        }
        Change::ReadonlyRootFilesystem { containers, .. } => {
            containers_named(td, containers).for_each(|c| c.readonly_root_filesystem = Some(true))
        }
        Change::MoveEnvToSecrets { variables, .. } => {
            let snapshot = td.clone();
            for c in &mut td.container_definitions {
                let name = c.name().to_string();
                let moved: Vec<&str> = variables
                    .iter()
                    .filter(|v| v.container == name)
                    .map(|v| v.name.as_str())
                    .collect();
                c.environment
                    .retain(|e| !e.name.as_deref().is_some_and(|n| moved.contains(&n)));
                for v in moved {
                    c.secrets.push(SecretRef {
                        name: Some(v.to_string()),
                        value_from: Some(secret_placeholder(&snapshot, &name, v)),
                    });
                }
            }
        }
        Change::SetNonRootUser { containers, .. } => {
            containers_named(td, containers).for_each(|c| c.user = Some(NON_ROOT_USER.to_string()))
        }
        Change::DropAddedCapabilities { containers, .. } => {
            for c in containers_named(td, containers) {
                if let Some(caps) = c
                    .linux_parameters
                    .as_mut()
                    .and_then(|l| l.capabilities.as_mut())
                {
                    caps.add.clear();
                }
            }
        }
        Change::RemoveTaskRole { .. } => td.task_role_arn = None,
        Change::RemoveIpcModeHost { .. } => td.ipc_mode = None,
        Change::RemoveDevices { containers, .. } => {
            for c in containers_named(td, containers) {
                if let Some(l) = c.linux_parameters.as_mut() {
                    l.devices.clear();
                }
            }
        }
        Change::RemoveSecurityOptions {
            containers,
            options,
            ..
        } => {
            for c in containers_named(td, containers) {
                c.docker_security_options.retain(|o| !options.contains(o));
            }
        }
        _ => {}
    }
}

/// Removes statements (by index) from a policy document.
pub fn remove_statements(doc: &mut Value, mut indexes: Vec<usize>) {
    indexes.sort_unstable();
    indexes.dedup();
    match doc.get_mut("Statement") {
        Some(Value::Array(list)) => {
            for i in indexes.into_iter().rev() {
                if i < list.len() {
                    list.remove(i);
                }
            }
        }
        Some(Value::Object(_)) => {
            doc["Statement"] = Value::Array(Vec::new());
        }
        _ => {}
    }
}

fn revoke(group: &mut SecurityGroup, rule: &IngressRule) {
    let proto = |p: &str| match p.to_ascii_lowercase().as_str() {
        "6" => "tcp".to_string(),
        "17" => "udp".to_string(),
        "1" => "icmp".to_string(),
        "58" => "icmpv6".to_string(),
        "all" => "-1".to_string(),
        other => other.to_string(),
    };
    for perm in &mut group.ip_permissions {
        let same_proto = proto(&perm.ip_protocol) == proto(&rule.protocol);
        let has_ports = matches!(rule.protocol.as_str(), "tcp" | "udp");
        let same_ports = !has_ports
            || (perm.from_port.map(i64::from) == rule.from_port
                && perm.to_port.map(i64::from) == rule.to_port);
        if !(same_proto && same_ports) {
            continue;
        }
        perm.ip_ranges.retain(|r| r.cidr_ip != rule.cidr);
        perm.ipv6_ranges.retain(|r| r.cidr_ipv6 != rule.cidr);
    }
}

/// Applies a change to the inventory and returns what it replaced.
pub fn apply(inv: &mut Inventory, change: &Change) -> Undo {
    let mut undo = Undo {
        task_definitions: Vec::new(),
        services: Vec::new(),
        load_balancers: Vec::new(),
        groups: Vec::new(),
        roles: Vec::new(),
        policies: Vec::new(),
        findings: Vec::new(),
    };
    if let Some(arn) = change.task_definition() {
        if let Some(td) = inv.task_definitions.get_mut(arn) {
            undo.task_definitions.push(td.clone());
            apply_to_task_definition(td, change);
        }
        return undo;
    }
    match change {
        Change::DisablePublicIp { service } | Change::DisableExecuteCommand { service } => {
            if let Some(s) = inv.services.get_mut(service) {
                undo.services.push(s.clone());
                // `update-service` starts a new deployment; once it has rolled out, the
                // deployments it replaced stop running tasks.
                s.deployments.clear();
                if matches!(change, Change::DisableExecuteCommand { .. }) {
                    s.enable_execute_command = false;
                } else if let Some(a) = s
                    .network_configuration
                    .as_mut()
                    .and_then(|n| n.awsvpc_configuration.as_mut())
                {
                    a.assign_public_ip = Some("DISABLED".to_string());
                }
            }
        }
        Change::MakeLoadBalancerInternal { load_balancer } => {
            if let Some(lb) = inv.load_balancers.get_mut(load_balancer) {
                undo.load_balancers.push(lb.clone());
                lb.scheme = Some("internal".to_string());
            }
        }
        Change::RevokeIngress { rules } => {
            for rule in rules {
                if let Some(g) = inv.security_groups.get_mut(&rule.group_id) {
                    if !undo.groups.iter().any(|u| u.group_id == g.group_id) {
                        undo.groups.push(g.clone());
                    }
                    revoke(g, rule);
                }
            }
        }
        Change::RestrictRole {
            role,
            detach,
            statements,
        } => {
            let Some(arn) = inv.role(role).map(|r| r.arn.clone()) else {
                return undo;
            };
            let r = inv.roles.get_mut(&arn).expect("found just above");
            undo.roles.push(r.clone());
            r.attached_managed_policies
                .retain(|a| !detach.contains(&a.policy_arn));
            let by_policy = |inline: bool| {
                let mut m: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
                for StatementRef {
                    policy,
                    inline: i,
                    statement,
                } in statements
                {
                    if *i == inline {
                        m.entry(policy.as_str()).or_default().push(*statement);
                    }
                }
                m
            };
            for (name, idx) in by_policy(true) {
                if let Some(p) = r
                    .role_policy_list
                    .iter_mut()
                    .find(|p| p.policy_name == name)
                {
                    remove_statements(&mut p.policy_document, idx);
                }
            }
            for (arn, idx) in by_policy(false) {
                if let Some(p) = inv.managed_policies.get_mut(arn) {
                    undo.policies.push(p.clone());
                    let default = p.default_version().map(|(i, _)| i);
                    if let Some(doc) = default
                        .and_then(|i| p.policy_version_list.get_mut(i))
                        .and_then(|v| v.document.as_mut())
                    {
                        remove_statements(doc, idx);
                    }
                }
            }
        }
        Change::UpgradeImages { repositories } => {
            let mut hit: Vec<usize> = Vec::new();
            for (i, f) in inv.inspector_findings.iter().enumerate() {
                let in_repo = f.resources.iter().any(|r| {
                    r.details
                        .as_ref()
                        .and_then(|d| d.aws_ecr_container_image.as_ref())
                        .and_then(|img| img.repository_name.as_ref())
                        .is_some_and(|n| repositories.contains(n))
                });
                if in_repo && f.is_package_vulnerability() && f.is_active() {
                    hit.push(i);
                }
            }
            for i in hit {
                let f = &mut inv.inspector_findings[i];
                undo.findings.push((i, f.status.clone()));
                f.status = Some("CLOSED".to_string());
            }
        }
        _ => {}
    }
    undo
}

/// Puts back what [`apply`] replaced.
pub fn undo(inv: &mut Inventory, undo: Undo) {
    use crate::model::Resource;
    let saved = (undo.task_definitions.into_iter())
        .map(Resource::TaskDefinition)
        .chain(undo.services.into_iter().map(Resource::Service))
        .chain(undo.load_balancers.into_iter().map(Resource::LoadBalancer))
        .chain(undo.groups.into_iter().map(Resource::SecurityGroup))
        .chain(undo.roles.into_iter().map(Resource::Role))
        .chain(undo.policies.into_iter().map(Resource::ManagedPolicy));
    for r in saved {
        inv.insert(r);
    }
    for (i, status) in undo.findings {
        inv.inspector_findings[i].status = status;
    }
}
