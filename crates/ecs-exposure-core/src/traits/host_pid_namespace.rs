//! `host-pid-namespace`: the task definition sets `pidMode: host`.

use super::util::{DOC_TASK_DEFINITION_PARAMS, rollout_steps};
use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::HostPidNamespace,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition configured to share a host's process namespace",
    phrase: "shares the host's process namespace",
    doc: include_str!("host_pid_namespace.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["pidMode"])],
    likelihood: LikelihoodRole::Weak,
    impact: &[ImpactRule { impact: Impact::High, when: None, rank: 2, because: |_| "the tasks share the host's process namespace".into() }],
    check,
    remediation,
    change,
};

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let Some(td) = ctx.require_task_definition(out) else {
        return;
    };
    // `task` shares processes only between the task's own containers; unset gives each
    // container its own namespace. Only `host` reaches outside the task.
    if td
        .pid_mode
        .as_deref()
        .is_some_and(|m| m.eq_ignore_ascii_case("host"))
    {
        let containers: Vec<&str> = td.container_definitions.iter().map(|c| c.name()).collect();
        out.fire(
            Evidence::new(
                &td.task_definition_arn,
                format!(
                    "task definition `{}` sets `pidMode: host`: its containers ({}) see every process on the container instance and, running as root, can signal them",
                    td.short_name(),
                    crate::model::text::ticked(&containers)
                ),
            )
            .field("pidMode")
            .detail("containers", containers),
        );
    }
}

fn remediation(ctx: &ServiceContext<'_>, _evidence: &[Evidence]) -> Remediation {
    let name = ctx.task_definition.map_or("<family>", |t| t.short_name());
    let mut steps = vec![
        format!("In a new revision replacing `{name}`, remove `pidMode` (each container then gets its own process namespace)."),
        "If one container must see another's processes (a profiler or debugging sidecar), use `\"pidMode\": \"task\"`, which shares processes within the task only.".to_string(),
    ];
    steps.extend(rollout_steps(ctx));
    Remediation {
        summary: "Stop sharing the host's process namespace with the tasks.".into(),
        steps,
        references: vec![
            DOC_TASK_DEFINITION_PARAMS.to_string(),
            "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-3"
                .to_string(),
        ],
    }
}

fn change(p: &Proposal<'_>) -> Option<Change> {
    Some(Change::RemovePidModeHost {
        task_definition: p.hit.first_resource()?.to_string(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        super::super::testing::run_fixture(
            &super::TRAIT,
            include_str!("fixtures/host_pid_namespace.json"),
        );
    }
}
