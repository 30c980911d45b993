//! `ecs-exec-enabled`: PLACEHOLDER — detector not written yet.

use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::EcsExecEnabled,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service allows ECS Exec into its containers",
    phrase: "allows ECS Exec",
    doc: include_str!("ecs_exec_enabled.md"),
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
