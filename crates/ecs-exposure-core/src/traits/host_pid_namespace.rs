//! `host-pid-namespace`: PLACEHOLDER — detector not written yet.

use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::HostPidNamespace,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition configured to share a host's process namespace",
    phrase: "shares the host's process namespace",
    doc: include_str!("host_pid_namespace.md"),
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
