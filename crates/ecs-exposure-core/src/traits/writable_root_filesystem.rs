//! `writable-root-filesystem`: a Linux container's root file system is writable
//! (`readonlyRootFilesystem` not true; Security Hub ECS.5).

use super::util::{DOC_TASK_DEFINITION_PARAMS, rollout_steps};
use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::WritableRootFilesystem,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition whose containers can write to their root file system",
    phrase: "has a writable root file system",
    doc: include_str!("writable_root_filesystem.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["containerDefinitions[].readonlyRootFilesystem"])],
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
    // Windows containers do not support readonlyRootFilesystem (ECS.5: not applicable).
    if td.is_windows() {
        return;
    }
    for (i, c) in td.container_definitions.iter().enumerate() {
        let how = match c.readonly_root_filesystem {
            Some(true) => continue,
            Some(false) => "sets `readonlyRootFilesystem: false`: its root file system is writable",
            None => {
                "does not set `readonlyRootFilesystem`, so its root file system is writable (the default)"
            }
        };
        out.fire(
            Evidence::new(
                &td.task_definition_arn,
                format!("container `{}` {how}", c.name()),
            )
            .container(c.name())
            .field(format!("containerDefinitions[{i}].readonlyRootFilesystem")),
        );
    }
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    let containers = super::util::containers_named(evidence);
    let mut steps = vec![
        format!(
            "In a new revision of the task definition, set `\"readonlyRootFilesystem\": true` for container(s) {}.",
            containers
        ),
        "For the paths the process must write (`/tmp`, caches, pid files), add a volume without `host` (task-scoped storage) and mount it there with `mountPoints`; test the container with a read-only root before rolling out.".to_string(),
    ];
    steps.extend(rollout_steps(ctx));
    Remediation {
        summary: "Make the containers' root file systems read-only.".into(),
        steps,
        references: vec![
            DOC_TASK_DEFINITION_PARAMS.to_string(),
            "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-5"
                .to_string(),
        ],
    }
}

fn change(p: &Proposal<'_>) -> Option<Change> {
    Some(Change::ReadonlyRootFilesystem {
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
            include_str!("fixtures/writable_root_filesystem.json"),
        );
    }
}
