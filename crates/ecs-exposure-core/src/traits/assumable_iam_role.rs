//! `assumable-iam-role`: the task definition has a `taskRoleArn`, so every container of the
//! task can get that role's credentials.

use super::iam_policy::{aws_managed_name, task_role_name};
use super::util::rollout_steps;
use super::*;
use serde_json::Value;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::AssumableIamRole,
    category: Category::Assumability,
    title: "The Amazon ECS service's tasks can assume an IAM role",
    phrase: "can assume IAM role credentials",
    doc: include_str!("assumable_iam_role.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["taskRoleArn"])],
    likelihood: LikelihoodRole::Context,
    impact: &[ImpactRule { impact: Impact::Medium, when: None, rank: 0, because: |t| format!("the tasks can use the credentials of role {}", t.first_resource().unwrap_or("?")) }],
    check,
    remediation,
    change,
};

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let Some(td) = ctx.require_task_definition(out) else {
        return;
    };
    // An empty string is what some tools write for "no role"; ECS treats it as none.
    let Some(arn) = td.task_role_arn.as_deref().filter(|a| !a.trim().is_empty()) else {
        return;
    };
    let containers: Vec<Value> = td
        .container_definitions
        .iter()
        .map(|c| Value::from(c.name()))
        .collect();
    let mut e = Evidence::new(
        arn,
        format!(
            "task definition `{}` sets `taskRoleArn` to `{arn}`: every container of the task ({}) can obtain this role's credentials",
            td.short_name(),
            td.container_definitions
                .iter()
                .map(|c| format!("`{}`", c.name()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .with(keys::TASK_DEFINITION, td.task_definition_arn.as_str())
    .detail("task_definition_field", "taskRoleArn")
    .detail("containers", containers);
    // The role's policies make the evidence checkable; judging them is the business of
    // admin-iam-role and service-admin-iam-role, which record the gaps when they are absent.
    if let Some(role) = ctx.inventory.role(arn) {
        e = e
            .detail(
                "attached_policies",
                role.attached_managed_policies
                    .iter()
                    .map(|a| Value::from(a.policy_arn.as_str()))
                    .collect::<Vec<_>>(),
            )
            .detail(
                "inline_policies",
                role.role_policy_list
                    .iter()
                    .map(|p| Value::from(p.policy_name.as_str()))
                    .collect::<Vec<_>>(),
            );
    }
    out.fire(e);
    out.resource(&td.task_definition_arn);
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    let role_name = task_role_name(ctx);
    let policies: Vec<String> = evidence
        .iter()
        .flat_map(|e| {
            let attached = e
                .details
                .get("attached_policies")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|arn| format!("`{}`", aws_managed_name(arn).unwrap_or(arn)));
            let inline = e
                .details
                .get("inline_policies")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|n| format!("inline `{n}`"));
            attached.chain(inline).collect::<Vec<_>>()
        })
        .collect();
    let review = if policies.is_empty() {
        format!(
            "Review what `{role_name}` grants (`aws iam list-attached-role-policies --role-name {role_name}` and `aws iam list-role-policies --role-name {role_name}`)"
        )
    } else {
        format!(
            "Review what `{role_name}` grants through {}",
            policies.join(", ")
        )
    };
    let (account, region) = crate::model::arn_account_region(&ctx.service.service_arn);
    let mut steps = vec![
        "Decide whether the application calls AWS APIs at all. If it does not, remove `taskRoleArn` in a new revision of the task definition and roll it out (last two steps).".to_string(),
        format!(
            "{review}, and scope it to the actions and resource ARNs the application uses: IAM Access Analyzer can generate that policy from the role's CloudTrail activity (`aws accessanalyzer start-policy-generation`)."
        ),
        format!(
            "Restrict who can assume `{role_name}`: its trust policy should allow only the `ecs-tasks.amazonaws.com` service principal, with conditions `aws:SourceAccount` = `{}` and `aws:SourceArn` like `arn:{}:ecs:{}:{}:*` against the confused-deputy problem.",
            account.unwrap_or("<account>"),
            crate::model::arn_partition(&ctx.service.service_arn).unwrap_or("aws"),
            region.unwrap_or("<region>"),
            account.unwrap_or("<account>")
        ),
    ];
    steps.extend(rollout_steps(ctx));
    Remediation {
        summary: format!(
            "Keep task role `{role_name}` only if the application needs it, and limit it to what the application calls."
        ),
        steps,
        references: vec![
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html"
                .to_string(),
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html"
                .to_string(),
        ],
    }
}

fn change(p: &Proposal<'_>) -> Option<Change> {
    Some(Change::RemoveTaskRole {
        task_definition: p
            .hit
            .evidence
            .first()
            .and_then(|e| e.get(keys::TASK_DEFINITION))?
            .to_string(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        super::super::testing::run_fixture(
            &super::TRAIT,
            include_str!("fixtures/assumable_iam_role.json"),
        );
    }
}
