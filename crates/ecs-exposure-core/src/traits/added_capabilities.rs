//! `added-capabilities`: PLACEHOLDER — detector not written yet.

use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::AddedCapabilities,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition that adds Linux capabilities",
    phrase: "adds Linux capabilities",
    doc: include_str!("added_capabilities.md"),
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
