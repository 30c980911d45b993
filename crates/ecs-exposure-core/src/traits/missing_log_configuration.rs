//! `missing-log-configuration`: a container has no `logConfiguration`, or one without a
//! `logDriver` (Security Hub ECS.9).

use super::util::{DOC_TASK_DEFINITION_PARAMS, rollout_steps};
use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::MissingLogConfiguration,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition with containers that have no logging configuration",
    phrase: "has containers without a logging configuration",
    doc: include_str!("missing_log_configuration.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["containerDefinitions[].logConfiguration"])],
    likelihood: LikelihoodRole::Context,
    impact: &[],
    check,
    remediation,
    change: |_| None,
};

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let Some(td) = ctx.require_task_definition(out) else {
        return;
    };
    for (i, c) in td.container_definitions.iter().enumerate() {
        let field = format!("containerDefinitions[{i}].logConfiguration");
        // A value the template cannot resolve reads as absent: the engine reports it as a
        // possible gap, and absence is not claimed.
        if super::gap_reasons::find_unresolved(ctx.inventory, &td.task_definition_arn, &field)
            .is_some()
        {
            continue;
        }
        // Any driver counts, `awsfirelens` (FireLens) too, as for ECS.9: the control asks
        // that logging be configured, not where it goes.
        let how = match &c.log_configuration {
            Some(l) if l.log_driver.as_deref().is_some_and(|d| !d.trim().is_empty()) => continue,
            Some(_) => "sets `logConfiguration` without a `logDriver`",
            None => "has no `logConfiguration`",
        };
        out.fire(
            Evidence::new(
                &td.task_definition_arn,
                format!(
                    "container `{}` {how}: what it writes to stdout and stderr is not shipped off the host that runs it",
                    c.name()
                ),
            )
            .container(c.name())
            .field(field),
        );
    }
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    let family = ctx
        .task_definition
        .and_then(|t| t.family.as_deref())
        .unwrap_or("<family>");
    let region = ctx
        .task_definition
        .and_then(|t| t.task_definition_arn.split(':').nth(3))
        .filter(|r| !r.is_empty())
        .unwrap_or("<region>");
    let mut steps = vec![
        format!("Create a log group for the task (with a retention period): `aws logs create-log-group --log-group-name /ecs/{family}` and `aws logs put-retention-policy --log-group-name /ecs/{family} --retention-in-days 90`."),
        format!(
            "In a new revision of the task definition, give container(s) {} a log configuration: `\"logConfiguration\": {{\"logDriver\": \"awslogs\", \"options\": {{\"awslogs-group\": \"/ecs/{family}\", \"awslogs-region\": \"{region}\", \"awslogs-stream-prefix\": \"{family}\"}}}}` (or `awsfirelens` with a FireLens log router container).",
            super::util::containers_named(evidence)
        ),
        "The task execution role needs `logs:CreateLogStream` and `logs:PutLogEvents` on the log group (the managed policy `AmazonECSTaskExecutionRolePolicy` has them).".to_string(),
    ];
    steps.extend(rollout_steps(ctx));
    Remediation {
        summary: "Send the containers' logs somewhere they are kept.".into(),
        steps,
        references: vec![
            DOC_TASK_DEFINITION_PARAMS.to_string(),
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html"
                .to_string(),
            "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-9"
                .to_string(),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{cfn_service, evidence_of_file, run_fixture, terraform_service};

    #[test]
    fn fixture() {
        run_fixture(
            &super::TRAIT,
            include_str!("fixtures/missing_log_configuration.json"),
        );
    }

    /// CloudFormation (`LogConfiguration.LogDriver`) and Terraform plans bring the driver
    /// through; a driver the template cannot resolve is not claimed absent.
    #[test]
    fn templates_and_plans_bring_the_log_driver_through() {
        let cfn = cfn_service(
            "      ContainerDefinitions:\n        - Name: app\n          Image: app:1\n        - Name: logged\n          Image: app:1\n          LogConfiguration:\n            LogDriver: awslogs\n            Options: {awslogs-group: /ecs/t}\n        - Name: imported\n          Image: app:1\n          LogConfiguration:\n            LogDriver: !ImportValue shared-driver\n",
        );
        let tf = terraform_service(serde_json::json!({"family": "t",
            "container_definitions": "[{\"name\":\"app\",\"image\":\"app:1\"},{\"name\":\"logged\",\"image\":\"app:1\",\"logConfiguration\":{\"logDriver\":\"awsfirelens\"}}]"}));
        for (name, text) in [("t.yaml", cfn), ("plan.json", tf)] {
            let e = evidence_of_file(&super::TRAIT, name, &text);
            assert_eq!(e.len(), 1, "{name}: {e:#?}");
            assert_eq!(
                e[0].field.as_deref(),
                Some("containerDefinitions[0].logConfiguration")
            );
        }
    }
}
