//! `host-network-mode`: PLACEHOLDER — detector not written yet.

use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::HostNetworkMode,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition that is configured with host networking mode enabled",
    phrase: "uses host network mode",
    doc: include_str!("host_network_mode.md"),
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
