//! What a change edits in a template: (resource, model path, operation) triples, named by the
//! model paths of the field map (`load::iac::fields`), or the reason it needs a person.

use super::{EditError, container_index, volume_index};
use crate::load::iac::fields;
use crate::model::Inventory;
use crate::model::change::Change;
use crate::plan::NON_ROOT_USER;

/// What an edit does at one model path of one resource.
pub(super) enum Op {
    /// Give the key a new scalar value (JSON literal, which YAML reads the same).
    Set(String),
    /// Set the key, or add it to the object at the parent path when absent.
    Ensure {
        parent: String,
        key: &'static str,
        value: String,
    },
    /// Remove the key and its value.
    Remove,
}

/// The (resource id, model path, op) edits of a change, or a reason it needs a person.
pub(super) fn ops(
    inv: &Inventory,
    change: &Change,
) -> Result<Vec<(String, String, Op)>, EditError> {
    let td = change.task_definition().map(str::to_string);
    // The model path of a container (`containerDefinitions[1]`).
    let c = |name: &str| {
        container_index(inv, td.as_deref().unwrap_or(""), name)
            .map(|i| format!("{}[{i}]", fields::CONTAINER_DEFINITIONS.model))
            .ok_or_else(|| EditError::NotFound {
                kind: "container",
                name: name.to_string(),
            })
    };
    let mut out = Vec::new();
    match change {
        Change::DropPrivileged {
            task_definition,
            containers,
        } => {
            for n in containers {
                let path = fields::PRIVILEGED.model_under(&c(n)?);
                out.push((task_definition.clone(), path, Op::Set("false".into())));
            }
        }
        Change::RemovePidModeHost { task_definition } => out.push((
            task_definition.clone(),
            fields::PID_MODE.model.into(),
            Op::Remove,
        )),
        Change::RemoveTaskRole { task_definition } => out.push((
            task_definition.clone(),
            fields::TASK_ROLE_ARN.model.into(),
            Op::Remove,
        )),
        Change::RemoveHostVolumes {
            task_definition,
            volumes,
        } => {
            for v in volumes {
                let i =
                    volume_index(inv, task_definition, v).ok_or_else(|| EditError::NotFound {
                        kind: "volume",
                        name: v.to_string(),
                    })?;
                let volume = format!("{}[{i}]", fields::VOLUMES.model);
                let path = fields::VOLUME_HOST.model_under(&volume);
                out.push((task_definition.clone(), path, Op::Remove));
            }
        }
        Change::ReadonlyRootFilesystem {
            task_definition,
            containers,
        } => {
            for n in containers {
                let (parent, f) = (c(n)?, fields::READONLY_ROOT_FILESYSTEM);
                out.push((
                    task_definition.clone(),
                    f.model_under(&parent),
                    Op::Ensure {
                        parent,
                        key: f.cfn_key(),
                        value: "true".into(),
                    },
                ));
            }
        }
        Change::SetNonRootUser {
            task_definition,
            containers,
        } => {
            for n in containers {
                let (parent, f) = (c(n)?, fields::USER);
                out.push((
                    task_definition.clone(),
                    f.model_under(&parent),
                    Op::Ensure {
                        parent,
                        key: f.cfn_key(),
                        value: format!("\"{NON_ROOT_USER}\""),
                    },
                ));
            }
        }
        Change::DropAddedCapabilities {
            task_definition,
            containers,
        } => {
            for n in containers {
                let path = fields::CAPABILITIES_ADD.model_under(&c(n)?);
                out.push((task_definition.clone(), path, Op::Remove));
            }
        }
        Change::DisablePublicIp { service } => out.push((
            service.clone(),
            fields::ASSIGN_PUBLIC_IP.model.into(),
            Op::Set("\"DISABLED\"".into()),
        )),
        Change::DisableExecuteCommand { service } => out.push((
            service.clone(),
            fields::ENABLE_EXECUTE_COMMAND.model.into(),
            Op::Set("false".into()),
        )),
        Change::NetworkModeAwsvpc { .. } => {
            return Err(EditError::Manual("switching to `awsvpc` also needs the service's `NetworkConfiguration` (subnets, security groups)".into()));
        }
        Change::MoveEnvToSecrets { .. } => {
            return Err(EditError::Manual("the values must move to Secrets Manager (`Secrets` with `ValueFrom`), which a text edit cannot create".into()));
        }
        Change::RevokeIngress { rules } => {
            let at = rule_locations(inv, rules);
            return Err(EditError::Manual(if at.is_empty() {
                "remove or narrow the open ingress rule".into()
            } else {
                format!(
                    "remove or narrow the open ingress rule(s) at {}",
                    at.join(", ")
                )
            }));
        }
        Change::RestrictRole { .. } => {
            return Err(EditError::Manual(
                "replace the administrative policy with a least-privilege one".into(),
            ));
        }
        Change::UpgradeImages { .. } => {
            return Err(EditError::Manual(
                "point `Image` at a rebuilt image with the fixed packages".into(),
            ));
        }
        Change::MakeLoadBalancerInternal { .. } => {
            return Err(EditError::Manual("set the load balancer's `Scheme: internal` (CloudFormation replaces it) and put it in private subnets".into()));
        }
        // A change kind with no template edit yet: a manual note, never a wrong edit.
        _ => {
            return Err(EditError::Manual(format!(
                "make the change by hand: {}",
                change.title()
            )));
        }
    }
    Ok(out)
}

/// `file:line` of each ingress rule to revoke (the line of its CIDR), as the loader recorded
/// them, so the manual note points at the rule rather than at its security group.
fn rule_locations(inv: &Inventory, rules: &[crate::model::change::IngressRule]) -> Vec<String> {
    let mut out = Vec::new();
    for r in rules {
        let Some(g) = inv.security_groups.get(&r.group_id) else {
            continue;
        };
        for (i, p) in g.ip_permissions.iter().enumerate() {
            let same = p.ip_protocol == r.protocol
                && p.from_port.map(i64::from) == r.from_port
                && p.to_port.map(i64::from) == r.to_port;
            if !same {
                continue;
            }
            let v4 = p.ip_ranges.iter().position(|x| x.cidr_ip == r.cidr);
            let v6 = p.ipv6_ranges.iter().position(|x| x.cidr_ipv6 == r.cidr);
            let field = match (v4, v6) {
                (Some(j), _) => format!("IpPermissions[{i}].IpRanges[{j}]"),
                (_, Some(j)) => format!("IpPermissions[{i}].Ipv6Ranges[{j}]"),
                _ => continue,
            };
            if let Some(l) = inv.locate(&r.group_id, Some(&field)) {
                let at = format!("{}:{}", l.file, l.line);
                if !out.contains(&at) {
                    out.push(at);
                }
            }
        }
    }
    out
}
