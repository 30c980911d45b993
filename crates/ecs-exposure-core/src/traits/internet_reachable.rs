//! `internet-reachable`: PLACEHOLDER — detector not written yet.

use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::InternetReachable,
    category: Category::Reachability,
    title: "The Amazon ECS service is reachable over the internet",
    phrase: "is reachable from the internet",
    doc: include_str!("internet_reachable.md"),
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
