//! Terraform plan resources: the plan records no `.tf` line, so a change becomes review
//! notes naming the resource address, the attribute (from the field map,
//! `load::iac::fields`) and its new value.

use super::{container_index, tf_resource};
use crate::load::iac::fields;
use crate::model::Inventory;
use crate::model::change::Change;
use crate::plan::NON_ROOT_USER;

/// Review notes for a change to a Terraform plan resource: address, attribute, new value.
pub fn terraform_notes(inv: &Inventory, change: &Change) -> Vec<String> {
    let Some(id) = change.resources().into_iter().next() else {
        return Vec::new();
    };
    let Some((_, address)) = tf_resource(inv, &id) else {
        return Vec::new();
    };
    let td = change.task_definition().unwrap_or("");
    let defs = fields::CONTAINER_DEFINITIONS.tf;
    let cd = |n: &String| match container_index(inv, td, n) {
        Some(i) => format!("{defs}[{i}]"),
        None => format!("{defs}[name={n}]"),
    };
    // A container field in the JSON text of `container_definitions` (the API's names).
    let field = |n: &String, f: fields::Field| format!("{}.{}", cd(n), f.tf);
    let mut attrs: Vec<String> = Vec::new();
    match change {
        Change::DropPrivileged { containers, .. } => attrs.extend(
            containers
                .iter()
                .map(|n| format!("{} = false", field(n, fields::PRIVILEGED))),
        ),
        Change::RemovePidModeHost { .. } => {
            attrs.push(format!("{}: remove (or \"task\")", fields::PID_MODE.tf))
        }
        Change::NetworkModeAwsvpc { .. } => attrs.push(format!(
            "{} = \"awsvpc\" (and give the services a {})",
            fields::NETWORK_MODE.tf,
            fields::AWSVPC_CONFIGURATION.tf
        )),
        Change::RemoveHostVolumes { volumes, .. } => attrs.extend(volumes.iter().map(|v| {
            format!(
                "{} \"{v}\": remove {} (and read-only mounts of it)",
                fields::VOLUMES.tf,
                fields::VOLUME_HOST.tf
            )
        })),
        Change::ReadonlyRootFilesystem { containers, .. } => attrs.extend(
            containers
                .iter()
                .map(|n| format!("{} = true", field(n, fields::READONLY_ROOT_FILESYSTEM))),
        ),
        Change::SetNonRootUser { containers, .. } => attrs.extend(
            containers
                .iter()
                .map(|n| format!("{} = \"{NON_ROOT_USER}\"", field(n, fields::USER))),
        ),
        Change::DropAddedCapabilities { containers, .. } => attrs.extend(
            containers
                .iter()
                .map(|n| format!("{}: remove", field(n, fields::CAPABILITIES_ADD))),
        ),
        Change::RemoveTaskRole { .. } => {
            attrs.push(format!("{}: remove", fields::TASK_ROLE_ARN.tf))
        }
        Change::MoveEnvToSecrets { variables, .. } => attrs.extend(variables.iter().map(|v| {
            format!(
                "{}: move `{}` from environment to secrets (valueFrom = a Secrets Manager ARN)",
                cd(&v.container),
                v.name
            )
        })),
        Change::DisablePublicIp { .. } => {
            attrs.push(format!("{} = false", fields::ASSIGN_PUBLIC_IP.tf))
        }
        Change::DisableExecuteCommand { .. } => {
            attrs.push(format!("{} = false", fields::ENABLE_EXECUTE_COMMAND.tf))
        }
        Change::RevokeIngress { rules } => attrs.extend(rules.iter().map(|r| {
            format!(
                "ingress from {} ({} {}-{}): remove or narrow",
                r.cidr,
                r.protocol,
                r.from_port.map(|p| p.to_string()).unwrap_or_default(),
                r.to_port.map(|p| p.to_string()).unwrap_or_default()
            )
        })),
        Change::RestrictRole { .. } => {
            attrs.push("replace the administrative policy with a least-privilege one".into())
        }
        Change::MakeLoadBalancerInternal { .. } => attrs.push(format!(
            "{} = true (replaces the load balancer; use private subnets)",
            fields::SCHEME.tf
        )),
        Change::UpgradeImages { .. } => return Vec::new(),
        // A change kind with no attribute note yet: its title says what to edit.
        _ => attrs.push(change.title()),
    }
    attrs
        .into_iter()
        .map(|a| {
            format!(
                "Terraform: `{address}`: `{a}` (edit the `.tf` source, then `terraform plan` again)"
            )
        })
        .collect()
}
