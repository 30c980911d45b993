//! `host-network-mode`: the task definition sets `networkMode: host`.

use super::util::{DOC_TASK_DEFINITION_PARAMS, rollout_steps};
use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::HostNetworkMode,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition that is configured with host networking mode enabled",
    phrase: "uses host network mode",
    doc: include_str!("host_network_mode.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["networkMode"])],
    likelihood: LikelihoodRole::Weak,
    impact: &[ImpactRule { impact: Impact::Medium, when: None, rank: 1, because: |_| "the tasks use the host's network stack".into() }],
    check,
    remediation,
    change,
};

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let Some(td) = ctx.require_task_definition(out) else {
        return;
    };
    // Read the raw field: an absent networkMode is bridge (EC2) or awsvpc (Fargate), never host.
    if !td
        .network_mode
        .as_deref()
        .is_some_and(|m| m.eq_ignore_ascii_case("host"))
    {
        return;
    }
    // With host networking a container port is a port on the instance's own interfaces.
    let ports: Vec<String> = td
        .container_definitions
        .iter()
        .flat_map(|c| {
            c.port_mappings.iter().filter_map(move |p| {
                let port = p
                    .container_port
                    .map(|n| n.to_string())
                    .or(p.container_port_range.clone())?;
                let protocol = p.protocol.as_deref().unwrap_or("tcp");
                Some(format!("{port}/{protocol} (`{}`)", c.name()))
            })
        })
        .collect();
    let listening = if ports.is_empty() {
        String::new()
    } else {
        format!(
            "; they listen on the instance's own addresses at {}",
            ports.join(", ")
        )
    };
    out.fire(
        Evidence::new(
            &td.task_definition_arn,
            format!(
                "task definition `{}` sets `networkMode: host`: its containers share the container instance's network stack, with no per-task security group{listening}",
                td.short_name()
            ),
        )
        .field("networkMode")
        .detail("host_ports", ports),
    );
}

fn remediation(ctx: &ServiceContext<'_>, _evidence: &[Evidence]) -> Remediation {
    let name = ctx.task_definition.map_or("<family>", |t| t.short_name());
    let mut steps = vec![
        format!("In a new revision replacing `{name}`, set `\"networkMode\": \"awsvpc\"` so each task gets its own network interface and security groups (or `bridge` on EC2 if awsvpc does not fit); with awsvpc, drop `hostPort` or make it equal to `containerPort`."),
        "When rolling out below, add the awsvpc network configuration to `update-service`: `--network-configuration 'awsvpcConfiguration={subnets=[<private-subnet-ids>],securityGroups=[<sg-id>],assignPublicIp=DISABLED}'`, with a security group that admits only the task's own ports from its callers.".to_string(),
        "Once the tasks leave host networking, stop them borrowing the instance role: on the container instances set `ECS_AWSVPC_BLOCK_IMDS=true` in `/etc/ecs/ecs.config` (awsvpc), or require IMDSv2 with a hop limit of 1 (bridge).".to_string(),
    ];
    steps.extend(rollout_steps(ctx));
    Remediation {
        summary: "Give the tasks their own network namespace instead of the host's.".into(),
        steps,
        references: vec![
            DOC_TASK_DEFINITION_PARAMS.to_string(),
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking.html"
                .to_string(),
            "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-17"
                .to_string(),
        ],
    }
}

fn change(p: &Proposal<'_>) -> Option<Change> {
    Some(Change::NetworkModeAwsvpc {
        task_definition: p.hit.first_resource()?.to_string(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        super::super::testing::run_fixture(
            &super::TRAIT,
            include_str!("fixtures/host_network_mode.json"),
        );
    }
}
