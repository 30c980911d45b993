//! Generated fixes: the artefacts a person would otherwise write by hand for a remediation.
//!
//! - task definition changes: a new revision as `aws ecs register-task-definition` input JSON
//!   (read-only fields stripped, the change made), and the `update-service` commands that
//!   roll it out;
//! - service changes: the `update-service` command;
//! - security groups: `revoke-security-group-ingress` commands and a narrower rule to add;
//! - IAM: `detach-role-policy`, and a starting point for a least-privilege policy document.
//!
//! Secret values are never written: a moved variable gets a `valueFrom` placeholder and the
//! `create-secret` command reads the value from a file the user writes.

use crate::model::Inventory;
use crate::model::change::Change;
use crate::plan::{Fix, NON_ROOT_USER, secret_name};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// Fields of `describe-task-definition` output that `register-task-definition` rejects.
pub const READ_ONLY_FIELDS: &[&str] = &[
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "compatibilities",
    "registeredAt",
    "registeredBy",
    "deregisteredAt",
];

fn cluster_of(inv: &Inventory, service: &str) -> String {
    inv.services
        .get(service)
        .and_then(|s| s.cluster_arn.as_deref())
        .and_then(|c| c.rsplit('/').next())
        .unwrap_or("<cluster>")
        .to_string()
}

fn service_name(inv: &Inventory, service: &str) -> String {
    inv.services
        .get(service)
        .map(|s| s.name().to_string())
        .unwrap_or_else(|| service.rsplit('/').next().unwrap_or(service).to_string())
}

/// The family of a task definition ARN in the model (or the ARN's last segment).
fn family(inv: &Inventory, td: &str) -> String {
    inv.task_definitions
        .get(td)
        .and_then(|t| t.family.clone())
        .unwrap_or_else(|| {
            let last = td.rsplit('/').next().unwrap_or(td);
            last.split(':').next().unwrap_or(last).to_string()
        })
}

