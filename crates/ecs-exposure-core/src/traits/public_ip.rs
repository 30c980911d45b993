//! `public-ip`: PLACEHOLDER — detector not written yet.

use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::PublicIp,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service has public IP addresses",
    phrase: "assigns public IP addresses",
    doc: include_str!("public_ip.md"),
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
