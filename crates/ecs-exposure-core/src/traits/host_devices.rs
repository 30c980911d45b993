//! `host-devices`: a container is given host devices (`linuxParameters.devices`).

use super::util::{DOC_TASK_DEFINITION_PARAMS, rollout_steps};
use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::HostDevices,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition that gives containers host devices",
    phrase: "gives containers host devices",
    doc: include_str!("host_devices.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["containerDefinitions[].linuxParameters.devices"])],
    likelihood: LikelihoodRole::Context,
    impact: &[],
    check,
    remediation,
    change,
};

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let Some(td) = ctx.require_task_definition(out) else {
        return;
    };
    for (i, c) in td.container_definitions.iter().enumerate() {
        let Some(l) = &c.linux_parameters else {
            continue;
        };
        for (j, d) in l.devices.iter().enumerate() {
            let host = d.host_path.as_deref().unwrap_or("(no hostPath)");
            let at = match d.container_path.as_deref() {
                Some(p) if p != host => format!(" at `{p}`"),
                _ => String::new(),
            };
            // ECS gives all three when `permissions` is unset.
            let permissions = if d.permissions.is_empty() {
                "read, write and mknod permissions (the default)".to_string()
            } else {
                format!("permissions {}", d.permissions.join(", "))
            };
            let why = match kind_of(host) {
                Some(k) => format!("; {k}"),
                None => String::new(),
            };
            out.fire(
                Evidence::new(
                    &td.task_definition_arn,
                    format!(
                        "container `{}` is given host device `{host}`{at} with {permissions}{why}",
                        c.name()
                    ),
                )
                .container(c.name())
                .field(format!("containerDefinitions[{i}].linuxParameters.devices[{j}]"))
                .detail("hostPath", host),
            );
        }
    }
}

/// What a device gives beyond the usual, for the few whose names say it.
fn kind_of(host_path: &str) -> Option<&'static str> {
    let name = host_path.trim().trim_end_matches('/');
    let name = name.strip_prefix("/dev/")?;
    if matches!(name, "mem" | "kmem" | "port") {
        return Some("this device is the host's memory (or I/O ports), outside every container");
    }
    // Whole disks, partitions and the layers built on them.
    let disk_prefixes = ["sd", "hd", "vd", "xvd", "nvme", "dm-", "md", "loop", "mapper/"];
    if disk_prefixes.iter().any(|p| name.starts_with(p)) {
        return Some(
            "a block device lets the container read and write the file systems on it beneath any mount or file permission",
        );
    }
    None
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    let mut steps = vec![
        format!(
            "In a new revision of the task definition, remove `linuxParameters.devices` from container(s) {}.",
            super::util::containers_named(evidence)
        ),
        "If the workload needs a device, give it only that one with the fewest `permissions` (`read` alone where it only reads), never a disk or memory device; for a GPU, use `resourceRequirements` with type `GPU` instead.".to_string(),
    ];
    steps.extend(rollout_steps(ctx));
    Remediation {
        summary: "Stop giving the containers the host's devices.".into(),
        steps,
        references: vec![DOC_TASK_DEFINITION_PARAMS.to_string()],
    }
}

fn change(p: &Proposal<'_>) -> Option<Change> {
    Some(Change::RemoveDevices {
        task_definition: p.hit.first_resource()?.to_string(),
        containers: hit_containers(p.hit),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{cfn_service, evidence_of_file, run_fixture, terraform_service};

    #[test]
    fn fixture() {
        run_fixture(&super::TRAIT, include_str!("fixtures/host_devices.json"));
    }

    #[test]
    fn disks_and_memory_are_named() {
        assert!(super::kind_of("/dev/mem").is_some());
        assert!(super::kind_of("/dev/nvme0n1p1").is_some());
        assert!(super::kind_of("/dev/xvda/").is_some());
        assert!(super::kind_of("/dev/fuse").is_none());
        assert!(super::kind_of("/dev/memory_bandwidth").is_none());
        assert!(super::kind_of("mem").is_none());
    }

    /// CloudFormation (`LinuxParameters.Devices`) and Terraform plans bring devices through.
    #[test]
    fn templates_and_plans_bring_devices_through() {
        let cfn = cfn_service(
            "      ContainerDefinitions:\n        - Name: app\n          Image: app:1\n          LinuxParameters:\n            Devices:\n              - HostPath: /dev/sda\n                Permissions: [read]\n",
        );
        let tf = terraform_service(serde_json::json!({"family": "t",
            "container_definitions": "[{\"name\":\"app\",\"image\":\"app:1\",\"linuxParameters\":{\"devices\":[{\"hostPath\":\"/dev/sda\",\"permissions\":[\"read\"]}]}}]"}));
        for (name, text) in [("t.yaml", cfn), ("plan.json", tf)] {
            let e = evidence_of_file(&super::TRAIT, name, &text);
            assert_eq!(e.len(), 1, "{name}: {e:#?}");
            assert_eq!(
                e[0].field.as_deref(),
                Some("containerDefinitions[0].linuxParameters.devices[0]")
            );
            assert!(e[0].message.contains("`/dev/sda` with permissions read; a block device"), "{}", e[0].message);
        }
    }
}