/// The fix of a change, given the services that run what it changes.
pub fn for_change(inv: &Inventory, change: &Change, services: &BTreeSet<String>) -> Fix {
    let mut fix = Fix::empty(change.applicability());
    fix.notes
        .extend(super::source::terraform_notes(inv, change));
    if let Some(td) = change.task_definition() {
        let fam = family(inv, td);
        if let Change::MoveEnvToSecrets { variables, .. } = change {
            for v in variables {
                fix.commands.push(format!(
                    "aws secretsmanager create-secret --name {} --secret-string file://{}.txt",
                    secret_name(&fam, &v.container, &v.name),
                    v.name
                ));
            }
            fix.notes.push("Write each new (rotated) value to the `.txt` file the command names, run the command, delete the file, and put the ARN it prints in `valueFrom`; the old values are leaked and must be revoked where they were issued. The task execution role needs `secretsmanager:GetSecretValue` on the secrets.".to_string());
        }
        fix.commands.push(format!(
            "aws ecs register-task-definition --cli-input-json file://{fam}.json"
        ));
        for s in services.iter().filter(|s| {
            inv.services
                .get(*s)
                .and_then(|x| x.task_definition.as_deref())
                .and_then(|t| inv.task_definition(t))
                .is_some_and(|t| t.task_definition_arn == td)
        }) {
            fix.commands.push(format!(
                "aws ecs update-service --cluster {} --service {} --task-definition {fam}",
                cluster_of(inv, s),
                service_name(inv, s)
            ));
        }
        match change {
                Change::SetNonRootUser { .. } => fix.notes.push(format!(
                    "`user` is set to `{NON_ROOT_USER}`: use the user id the image is built for, and make sure it can read its files."
                )),
                Change::NetworkModeAwsvpc { .. } => fix.notes.push("With `awsvpc` each task gets its own network interface: the services need `--network-configuration` (subnets and security groups), and `hostPort` must equal `containerPort` or be left out.".to_string()),
                Change::ReadonlyRootFilesystem { .. } => fix.notes.push("Give paths the application writes to (`/tmp`, caches) a volume of their own.".to_string()),
                Change::RemoveDevices { .. } => fix.notes.push("Check first that the workload runs without the device; a GPU is better given through `resourceRequirements` (type `GPU`) than as a raw device.".to_string()),
                Change::RemoveSecurityOptions { .. } => fix.notes.push("If the default profile blocks a call the application makes, give it a named AppArmor profile or a narrower option rather than none.".to_string()),
                _ => {}
            }
        return fix;
    }
    match change {
            Change::DisablePublicIp { service } => {
                let vpc = inv.services.get(service).and_then(|s| s.awsvpc());
                let subnets = vpc
                    .map(|a| a.subnets.join(","))
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "<private-subnet-ids>".to_string());
                let groups = vpc
                    .map(|a| a.security_groups.join(","))
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "<sg-id>".to_string());
                fix.commands.push(format!(
                    "aws ecs update-service --cluster {} --service {} --network-configuration 'awsvpcConfiguration={{subnets=[{subnets}],securityGroups=[{groups}],assignPublicIp=DISABLED}}'",
                    cluster_of(inv, service),
                    service_name(inv, service)
                ));
                fix.notes.push("Without a public IP the tasks need a NAT gateway or VPC endpoints (ECR, S3, CloudWatch Logs, Secrets Manager) to pull images and reach AWS APIs; move them to private subnets if these are public.".to_string());
            }
            Change::DisableExecuteCommand { service } => fix.commands.push(format!(
                "aws ecs update-service --cluster {} --service {} --disable-execute-command --force-new-deployment",
                cluster_of(inv, service),
                service_name(inv, service)
            )),
            Change::MakeLoadBalancerInternal { load_balancer } => {
                let name = crate::model::change::load_balancer_name(load_balancer);
                let lb = inv.load_balancers.get(load_balancer);
                let groups = lb
                    .map(|l| l.security_groups.join(" "))
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "<sg-id>".to_string());
                let ty = match lb.and_then(|l| l.lb_type.as_deref()) {
                    Some("network") => "network",
                    _ => "application",
                };
                fix.commands.push(format!(
                    "aws elbv2 create-load-balancer --name {name}-internal --type {ty} --scheme internal --subnets <private-subnet-ids> --security-groups {groups}"
                ));
                fix.commands.push(format!(
                    "aws elbv2 describe-listeners --load-balancer-arn {load_balancer}"
                ));
                fix.notes.push(format!(
                    "The scheme of a load balancer cannot be changed: create the internal one, give it the listeners of `{name}` (`aws elbv2 create-listener` forwarding to the same target groups), move the clients (DNS) to it, then `aws elbv2 delete-load-balancer` the internet-facing one. Only if nothing on the internet must reach the service."
                ));
            }
            Change::RevokeIngress { rules } => {
                for r in rules {
                    // AWS stores a block written with host bits set (`192.168.1.0/0`) as its
                    // network (`0.0.0.0/0`): the rule is revoked by that form.
                    let cidr = crate::traits::canonical_cidr(&r.cidr).unwrap_or(r.cidr.clone());
                    let range = if cidr.contains(':') {
                        format!("Ipv6Ranges=[{{CidrIpv6={cidr}}}]")
                    } else {
                        format!("IpRanges=[{{CidrIp={cidr}}}]")
                    };
                    let ports = match (r.protocol.as_str(), r.from_port, r.to_port) {
                        ("tcp" | "udp", Some(f), Some(t)) => format!("FromPort={f},ToPort={t},"),
                        _ => String::new(),
                    };
                    fix.commands.push(format!(
                        "aws ec2 revoke-security-group-ingress --group-id {} --ip-permissions IpProtocol={},{ports}{range}",
                        r.group_id, r.protocol
                    ));
                }
                if let Some(r) = rules.first() {
                    let port = match (r.from_port, r.to_port) {
                        (Some(f), Some(t)) if f == t => f.to_string(),
                        (Some(f), Some(t)) => format!("{f}-{t}"),
                        _ => "<port>".to_string(),
                    };
                    let proto = if r.protocol == "-1" { "tcp" } else { &r.protocol };
                    fix.notes.push(format!(
                        "Before revoking, admit only the sources that need it, e.g. `aws ec2 authorize-security-group-ingress --group-id {} --protocol {proto} --port {port} --source-group <load-balancer-sg-id>` (or `--cidr <known-cidr>`). Security groups are shared: check that nothing else relies on the open rule.",
                        r.group_id
                    ));
                }
            }
            Change::RestrictRole {
                role,
                detach,
                statements,
            } => {
                let name = inv
                    .role(role)
                    .map(|r| r.name().to_string())
                    .unwrap_or_else(|| role.rsplit('/').next().unwrap_or(role).to_string());
                if !detach.is_empty() || !statements.is_empty() {
                    fix.files.insert(
                        format!("{name}-least-privilege.json"),
                        json!({"Version": "2012-10-17", "Statement": [{
                            "Effect": "Allow",
                            "Action": ["<service>:<Action>"],
                            "Resource": ["<arn of what the tasks use>"]
                        }]}),
                    );
                    fix.commands.push(format!(
                        "aws iam put-role-policy --role-name {name} --policy-name {name}-least-privilege --policy-document file://{name}-least-privilege.json"
                    ));
                }
                for p in detach {
                    fix.commands.push(format!(
                        "aws iam detach-role-policy --role-name {name} --policy-arn {p}"
                    ));
                }
                // The current documents with the administrative statements removed, edited
                // on copies of just these documents (never a copy of the inventory).
                let mut by_policy: std::collections::BTreeMap<(&str, bool), Vec<usize>> =
                    Default::default();
                for s in statements {
                    by_policy
                        .entry((s.policy.as_str(), s.inline))
                        .or_default()
                        .push(s.statement);
                }
                for ((policy, inline), idx) in by_policy {
                    let doc = if inline {
                        inv.role(role).and_then(|r| {
                            r.role_policy_list
                                .iter()
                                .find(|p| p.policy_name == policy)
                                .map(|p| p.policy_document.clone())
                        })
                    } else {
                        inv.managed_policies
                            .get(policy)
                            .and_then(|p| p.default_document())
                            .cloned()
                    };
                    let Some(mut doc) = doc else { continue };
                    crate::plan::remove_statements(&mut doc, idx);
                    // IAM rejects a document without statements: remove the policy instead.
                    if doc
                        .get("Statement")
                        .and_then(Value::as_array)
                        .is_some_and(Vec::is_empty)
                    {
                        fix.commands.push(if inline {
                            format!("aws iam delete-role-policy --role-name {name} --policy-name {policy}")
                        } else {
                            format!("aws iam detach-role-policy --role-name {name} --policy-arn {policy}")
                        });
                        continue;
                    }
                    let short = policy.rsplit('/').next().unwrap_or(policy);
                    let file = format!("{short}.json");
                    fix.files.insert(file.clone(), doc);
                    fix.commands.push(if inline {
                        format!(
                            "aws iam put-role-policy --role-name {name} --policy-name {policy} --policy-document file://{file}"
                        )
                    } else {
                        format!(
                            "aws iam create-policy-version --policy-arn {policy} --policy-document file://{file} --set-as-default"
                        )
                    });
                }
                // Grant the narrow policy first, take the broad access away last.
                fix.commands.sort_by_key(|c| {
                    c.contains("detach-role-policy") || c.contains("delete-role-policy")
                });
                fix.commands.dedup();
                fix.notes.push(format!(
                    "Fill `{name}-least-privilege.json` with what the tasks really call (IAM Access Analyzer can generate it from CloudTrail: `aws accessanalyzer start-policy-generation`) and attach it before removing the administrative access; the other documents are the current policies with the administrative statements removed."
                ));
            }
            Change::UpgradeImages { repositories } => {
                fix.notes.push(format!(
                    "Rebuild the image(s) of {} on a base and packages at the fixed versions Inspector names, push them, point the task definitions at the new digests, and redeploy.",
                    crate::model::text::ticked(repositories)
                ));
                for s in services {
                    fix.commands.push(format!(
                        "aws ecs update-service --cluster {} --service {} --force-new-deployment",
                        cluster_of(inv, s),
                        service_name(inv, s)
                    ));
                }
            }
            _ => {}
        }
    fix
}

