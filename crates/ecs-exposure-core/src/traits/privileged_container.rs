//! `privileged-container`: a container runs with `privileged: true`.

use super::util::{DOC_TASK_DEFINITION_PARAMS, rollout_steps};
use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::PrivilegedContainer,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition configured with elevated privileges",
    phrase: "runs a privileged container",
    doc: include_str!("privileged_container.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["containerDefinitions[].privileged"])],
    likelihood: LikelihoodRole::Weak,
    impact: &[ImpactRule { impact: Impact::High, when: None, rank: 1, because: |_| "a privileged container can take over the host".into() }],
    check,
    remediation,
    change,
};

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let Some(td) = ctx.require_task_definition(out) else {
        return;
    };
    for (i, c) in td.container_definitions.iter().enumerate() {
        if c.privileged == Some(true) {
            out.fire(
                Evidence::new(
                    &td.task_definition_arn,
                    format!("container `{}` sets `privileged: true`", c.name()),
                )
                .container(c.name())
                .field(format!("containerDefinitions[{i}].privileged")),
            );
        }
    }
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    let mut steps = vec![format!(
        "In a new revision of the task definition, remove `privileged` (or set it to false) for container(s) {}.",
        super::util::containers_named(evidence)
    ),
    "If the workload needs one kernel feature, grant only that Linux capability in `linuxParameters.capabilities.add` instead of full privilege.".to_string()];
    steps.extend(rollout_steps(ctx));
    Remediation {
        summary: "Run the containers without privileged mode.".into(),
        steps,
        references: vec![
            DOC_TASK_DEFINITION_PARAMS.to_string(),
            "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-4"
                .to_string(),
        ],
    }
}

fn change(p: &Proposal<'_>) -> Option<Change> {
    Some(Change::DropPrivileged {
        task_definition: p.hit.first_resource()?.to_string(),
        containers: hit_containers(p.hit),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        super::super::testing::run_fixture(
            &super::TRAIT,
            include_str!("fixtures/privileged_container.json"),
        );
    }
}
