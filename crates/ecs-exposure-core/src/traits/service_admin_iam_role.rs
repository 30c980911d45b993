//! `service-admin-iam-role`: the task role grants every action of a whole service (`s3:*`,
//! `iam:*`…) on every resource, or has an AWS managed `*FullAccess` policy attached.

use super::iam_policy::{
    RolePolicy, aws_managed_name, require_task_role, statements, task_role_name, whole_service,
};
use super::*;
use serde_json::Value;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::ServiceAdminIamRole,
    category: Category::Misconfiguration,
    title: "The IAM role associated with the Amazon ECS service has a service admin policy",
    phrase: "has a task role with service-wide admin rights",
    doc: include_str!("service_admin_iam_role.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["taskRoleArn"]), Read::fields(Kind::IamAuthorizationDetails, &["RolePolicyList", "AttachedManagedPolicies", "PolicyVersionList"])],
    likelihood: LikelihoodRole::Context,
    impact: &[],
    check,
    remediation,
    change: super::iam_policy::restrict_role,
};

/// Why `iam:*` (or IAMFullAccess) is called out: it lets the role rewrite its own permissions.
const IAM_ESCALATION: &str = "with IAM write access the role can attach any policy to itself or create new principals, so it can escalate to full administrator";

/// An AWS managed policy name that grants a whole service (`AmazonS3FullAccess`,
/// `IAMFullAccess`, `AmazonEC2FullAccess`…).
fn is_full_access(name: &str) -> bool {
    name.ends_with("FullAccess")
}

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let Some(role) = require_task_role(ctx, out) else {
        return;
    };
    let mut recognised = Vec::new();
    for (i, a) in role.attached_managed_policies.iter().enumerate() {
        let Some(name) = aws_managed_name(&a.policy_arn).filter(|n| is_full_access(n)) else {
            continue;
        };
        recognised.push(a.policy_arn.as_str());
        let escalation = name == "IAMFullAccess";
        let mut message = format!(
            "task role `{}` has the AWS managed policy `{name}` attached, which grants full access to a whole service",
            role.name()
        );
        if escalation {
            message.push_str(&format!(" (IAM: {IAM_ESCALATION})"));
        }
        out.fire(
            Evidence::new(&role.arn, message)
                .field(format!("AttachedManagedPolicies[{i}].PolicyArn"))
                .with(keys::ROLE_ARN, role.arn.as_str())
                .with(keys::POLICY_NAME, name)
                .with(keys::POLICY_ARN, a.policy_arn.as_str())
                .with(keys::POLICY_TYPE, "aws-managed")
                .with(keys::PRIVILEGE_ESCALATION, escalation),
        );
    }
    super::iam_policy::check_role_documents(ctx, role, &recognised, out, check_document);
}

/// Fires once per `Allow` statement that grants `<service>:*` on every resource. `Action: "*"`
/// and `NotAction` are admin-iam-role's business and are not repeated here.
fn check_document(role: &crate::model::Role, policy: &RolePolicy<'_>, out: &mut Outcome) {
    for s in statements(policy.document) {
        if !s.allow || s.not_action || !s.all_resources() {
            continue;
        }
        let mut services: Vec<String> = s.actions.iter().filter_map(|a| whole_service(a)).collect();
        services.sort();
        services.dedup();
        if services.is_empty() {
            continue;
        }
        let escalation = services.iter().any(|s| s == "iam");
        let mut message = format!(
            "statement {} of {} on task role `{}` allows {} on {}",
            s.index,
            policy.describe(),
            role.name(),
            services
                .iter()
                .map(|s| format!("`{s}:*`"))
                .collect::<Vec<_>>()
                .join(", "),
            s.resource_scope()
        );
        if escalation {
            message.push_str(&format!("; `iam:*`: {IAM_ESCALATION}"));
        }
        if s.condition.is_some() {
            message.push_str("; it is conditional: it applies only when its `Condition` holds");
        }
        let mut e = Evidence::new(policy.resource(role), message)
            .field(format!("{}.{}", policy.document_path(), s.action_field()))
            .with(keys::ROLE_ARN, role.arn.as_str());
        for (k, v) in policy.details() {
            e = e.detail(&k, v);
        }
        e = e
            .with(keys::STATEMENT, s.index)
            .detail(
                "services",
                services
                    .iter()
                    .map(|s| Value::from(s.as_str()))
                    .collect::<Vec<_>>(),
            )
            .with(keys::PRIVILEGE_ESCALATION, escalation)
            .detail("conditional", s.condition.is_some());
        if let Some(sid) = s.sid {
            e = e.detail("sid", sid);
        }
        if let Some(c) = s.condition {
            e = e.detail("condition", c.clone());
        }
        out.fire(e);
    }
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    let role_name = task_role_name(ctx);
    let mut steps = Vec::new();
    if evidence
        .iter()
        .any(|e| e.get(keys::PRIVILEGE_ESCALATION) == Some(true))
    {
        steps.push(format!(
            "Remove IAM write access from `{role_name}` first: an application task almost never needs to change IAM, and with it a compromised container can make itself administrator."
        ));
    }
    steps.push(format!(
        "Generate a least-privilege policy from the role's CloudTrail activity with IAM Access Analyzer (`aws accessanalyzer start-policy-generation` with the ARN of `{role_name}`), so that each service keeps only the actions the application calls, on the resource ARNs it uses (its bucket, its table, its queue)."
    ));
    steps.extend(super::iam_policy::policy_steps(
        evidence,
        &role_name,
        "Narrow",
        "to named actions and resource ARNs",
        |name, arn| {
            format!(
                "Replace `{name}` with the narrower policy: `aws iam detach-role-policy --role-name {role_name} --policy-arn {arn}`."
            )
        },
    ));
    Remediation {
        summary: format!(
            "Limit task role `{role_name}` to the actions and resources the application uses instead of whole services."
        ),
        steps,
        references: vec![
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html"
                .to_string(),
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html"
                .to_string(),
            "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-21"
                .to_string(),
        ],
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        super::super::testing::run_fixture(
            &super::TRAIT,
            include_str!("fixtures/service_admin_iam_role.json"),
        );
    }
}
