//! `outdated-fargate-platform`: a Fargate service is pinned to a platform version older than
//! the latest (Security Hub ECS.10).

use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::OutdatedFargatePlatform,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service runs on an outdated Fargate platform version",
    phrase: "runs on an outdated Fargate platform version",
    doc: include_str!("outdated_fargate_platform.md"),
    reads: &[Read::fields(Kind::EcsServices, &["platformVersion", "launchType", "capacityProviderStrategy"]), Read::fields(Kind::EcsTaskDefinition, &["runtimePlatform"])],
    likelihood: LikelihoodRole::Context,
    impact: &[],
    check,
    remediation,
    change,
};

/// The latest Fargate platform versions (Security Hub ECS.10's parameters).
const LATEST_LINUX: &str = "1.4.0";
const LATEST_WINDOWS: &str = "1.0.0";

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let s = ctx.service;
    if !s.is_fargate() {
        return;
    }
    let Some(version) = s.platform_version.as_deref() else {
        // Unset means LATEST.
        return;
    };
    if version.eq_ignore_ascii_case("LATEST") {
        return;
    }
    // The operating system decides which version is the latest; Linux unless the task
    // definition says Windows (a missing task definition is judged as Linux, the default).
    let latest = if ctx.task_definition.is_some_and(|t| t.is_windows()) {
        LATEST_WINDOWS
    } else {
        LATEST_LINUX
    };
    if version == latest {
        return;
    }
    out.fire(
        Evidence::new(
            &s.service_arn,
            format!(
                "service `{}` is pinned to Fargate platform version `{version}`; the latest is `{latest}`",
                s.name()
            ),
        )
        .field("platformVersion")
        .detail("platform_version", version)
        .detail("latest", latest),
    );
}

fn remediation(ctx: &ServiceContext<'_>, _evidence: &[Evidence]) -> Remediation {
    let cluster = ctx
        .service
        .cluster_arn
        .as_deref()
        .and_then(|c| c.rsplit('/').next())
        .unwrap_or("<cluster>");
    Remediation {
        summary: "Run the service on the latest Fargate platform version.".into(),
        steps: vec![
            format!(
                "Move the service to `LATEST` (or remove the pinned version from its definition): `aws ecs update-service --cluster {cluster} --service {} --platform-version LATEST --force-new-deployment`.",
                ctx.service.name()
            ),
            "If the version was pinned on purpose, record why and check the platform version changelog for the security fixes the pinned version lacks.".to_string(),
        ],
        references: vec![
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-fargate.html".to_string(),
            "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-10".to_string(),
        ],
    }
}

/// A platform choice the planner does not model yet: the remediation text says what to do,
/// but no what-if is projected.
fn change(_: &Proposal<'_>) -> Option<Change> {
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        super::super::testing::run_fixture(
            &super::TRAIT,
            include_str!("fixtures/outdated_fargate_platform.json"),
        );
    }
}
