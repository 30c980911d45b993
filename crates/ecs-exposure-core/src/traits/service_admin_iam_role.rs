//! `service-admin-iam-role`: PLACEHOLDER — detector not written yet.

use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::ServiceAdminIamRole,
    category: Category::Misconfiguration,
    title: "The IAM role associated with the Amazon ECS service has a service admin policy",
    phrase: "has a task role with service-wide admin rights",
    doc: include_str!("service_admin_iam_role.md"),
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