/// The task definition object of a document: `describe-task-definition` output
/// (`{"taskDefinition": {...}, "tags": [...]}`) or `register-task-definition` input.
pub fn task_definition_object(doc: &Value) -> Option<&Map<String, Value>> {
    match doc.get("taskDefinition") {
        Some(Value::Object(td)) => Some(td),
        _ => doc
            .as_object()
            .filter(|o| o.contains_key("family") && o.contains_key("containerDefinitions")),
    }
}

/// `register-task-definition` input for a document, unchanged: read-only fields stripped,
/// the tags of `describe-task-definition --include TAGS` kept.
pub fn register_input(doc: &Value) -> Option<Value> {
    let mut td = task_definition_object(doc)?.clone();
    for f in READ_ONLY_FIELDS {
        td.remove(*f);
    }
    if let Some(Value::Array(tags)) = doc.get("tags")
        && !tags.is_empty()
        && doc.get("taskDefinition").is_some()
    {
        td.insert("tags".to_string(), Value::Array(tags.clone()));
    }
    Some(Value::Object(td))
}

fn named_containers<'a>(
    td: &'a mut Map<String, Value>,
    names: &'a [String],
) -> impl Iterator<Item = &'a mut Map<String, Value>> + 'a {
    td.get_mut("containerDefinitions")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut)
        .filter(move |c| {
            let n = c.get("name").and_then(Value::as_str).unwrap_or("(unnamed)");
            names.iter().any(|x| x == n)
        })
}

