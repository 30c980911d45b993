//! `task-role-is-execution-role`: the task definition uses one role both as the task role
//! (what the application's code gets) and as the execution role (what the ECS agent uses).

use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::TaskRoleIsExecutionRole,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition whose task role is also its execution role",
    phrase: "gives its containers the execution role",
    doc: include_str!("task_role_is_execution_role.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["taskRoleArn", "executionRoleArn"])],
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
    let (Some(task), Some(exec)) = (&td.task_role_arn, &td.execution_role_arn) else {
        return;
    };
    if task != exec {
        return;
    }
    out.fire(
        Evidence::new(
            &td.task_definition_arn,
            format!(
                "task definition `{}` uses `{task}` as both `taskRoleArn` and `executionRoleArn`: the containers get the permissions meant for the ECS agent (pulling images, reading the task's secrets, writing logs)",
                td.short_name()
            ),
        )
        .field("executionRoleArn")
        .detail("role", task.as_str()),
    );
    out.resource(task.as_str());
}

fn remediation(ctx: &ServiceContext<'_>, _evidence: &[Evidence]) -> Remediation {
    let mut steps = vec![
        "Create a separate task role that allows only what the application calls (IAM Access Analyzer can generate it from CloudTrail activity), trusted by `ecs-tasks.amazonaws.com`.".to_string(),
        "In a new revision of the task definition, set `taskRoleArn` to that role and keep the current role as `executionRoleArn` only; the execution role then needs nothing but image pulls, logs and the task's own secrets.".to_string(),
    ];
    steps.extend(super::util::rollout_steps(ctx));
    Remediation {
        summary: "Give the application its own task role, separate from the execution role."
            .into(),
        steps,
        references: vec![
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html"
                .to_string(),
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html"
                .to_string(),
        ],
    }
}

/// A role choice the planner does not model yet: the remediation text says what to do, but
/// no what-if is projected.
fn change(_: &Proposal<'_>) -> Option<Change> {
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        super::super::testing::run_fixture(
            &super::TRAIT,
            include_str!("fixtures/task_role_is_execution_role.json"),
        );
    }
}
