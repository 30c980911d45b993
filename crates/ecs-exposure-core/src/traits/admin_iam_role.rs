//! `admin-iam-role`: PLACEHOLDER — detector not written yet.

use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::AdminIamRole,
    category: Category::Misconfiguration,
    title: "The IAM role associated with the Amazon ECS service has an administrative access policy",
    phrase: "has an administrative task role",
    doc: include_str!("admin_iam_role.md"),
    context_only: false,
    check,
    remediation,
};

fn check(_ctx: &ServiceContext<'_>, _out: &mut Outcome) {}

fn remediation(_ctx: &ServiceContext<'_>, _evidence: &[Evidence]) -> Remediation {
    Remediation {
        summary: String::new(),
        steps: Vec::new(),
        references: Vec::new(),
    }
}
