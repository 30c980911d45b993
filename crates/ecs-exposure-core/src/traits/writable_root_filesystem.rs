//! `writable-root-filesystem`: PLACEHOLDER — detector not written yet.

use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::WritableRootFilesystem,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition whose containers can write to their root file system",
    phrase: "has a writable root file system",
    doc: include_str!("writable_root_filesystem.md"),
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
