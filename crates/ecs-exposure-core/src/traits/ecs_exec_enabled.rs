//! `ecs-exec-enabled`: the service allows ECS Exec (`enableExecuteCommand: true`).

use super::util::DOC_UPDATE_SERVICE;
use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::EcsExecEnabled,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service allows ECS Exec into its containers",
    phrase: "allows ECS Exec",
    doc: include_str!("ecs_exec_enabled.md"),
    reads: &[Read::fields(Kind::EcsServices, &["enableExecuteCommand"])],
    likelihood: LikelihoodRole::Context,
    impact: &[],
    check,
    remediation,
    change,
};

/// A service setting: the task definition is not needed, so a missing one is no gap here.
fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let service = ctx.service;
    if service.enable_execute_command {
        out.fire(
            Evidence::new(
                &service.service_arn,
                format!(
                    "service `{}` sets `enableExecuteCommand: true`: any principal allowed `ecs:ExecuteCommand` on its tasks can open an interactive shell in their containers",
                    service.name()
                ),
            )
            .field("enableExecuteCommand"),
        );
    }
}

fn remediation(ctx: &ServiceContext<'_>, _evidence: &[Evidence]) -> Remediation {
    let service = ctx.service;
    let cluster = service
        .cluster_arn
        .as_deref()
        .and_then(|c| c.rsplit('/').next())
        .unwrap_or("<cluster>");
    Remediation {
        summary: "Turn ECS Exec off, or restrict and log who can use it.".into(),
        steps: vec![
            format!(
                "If nobody needs interactive access, turn it off and replace the running tasks (they keep the exec agent until replaced): `aws ecs update-service --cluster {cluster} --service {} --disable-execute-command --force-new-deployment`.",
                service.name()
            ),
            "If operators need it, allow `ecs:ExecuteCommand` only to a few named roles, scoped to this cluster's ARN and, with the `ecs:container-name` condition key, to the containers they must reach; deny it to everyone else (for example in an SCP or permissions boundary)."
                .to_string(),
            format!(
                "Record every session: set the `executeCommandConfiguration` of cluster `{cluster}` to log session output to CloudWatch Logs or S3 (`logging: OVERRIDE`), encrypt sessions with a KMS key, and alert on `ExecuteCommand` events in CloudTrail."
            ),
        ],
        references: vec![
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html".to_string(),
            DOC_UPDATE_SERVICE.to_string(),
        ],
    }
}

fn change(p: &Proposal<'_>) -> Option<Change> {
    Some(Change::DisableExecuteCommand {
        service: p.service.to_string(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        super::super::testing::run_fixture(
            &super::TRAIT,
            include_str!("fixtures/ecs_exec_enabled.json"),
        );
    }
}
