//! Remediations as typed changes to the model. Each trait proposes its own from the evidence
//! of its hits (`TraitDef::change`); the planner applies them to a copy of the inventory
//! (what-if), and `fix` writes them as commands or template edits.
//!
//! A change is keyed by the resource it changes (a task definition, a service, a role, a set
//! of security group rules, image repositories), so one change that removes a shared cause
//! (one role used by many services) is planned once and lists every finding it affects.

use super::text::ticked;
use serde::Serialize;

/// One change to the account, in the terms of the AWS resource it edits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    /// Remove `privileged` from these containers.
    DropPrivileged {
        task_definition: String,
        containers: Vec<String>,
    },
    /// Remove `pidMode: host`.
    RemovePidModeHost { task_definition: String },
    /// `networkMode: awsvpc` instead of `host`.
    NetworkModeAwsvpc { task_definition: String },
    /// Remove these host volumes and the mount points that use them.
    RemoveHostVolumes {
        task_definition: String,
        volumes: Vec<String>,
    },
    /// `readonlyRootFilesystem: true` on these containers.
    ReadonlyRootFilesystem {
        task_definition: String,
        containers: Vec<String>,
    },
    /// Move these `environment` entries to `secrets` (`valueFrom`).
    MoveEnvToSecrets {
        task_definition: String,
        variables: Vec<EnvVar>,
    },
    /// Run these containers as a non-root user.
    SetNonRootUser {
        task_definition: String,
        containers: Vec<String>,
    },
    /// Remove `linuxParameters.capabilities.add` from these containers.
    DropAddedCapabilities {
        task_definition: String,
        containers: Vec<String>,
    },
    /// Remove `taskRoleArn`.
    RemoveTaskRole { task_definition: String },
    /// Remove `ipcMode: host`.
    RemoveIpcModeHost { task_definition: String },
    /// Remove `linuxParameters.devices` from these containers.
    RemoveDevices {
        task_definition: String,
        containers: Vec<String>,
    },
    /// Remove these `dockerSecurityOptions` entries (exact strings) from these containers.
    RemoveSecurityOptions {
        task_definition: String,
        containers: Vec<String>,
        options: Vec<String>,
    },
    /// `assignPublicIp: DISABLED`.
    DisablePublicIp { service: String },
    /// `enableExecuteCommand: false`.
    DisableExecuteCommand { service: String },
    /// Serve the service through an `internal` load balancer instead of this internet-facing
    /// one (by ARN).
    MakeLoadBalancerInternal { load_balancer: String },
    /// Revoke these ingress rules (one CIDR source each).
    RevokeIngress { rules: Vec<IngressRule> },
    /// Detach managed policies from a role and remove statements from its policies.
    RestrictRole {
        role: String,
        detach: Vec<String>,
        statements: Vec<StatementRef>,
    },
    /// Rebuild the images of these ECR repositories with the fixed package versions, which
    /// closes their Inspector package findings.
    UpgradeImages { repositories: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct EnvVar {
    pub container: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct IngressRule {
    pub group_id: String,
    /// `tcp`, `udp`, `icmp`, `-1` (all) or a protocol number, as the EC2 API takes it.
    pub protocol: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i64>,
    pub cidr: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct StatementRef {
    /// The inline policy's name, or the managed policy's ARN.
    pub policy: String,
    pub inline: bool,
    pub statement: usize,
}

/// Whether a fix can be applied without a person looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Needs a value only a person can give (a secret ARN, a user id, a new image, a policy).
    Manual,
    /// May break the workload (it may need the privilege being taken away).
    Unsafe,
    /// The workload's behaviour does not change.
    Safe,
}

impl Change {
    /// A kebab-case name of the kind of change, for ids.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::DropPrivileged { .. } => "drop-privileged",
            Change::RemovePidModeHost { .. } => "remove-pid-mode-host",
            Change::NetworkModeAwsvpc { .. } => "network-mode-awsvpc",
            Change::RemoveHostVolumes { .. } => "remove-host-volumes",
            Change::ReadonlyRootFilesystem { .. } => "readonly-root-filesystem",
            Change::MoveEnvToSecrets { .. } => "move-env-to-secrets",
            Change::SetNonRootUser { .. } => "set-non-root-user",
            Change::DropAddedCapabilities { .. } => "drop-added-capabilities",
            Change::RemoveTaskRole { .. } => "remove-task-role",
            Change::RemoveIpcModeHost { .. } => "remove-ipc-mode-host",
            Change::RemoveDevices { .. } => "remove-devices",
            Change::RemoveSecurityOptions { .. } => "remove-security-options",
            Change::DisablePublicIp { .. } => "disable-public-ip",
            Change::DisableExecuteCommand { .. } => "disable-execute-command",
            Change::MakeLoadBalancerInternal { .. } => "make-load-balancer-internal",
            Change::RevokeIngress { .. } => "revoke-ingress",
            Change::RestrictRole { .. } => "restrict-role",
            Change::UpgradeImages { .. } => "upgrade-images",
        }
    }

    /// The task definition this change edits, if it is a task definition change.
    pub fn task_definition(&self) -> Option<&str> {
        match self {
            Change::DropPrivileged {
                task_definition, ..
            }
            | Change::RemovePidModeHost { task_definition }
            | Change::NetworkModeAwsvpc { task_definition }
            | Change::RemoveHostVolumes {
                task_definition, ..
            }
            | Change::ReadonlyRootFilesystem {
                task_definition, ..
            }
            | Change::MoveEnvToSecrets {
                task_definition, ..
            }
            | Change::SetNonRootUser {
                task_definition, ..
            }
            | Change::DropAddedCapabilities {
                task_definition, ..
            }
            | Change::RemoveTaskRole { task_definition }
            | Change::RemoveIpcModeHost { task_definition }
            | Change::RemoveDevices {
                task_definition, ..
            }
            | Change::RemoveSecurityOptions {
                task_definition, ..
            } => Some(task_definition),
            _ => None,
        }
    }

    /// The ARNs/ids of the resources the change edits.
    pub fn resources(&self) -> Vec<String> {
        if let Some(td) = self.task_definition() {
            return vec![td.to_string()];
        }
        match self {
            Change::DisablePublicIp { service } | Change::DisableExecuteCommand { service } => {
                vec![service.clone()]
            }
            Change::RevokeIngress { rules } => {
                let mut g: Vec<String> = rules.iter().map(|r| r.group_id.clone()).collect();
                g.dedup();
                g
            }
            Change::RestrictRole {
                role, statements, ..
            } => {
                let mut r = vec![role.clone()];
                for s in statements.iter().filter(|s| !s.inline) {
                    if !r.contains(&s.policy) {
                        r.push(s.policy.clone());
                    }
                }
                r
            }
            Change::UpgradeImages { repositories } => repositories.clone(),
            Change::MakeLoadBalancerInternal { load_balancer } => vec![load_balancer.clone()],
            _ => Vec::new(),
        }
    }

    pub fn applicability(&self) -> Applicability {
        match self {
            Change::DisableExecuteCommand { .. } => Applicability::Safe,
            Change::MoveEnvToSecrets { .. }
            | Change::SetNonRootUser { .. }
            | Change::UpgradeImages { .. } => Applicability::Manual,
            Change::RestrictRole { statements, .. } if !statements.is_empty() => {
                Applicability::Manual
            }
            _ => Applicability::Unsafe,
        }
    }

    /// A one-line description a person can act on.
    pub fn title(&self) -> String {
        let short = |arn: &str| arn.rsplit('/').next().unwrap_or(arn).to_string();
        match self {
            Change::DropPrivileged {
                task_definition,
                containers,
            } => format!(
                "remove `privileged` from container(s) {} of task definition `{}`",
                ticked(containers),
                short(task_definition)
            ),
            Change::RemovePidModeHost { task_definition } => format!(
                "remove `pidMode: host` from task definition `{}`",
                short(task_definition)
            ),
            Change::NetworkModeAwsvpc { task_definition } => format!(
                "switch task definition `{}` from `host` to `awsvpc` networking",
                short(task_definition)
            ),
            Change::RemoveHostVolumes {
                task_definition,
                volumes,
            } => format!(
                "remove host volume(s) {} from task definition `{}`",
                ticked(volumes),
                short(task_definition)
            ),
            Change::ReadonlyRootFilesystem {
                task_definition,
                containers,
            } => format!(
                "set `readonlyRootFilesystem` on container(s) {} of task definition `{}`",
                ticked(containers),
                short(task_definition)
            ),
            Change::MoveEnvToSecrets {
                task_definition,
                variables,
            } => format!(
                "move {} from `environment` to `secrets` in task definition `{}`",
                ticked(
                    variables
                        .iter()
                        .map(|v| format!("{}/{}", v.container, v.name))
                ),
                short(task_definition)
            ),
            Change::SetNonRootUser {
                task_definition,
                containers,
            } => format!(
                "run container(s) {} of task definition `{}` as a non-root user",
                ticked(containers),
                short(task_definition)
            ),
            Change::DropAddedCapabilities {
                task_definition,
                containers,
            } => format!(
                "drop the added Linux capabilities of container(s) {} of task definition `{}`",
                ticked(containers),
                short(task_definition)
            ),
            Change::RemoveTaskRole { task_definition } => format!(
                "remove the task role from task definition `{}`",
                short(task_definition)
            ),
            Change::RemoveIpcModeHost { task_definition } => format!(
                "remove `ipcMode: host` from task definition `{}`",
                short(task_definition)
            ),
            Change::RemoveDevices {
                task_definition,
                containers,
            } => format!(
                "remove the host devices of container(s) {} of task definition `{}`",
                ticked(containers),
                short(task_definition)
            ),
            Change::RemoveSecurityOptions {
                task_definition,
                containers,
                options,
            } => format!(
                "remove security option(s) {} from container(s) {} of task definition `{}`",
                ticked(options),
                ticked(containers),
                short(task_definition)
            ),
            Change::DisablePublicIp { service } => {
                format!("turn off public IPs of service `{}`", short(service))
            }
            Change::DisableExecuteCommand { service } => {
                format!("turn off ECS Exec on service `{}`", short(service))
            }
            Change::MakeLoadBalancerInternal { load_balancer } => format!(
                "serve through an `internal` load balancer instead of internet-facing `{}`",
                load_balancer_name(load_balancer)
            ),
            Change::RevokeIngress { rules } => format!(
                "revoke {}",
                rules
                    .iter()
                    .map(|r| format!(
                        "`{}` {} from `{}`",
                        r.group_id,
                        match (r.protocol.as_str(), r.from_port, r.to_port) {
                            ("-1", _, _) => "all traffic".to_string(),
                            (p, Some(f), Some(t)) if f == t => format!("{p} {f}"),
                            (p, Some(f), Some(t)) => format!("{p} {f}-{t}"),
                            (p, _, _) => p.to_string(),
                        },
                        r.cidr
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Change::RestrictRole {
                role,
                detach,
                statements,
            } => {
                let mut parts = Vec::new();
                if !detach.is_empty() {
                    parts.push(format!(
                        "detach {}",
                        ticked(detach.iter().map(|p| short(p)))
                    ));
                }
                for s in statements {
                    parts.push(format!(
                        "rewrite statement {} of {} policy `{}`",
                        s.statement,
                        if s.inline { "inline" } else { "managed" },
                        short(&s.policy)
                    ));
                }
                format!("{} of role `{}`", parts.join(" and "), short(role))
            }
            Change::UpgradeImages { repositories } => format!(
                "rebuild the image(s) of repository {} with fixed packages",
                ticked(repositories)
            ),
        }
    }
}

/// `web-alb` of `arn:…:loadbalancer/app/web-alb/50dc6c495c0c9188` (or the id as it is).
pub fn load_balancer_name(arn: &str) -> &str {
    match arn.split_once(":loadbalancer/") {
        Some((_, rest)) => rest.split('/').nth(1).unwrap_or(rest),
        None => arn.rsplit('/').next().unwrap_or(arn),
    }
}
