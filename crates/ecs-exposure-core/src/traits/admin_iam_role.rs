//! `admin-iam-role`: the task role has administrative access (every action on every resource,
//! or everything but a few actions).

use super::iam_policy::{
    self, RolePolicy, aws_managed_name, require_task_role, statements, task_role_name,
};
use super::*;
use serde_json::Value;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::AdminIamRole,
    category: Category::Misconfiguration,
    title: "The IAM role associated with the Amazon ECS service has an administrative access policy",
    phrase: "has an administrative task role",
    doc: include_str!("admin_iam_role.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["taskRoleArn"]), Read::fields(Kind::IamAuthorizationDetails, &["RolePolicyList", "AttachedManagedPolicies", "PolicyVersionList"])],
    likelihood: LikelihoodRole::Weak,
    impact: &[ImpactRule { impact: Impact::High, when: None, rank: 0, because: |t| format!("the task role has administrative access ({})", t.first_resource().unwrap_or("?")) }],
    check,
    remediation,
    change: super::iam_policy::restrict_role,
};

/// AWS managed policies recognised by name (in any partition), whose documents are often not
/// in the input: `get-account-authorization-details` lists AWS managed policies only when
/// asked to. `PowerUserAccess` allows everything except IAM, Organizations and Account
/// management, which is administrative in all but name.
const ADMIN_MANAGED: &[(&str, &str)] = &[
    (
        "AdministratorAccess",
        "allows every action on every resource",
    ),
    (
        "PowerUserAccess",
        "allows every action except IAM, Organizations and Account management on every resource, which amounts to administrative access",
    ),
];

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let Some(role) = require_task_role(ctx, out) else {
        return;
    };
    let mut recognised = Vec::new();
    for (i, a) in role.attached_managed_policies.iter().enumerate() {
        let Some((name, grant)) = aws_managed_name(&a.policy_arn)
            .and_then(|n| ADMIN_MANAGED.iter().find(|(admin, _)| *admin == n))
        else {
            continue;
        };
        recognised.push(a.policy_arn.as_str());
        out.fire(
            Evidence::new(
                &role.arn,
                format!(
                    "task role `{}` has the AWS managed policy `{name}` attached, which {grant}",
                    role.name()
                ),
            )
            .field(format!("AttachedManagedPolicies[{i}].PolicyArn"))
            .with(keys::ROLE_ARN, role.arn.as_str())
            .with(keys::POLICY_NAME, *name)
            .with(keys::POLICY_ARN, a.policy_arn.as_str())
            .with(keys::POLICY_TYPE, "aws-managed")
            .detail(
                "grant",
                if *name == "AdministratorAccess" {
                    "all-actions"
                } else {
                    "all-actions-except"
                },
            ),
        );
    }
    super::iam_policy::check_role_documents(ctx, role, &recognised, out, check_document);
}

/// Fires once per `Allow` statement that grants every action (or every action but a few) on
/// every resource.
fn check_document(role: &crate::model::Role, policy: &RolePolicy<'_>, out: &mut Outcome) {
    for s in statements(policy.document) {
        if !s.allow || !s.all_resources() {
            continue;
        }
        let (grant, what) = if s.not_action {
            // NotAction with Allow grants everything that is not listed.
            (
                "all-actions-except",
                format!(
                    "allows every action except {} (`NotAction`) on {}, which amounts to administrative access",
                    if s.actions.is_empty() {
                        "none".to_string()
                    } else {
                        s.actions
                            .iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                    s.resource_scope()
                ),
            )
        } else if let Some(a) = s.actions.iter().find(|a| iam_policy::covers_all_actions(a)) {
            (
                "all-actions",
                format!("allows `{}` on {}", a.trim(), s.resource_scope()),
            )
        } else {
            continue;
        };
        let conditional = match s.condition {
            Some(_) => "; it is conditional: it applies only when its `Condition` holds",
            None => "",
        };
        let mut e = Evidence::new(
            policy.resource(role),
            format!(
                "statement {} of {} on task role `{}` {what}{conditional}",
                s.index,
                policy.describe(),
                role.name()
            ),
        )
        .field(format!("{}.{}", policy.document_path(), s.action_field()))
        .with(keys::ROLE_ARN, role.arn.as_str());
        for (k, v) in policy.details() {
            e = e.detail(&k, v);
        }
        e = e
            .with(keys::STATEMENT, s.index)
            .detail("grant", grant)
            .detail("conditional", s.condition.is_some());
        if let Some(sid) = s.sid {
            e = e.detail("sid", sid);
        }
        if s.not_action {
            // If IAM is not among the exceptions the role can also grant itself the rest.
            let iam_excluded = s
                .actions
                .iter()
                .any(|a| iam_policy::wildcard_match(a, "iam:PutRolePolicy"));
            e = e.detail("iam_excluded", iam_excluded);
            e = e.detail(
                "except_actions",
                s.actions
                    .iter()
                    .map(|a| Value::from(*a))
                    .collect::<Vec<_>>(),
            );
        }
        if let Some(c) = s.condition {
            e = e.detail("condition", c.clone());
        }
        out.fire(e);
    }
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    let role_name = task_role_name(ctx);
    let mut steps = vec![format!(
        "Find out what the application really calls: generate a policy from the role's CloudTrail activity with IAM Access Analyzer (`aws accessanalyzer start-policy-generation` with the ARN of `{role_name}`), and check `aws iam generate-service-last-accessed-details` for services the role never uses."
    )];
    steps.extend(super::iam_policy::policy_steps(
        evidence,
        &role_name,
        "Rewrite",
        "to list only the actions and resource ARNs the tasks use",
        |name, arn| {
            format!(
                "Detach `{name}` from the task role once a least-privilege policy is attached: `aws iam detach-role-policy --role-name {role_name} --policy-arn {arn}`."
            )
        },
    ));
    steps.push("Policy changes apply to running tasks without a redeployment: the tasks' credentials carry the role's permissions as they are at each call. If some containers need more than others, split them into services with their own narrow task roles.".to_string());
    Remediation {
        summary: format!(
            "Replace the administrative access of task role `{role_name}` with a policy that allows only what the application uses."
        ),
        steps,
        references: vec![
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html"
                .to_string(),
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html"
                .to_string(),
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"
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
            include_str!("fixtures/admin_iam_role.json"),
        );
    }
}
