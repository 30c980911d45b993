//! `assumable-iam-role`: PLACEHOLDER — detector not written yet.

use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::AssumableIamRole,
    category: Category::Assumability,
    title: "The Amazon ECS service's tasks can assume an IAM role",
    phrase: "can assume IAM role credentials",
    doc: include_str!("assumable_iam_role.md"),
    context_only: true,
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