fn containers_mut(td: &mut Map<String, Value>) -> impl Iterator<Item = &mut Map<String, Value>> {
    td.get_mut("containerDefinitions")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut)
}

/// Applies a task definition change to `register-task-definition` input (as
/// [`register_input`] gives it). `arn` is the task definition's ARN in the model, for the
/// secret placeholders. Returns false when the change is not a task definition change.
pub fn rewrite(input: &mut Value, change: &Change, arn: &str) -> bool {
    let Some(td) = input.as_object_mut() else {
        return false;
    };
    match change {
        Change::DropPrivileged { containers, .. } => {
            named_containers(td, containers).for_each(|c| {
                c.remove("privileged");
            })
        }
        Change::RemovePidModeHost { .. } => {
            td.remove("pidMode");
        }
        Change::NetworkModeAwsvpc { .. } => {
            td.insert("networkMode".into(), "awsvpc".into());
            // awsvpc takes no hostPort other than the container port: leave it out.
            for c in containers_mut(td) {
                for p in c
                    .get_mut("portMappings")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_object_mut)
                {
                    p.remove("hostPort");
                }
            }
        }
        Change::RemoveHostVolumes { volumes, .. } => {
            let used = |v: &Value, key: &str| {
                v.get(key)
                    .and_then(Value::as_str)
                    .is_some_and(|n| volumes.iter().any(|x| x == n))
            };
            if let Some(Value::Array(vs)) = td.get_mut("volumes") {
                vs.retain(|v| !used(v, "name"));
            }
            for c in containers_mut(td) {
                if let Some(Value::Array(ms)) = c.get_mut("mountPoints") {
                    ms.retain(|m| !used(m, "sourceVolume"));
                }
            }
        }
        Change::ReadonlyRootFilesystem { containers, .. } => named_containers(td, containers)
            .for_each(|c| {
                c.insert("readonlyRootFilesystem".into(), true.into());
            }),
        Change::MoveEnvToSecrets { variables, .. } => {
            let fam = td
                .get("family")
                .and_then(Value::as_str)
                .unwrap_or("family")
                .to_string();
            let (partition, region, account) = {
                let mut p = arn.split(':').skip(1);
                match (p.next(), p.nth(1), p.next()) {
                    (Some(a), Some(r), Some(acc)) if !r.is_empty() && !acc.is_empty() => {
                        (a.to_string(), r.to_string(), acc.to_string())
                    }
                    _ => ("aws".into(), "<region>".into(), "<account>".into()),
                }
            };
            for c in containers_mut(td) {
                let name = c
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("(unnamed)")
                    .to_string();
                let moved: Vec<&str> = variables
                    .iter()
                    .filter(|v| v.container == name)
                    .map(|v| v.name.as_str())
                    .collect();
                if moved.is_empty() {
                    continue;
                }
                if let Some(Value::Array(env)) = c.get_mut("environment") {
                    env.retain(|e| {
                        !e.get("name")
                            .and_then(Value::as_str)
                            .is_some_and(|n| moved.contains(&n))
                    });
                }
                let secrets = c
                    .entry("secrets")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(list) = secrets {
                    for v in moved {
                        list.push(json!({
                            "name": v,
                            "valueFrom": format!(
                                "arn:{partition}:secretsmanager:{region}:{account}:secret:{}",
                                secret_name(&fam, &name, v)
                            ),
                        }));
                    }
                }
            }
        }
        Change::SetNonRootUser { containers, .. } => {
            named_containers(td, containers).for_each(|c| {
                c.insert("user".into(), NON_ROOT_USER.into());
            })
        }
        Change::DropAddedCapabilities { containers, .. } => {
            for c in named_containers(td, containers) {
                if let Some(caps) = c
                    .get_mut("linuxParameters")
                    .and_then(|l| l.get_mut("capabilities"))
                    .and_then(Value::as_object_mut)
                {
                    caps.remove("add");
                }
            }
        }
        Change::RemoveTaskRole { .. } => {
            td.remove("taskRoleArn");
        }
        Change::RemoveIpcModeHost { .. } => {
            td.remove("ipcMode");
        }
        Change::RemoveDevices { containers, .. } => {
            for c in named_containers(td, containers) {
                if let Some(l) = c.get_mut("linuxParameters").and_then(Value::as_object_mut) {
                    l.remove("devices");
                }
            }
        }
        Change::RemoveSecurityOptions {
            containers,
            options,
            ..
        } => {
            for c in named_containers(td, containers) {
                if let Some(Value::Array(list)) = c.get_mut("dockerSecurityOptions") {
                    list.retain(|o| !o.as_str().is_some_and(|o| options.iter().any(|x| x == o)));
                    // An empty list says nothing: leave the key out, as before it was set.
                    if list.is_empty() {
                        c.remove("dockerSecurityOptions");
                    }
                }
            }
        }
        _ => return false,
    }
    true
}

/// The task definition ARN a document is loaded under, as the loader names it: its
/// `taskDefinitionArn`, or `<file name>#<family>` for `register-task-definition` input.
pub fn document_arn(origin: &str, doc: &Value) -> Option<String> {
    if let Some(td) = doc.get("taskDefinition") {
        return td
            .get("taskDefinitionArn")
            .and_then(Value::as_str)
            .map(str::to_string);
    }
    let family = task_definition_object(doc)?.get("family")?.as_str()?;
    let file = origin.rsplit(['/', '\\']).next().unwrap_or(origin);
    Some(format!("{file}#{family}"))
}
