//! `root-user`: a Linux container runs as root (`user` unset, `root` or UID 0; Security Hub
//! ECS.20).

use super::util::{DOC_TASK_DEFINITION_PARAMS, rollout_steps};
use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::RootUser,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition whose containers run as root",
    phrase: "runs containers as root",
    doc: include_str!("root_user.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["containerDefinitions[].user"])],
    likelihood: LikelihoodRole::Context,
    impact: &[],
    check,
    remediation,
    change,
};

/// Whether a `user` value (`user`, `uid`, `user:group`, `uid:gid`…) names root: only the
/// part before `:` decides; a root *group* with a non-root user is not root.
fn names_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or_default().trim();
    name == "root"
        || (!name.is_empty()
            && name.bytes().all(|b| b.is_ascii_digit())
            && name.trim_start_matches('0').is_empty())
}

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let Some(td) = ctx.require_task_definition(out) else {
        return;
    };
    // Windows containers have no root user; ECS.21 covers their administrator account.
    if td.is_windows() {
        return;
    }
    for (i, c) in td.container_definitions.iter().enumerate() {
        let user = c.user.as_deref().map(str::trim).filter(|u| !u.is_empty());
        let message = match user {
            None => format!(
                "container `{}` sets no `user`, so it runs as the image's default user, which is root unless the image sets `USER`",
                c.name()
            ),
            Some(u) if names_root(u) => {
                format!(
                    "container `{}` sets `user: \"{u}\"`: it runs as root",
                    c.name()
                )
            }
            Some(_) => continue,
        };
        let mut evidence = Evidence::new(&td.task_definition_arn, message)
            .container(c.name())
            .field(format!("containerDefinitions[{i}].user"));
        if let Some(u) = user {
            evidence = evidence.detail("user", u);
        }
        out.fire(evidence);
    }
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    let containers = super::util::containers_named(evidence);
    let mut steps = vec![
        format!(
            "In a new revision of the task definition, set `user` to a non-root UID and GID (for example `\"user\": \"1000:1000\"`, or a user the image defines) for container(s) {}.",
            containers
        ),
        "Make sure that user can read the application's files and write where it must (a mounted volume, `/tmp`), and move a listener on a port below 1024 to a higher port.".to_string(),
        "Better still, add a non-root `USER` to the image's Dockerfile so the image is safe wherever it runs.".to_string(),
    ];
    steps.extend(rollout_steps(ctx));
    Remediation {
        summary: "Run the containers as a non-root user.".into(),
        steps,
        references: vec![
            DOC_TASK_DEFINITION_PARAMS.to_string(),
            "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-20"
                .to_string(),
        ],
    }
}

fn change(p: &Proposal<'_>) -> Option<Change> {
    Some(Change::SetNonRootUser {
        task_definition: p.hit.first_resource()?.to_string(),
        containers: hit_containers(p.hit),
    })
}

#[cfg(test)]
mod tests {
    use super::names_root;

    #[test]
    fn fixture() {
        super::super::testing::run_fixture(&super::TRAIT, include_str!("fixtures/root_user.json"));
    }

    #[test]
    fn root_forms() {
        for u in [
            "root",
            "0",
            "00",
            "0:0",
            "root:root",
            "0:1000",
            "root:staff",
        ] {
            assert!(names_root(u), "{u}");
        }
        for u in [
            "1000",
            "nginx",
            "1000:1000",
            "1000:0",
            "app:root",
            "rooter",
            "10",
        ] {
            assert!(!names_root(u), "{u}");
        }
    }
}
