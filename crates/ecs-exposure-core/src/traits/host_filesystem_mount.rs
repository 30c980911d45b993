//! `host-filesystem-mount`: PLACEHOLDER — detector not written yet.

use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::HostFilesystemMount,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition that allows containers to access the root file systems",
    phrase: "mounts a host directory",
    doc: include_str!("host_filesystem_mount.md"),
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
